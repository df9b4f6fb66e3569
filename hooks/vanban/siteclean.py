"""Emptying the site folder before a full build, without waiting for the deletion.

MkDocs empties the site folder at the start of every build that is not `--dirty`, file by file: at
10 000 directives ~78 000 files, 6 s of a 45 s warm build during which nothing else ran. Here the
folder's entries are moved, one rename each, into a hidden folder beside it (`.site.old-<pid>-<n>`,
on the same file system: `move_aside`), MkDocs then finds the folder empty, and once the build has
written every file a background `rm -rf`, at low priority, deletes them (`delete_aside`). Hidden
entries stay, as MkDocs keeps them. Whatever cannot be moved (another file system, no permission)
is left for MkDocs to delete as before, and the leftovers of a build killed before its deletion are
deleted by the next one.

The deletion waits for the end of the build because ext4 without a journal (this project's build
machines) skips, when it allocates an inode, every inode freed in the last 60–300 s: a build that
made its ~30 000 folders and files while the old site's were being deleted spent 17 s of a 21.5 s
publish build (10 000 directives) in the kernel, 9.5 s when nothing had been deleted for a minute.
The old site's files then take their space until the build ends (most are hard links into the
caches, which hold the same bytes).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import threading
from pathlib import Path

__all__ = ["delete_aside", "delete_later", "delete_now", "move_aside", "moved_site", "trash_folders"]

_counter = itertools.count()
_moved: dict[Path, Path] = {}
"""Site folder → the folder its previous entries were last moved into by this process."""


def trash_folders(site_dir: Path) -> list[Path]:
    """The folders of old files beside `site_dir` still waiting to be deleted."""
    site_dir = Path(site_dir).resolve()
    prefix = f".{site_dir.name}.old-"
    try:
        return sorted(p for p in site_dir.parent.iterdir() if p.name.startswith(prefix) and p.is_dir())
    except OSError:
        return []


def move_aside(site_dir: Path) -> int:
    """Move the visible entries of `site_dir` aside (`delete_aside` deletes them); returns how many
    were moved."""
    site_dir = Path(site_dir).resolve()
    try:
        entries = [e for e in os.scandir(site_dir) if not e.name.startswith(".")]
    except OSError:
        return 0
    if not entries:
        return 0
    trash = site_dir.parent / f".{site_dir.name}.old-{os.getpid()}-{next(_counter)}"
    try:
        trash.mkdir()
    except OSError:
        return 0
    moved = 0
    for entry in entries:
        try:
            os.rename(entry.path, trash / entry.name)
            moved += 1
        except OSError:  # another file system, a busy mount point: MkDocs deletes it
            pass
    _moved[site_dir] = trash
    return moved


def moved_site(site_dir: Path) -> Path | None:
    """Where this build moved the previous site's entries (until `delete_aside`): a step that
    writes a file equal to one there may move the old one back instead (`webserver.write_short_link_stubs`)."""
    trash = _moved.get(Path(site_dir).resolve())
    return trash if trash is not None and trash.is_dir() else None


def delete_aside(site_dir: Path) -> None:
    """Delete, in the background, what `move_aside` moved (and what a killed build left there)."""
    _moved.pop(Path(site_dir).resolve(), None)
    _delete(trash_folders(site_dir))


def _delete(folders: list[Path]) -> None:
    delete_later([str(f) for f in folders])


def delete_later(paths: list[str], listing_dir: str | Path | None = None) -> None:
    """Delete the files or folders `paths` in a process of their own at low priority, which the
    caller does not wait for. Many paths (`listing_dir` given) go to it as a list in a file there,
    removed after them (a command line holds ~2 MB; a pipe would make the caller wait for the
    deleter). Without `rm` (or `sh` and `xargs` for a list), a thread of this process deletes them."""
    if not paths:
        return
    sh, xargs, rm, nice = shutil.which("sh"), shutil.which("xargs"), shutil.which("rm"), shutil.which("nice")
    low = [nice, "-n", "15"] if nice else []
    try:
        if listing_dir is None and rm:
            command = low + [rm, "-rf", "--", *paths]
        elif listing_dir is not None and sh and xargs:
            listing = os.path.join(listing_dir, f".stale-{os.getpid()}-{next(_counter)}")
            with open(listing, "wb") as f:
                f.write(b"\0".join(os.fsencode(path) for path in paths))
            command = low + [sh, "-c", 'xargs -0 rm -rf -- < "$1"; rm -f -- "$1"', "sh", listing]
        else:
            raise OSError("no rm, sh or xargs")
        subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        threading.Thread(target=delete_now, args=(paths,), name="vanban-delete", daemon=True).start()


def delete_now(paths: list[str]) -> None:
    """Delete the files or folders `paths` here and now; one that is gone already is no error."""
    for path in paths:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass
