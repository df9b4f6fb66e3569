"""Finished pages kept across builds, hard-linked into the next site.

A generated page's file is a function of two keys: its own (`PageSpec.key`: its body, metadata and
the code of its page stage) and the frame's (`frame_key`: Material's theme and its overrides, every
hook's code, MkDocs' configuration and the navigation). When both are unchanged, the page's bytes
are those the previous build wrote: a build takes them from `<cache>/pages/<ab>/<key>` instead of
framing the page again (the head, the table of contents, Material's template, every hook's
on_post_page) and writing 30 KB. At 10 000 directives a warm build wrote its 13 000 pages in 12 s;
creating a file and writing it costs six times as much as a hard link on this machine's ext4.

A page comes from the store only where no hook needs to see it whole: pages whose content may carry
inline code (CSP hashes, `vanban.csp.may_carry_code`) are always framed again. An entry can never be
stale (a change of either key makes a new name); `prune` deletes what the build did not use (after
an upgrade that frames every page again, 20 000 files: in a low-priority process of its own, which
the build does not wait for).
A page's `.gz` copy for nginx is kept and placed with it (`vanban.build.write_page` writes it).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from importlib import metadata
from pathlib import Path
from typing import Iterable

from .siteclean import delete_later, delete_now

__all__ = ["PAGES_DIR", "PageStore", "frame_key", "page_key"]

PAGES_DIR = "pages"
"""The store's folder in the build cache."""
GZ = ".gz"
"""A stored page's compressed copy is kept beside it, under its name + this."""

FRAME_LIBRARIES = ("mkdocs", "mkdocs-material", "Jinja2", "MarkupSafe", "Markdown", "pymdown-extensions")
"""The libraries whose version changes a page's frame."""


def frame_key(code: str, files: Iterable[Path], settings: str, navigation: str) -> str:
    """Key of what frames every generated page: `code` (the frame stage's key, `cache.STAGES`),
    `files` (the MkDocs adapters and the theme overrides, by name and bytes), the libraries'
    versions, MkDocs' `settings` (a stable text of its configuration) and the `navigation` (every
    entry's title and address)."""
    h = hashlib.sha256(f"frame\0{code}\0".encode())
    for path in sorted(files):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for dist in FRAME_LIBRARIES:
        try:
            h.update(f"{dist}={metadata.version(dist)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=?\0".encode())
    h.update(settings.encode("utf-8", "surrogatepass") + b"\0" + navigation.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:24]


def page_key(frame: str, spec_key: str, url: str) -> str:
    """Name of a finished page in the store."""
    return hashlib.sha1(f"{frame}\0{spec_key}\0{url}".encode("utf-8", "surrogatepass")).hexdigest()


class PageStore:
    """`<cache>/pages/`: finished pages by `page_key`. Neither a stored file nor a site file is ever
    written in place (`vanban.build.write_page` replaces), so sharing one inode is safe."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> str:
        return f"{self.folder}/{key[:2]}/{key}"

    def place(self, key: str, target: str) -> bool:
        """Put the stored page `key` at `target` (its folder made), and its `.gz` copy beside it
        when one is stored; False when no page is stored."""
        source = self._path(key)
        try:
            _link(source, target)
        except FileNotFoundError:
            if not os.path.isfile(source):
                return False
            os.makedirs(os.path.dirname(target), exist_ok=True)  # the target's folder was missing
            _link(source, target)
        try:
            # Linked after the page, and written after it: `vanban.precompress` keeps a copy newer than its file.
            _link(source + GZ, target + GZ)
        except FileNotFoundError:
            # The page gains nothing from compression, or was stored without its copy: no older
            # copy may stay beside it (`build --dirty` keeps the site folder).
            try:
                os.unlink(target + GZ)
            except FileNotFoundError:
                pass
        return True

    def keep(self, key: str, written: str) -> None:
        """Keep the page just `written`, and its `.gz` copy when it has one (a failure leaves the
        site complete: this is a cache)."""
        path = self._path(key)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            _store(written, path)
            if os.path.isfile(written + GZ):
                _store(written + GZ, path + GZ)
        except OSError:
            pass

    def prune(self, used: set[str], background: bool = False) -> int:
        """Delete the stored pages not in `used` (`background`: in a low-priority process the build
        does not wait for, `siteclean.delete_later`; a later build that meets an entry not deleted
        yet takes it, nothing stale is ever stored; one deleted under it is only a miss); returns how many."""
        stale = []
        try:
            for folder in os.scandir(self.folder):
                if folder.is_dir():
                    stale += [entry.path for entry in os.scandir(folder.path) if entry.name.removesuffix(GZ) not in used]
        except OSError:
            pass
        if background and len(stale) > 1:
            delete_later(stale, self.folder)
        else:
            delete_now(stale)
        return len(stale)


def _store(written: str, path: str) -> None:
    """Link `written` in at `path` through a name of this thread's own (pages of equal bytes may be kept at once)."""
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    _link(written, tmp)
    os.replace(tmp, path)


def _link(source: str, target: str) -> None:
    """A hard link where the file system allows, a copy where it does not; a file already at
    `target` is replaced, and its compressed copy dropped (a stored page may be older than the
    `.gz` of the page it replaces, which `precompress` would then keep)."""
    try:
        os.link(source, target)
    except FileExistsError:
        os.unlink(target)
        try:
            os.unlink(target + ".gz")
        except FileNotFoundError:
            pass
        os.link(source, target)
    except OSError as error:
        if isinstance(error, FileNotFoundError):
            raise
        shutil.copyfile(source, target)
