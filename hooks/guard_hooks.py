"""MkDocs adapter for what keeps a build from hanging or ending in a traceback (`vanban.sitelock`,
`vanban.bodies`, `vanban.oserrors`).

Events used: on_startup (the command, --dirty; under `mkdocs serve`, SIGTERM and SIGHUP act as Ctrl+C so
the preview's temporary site is deleted, `vanban.stopping`), on_pre_build (first: lock the site folder before
MkDocs empties it, and move its old files aside, `vanban.siteclean`), on_post_build (last: give
the lock back once every file is written, and start deleting the old files in the background),
on_build_error (give it back and start that deletion; a full disk, an
unwritable folder or a body past its time budget ends the command with one line naming the path
and the cause instead of a traceback) and on_shutdown (the preview's lock file goes with its folder).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from vanban.bodies import BodyTooSlow
from vanban.oserrors import describe_os_error, disk_full, is_write_failure
from vanban.search import PagefindError
from vanban.siteclean import delete_aside, move_aside
from vanban.sitelock import SiteBusy, SiteLock, lock_path
from vanban.stopping import stop_like_ctrl_c

_lock: SiteLock | None = None
_site_dir: Path | None = None
_empties_site = False
"""MkDocs empties the site folder: a build that is not --dirty (a preview builds into a folder of its own)."""
_preview = False
"""`mkdocs serve`: the site folder is a temporary one of this process's own, deleted when it stops."""


# ------------------------------------------------------------------------------------------------
# Hooks
# ------------------------------------------------------------------------------------------------

def on_startup(*, command: str, dirty: bool) -> None:
    global _empties_site, _preview
    _empties_site = command in ("build", "gh-deploy") and not dirty
    _preview = command == "serve"
    if _preview:
        stop_like_ctrl_c()


@event_priority(1000)
def on_pre_build(*, config: MkDocsConfig) -> None:
    global _lock, _site_dir
    _site_dir = Path(config.site_dir)
    _release()
    _lock = SiteLock(_site_dir)
    try:
        _lock.acquire()
    except SiteBusy as busy:
        _lock = None
        raise PluginError(str(busy)) from None
    except OSError as error:
        _lock = None
        raise PluginError(describe_os_error(error, _site_dir)) from None
    if _empties_site:
        move_aside(_site_dir)


@event_priority(-1000)
def on_post_build(*, config: MkDocsConfig) -> None:
    _release()
    _delete_old_site()


def on_build_error(*, error: Exception) -> None:
    _release()
    _delete_old_site()
    line = _staff_line(error)
    if line is not None:
        # MkDocs re-raises what is not a BuildError: the traceback would hide the one useful line.
        previous = sys.excepthook

        def one_line(kind, value, tb) -> None:  # noqa: ANN001 - sys.excepthook signature
            if value is not error:
                previous(kind, value, tb)
                return
            print(line, file=sys.stderr)
            sys.stdout.flush()
            sys.stderr.flush()
            # Leave at once: MkDocs' objects, collected at interpreter exit after an uncaught
            # exception, print a traceback of their own.
            os._exit(1)

        sys.excepthook = one_line


def on_shutdown() -> None:
    _release()
    if _preview and _site_dir is not None:
        # No other build can know the preview's temporary folder, so none races for its lock file.
        lock_path(_site_dir).unlink(missing_ok=True)


# ------------------------------------------------------------------------------------------------
# Helper functions
# ------------------------------------------------------------------------------------------------

def _release() -> None:
    global _lock
    if _lock is not None:
        _lock.release()
        _lock = None


def _delete_old_site() -> None:
    if _empties_site and _site_dir is not None:
        delete_aside(_site_dir)


def _staff_line(error: BaseException) -> str | None:
    if isinstance(error, BodyTooSlow):
        return str(error)  # "path:line: lỗi: …"
    if isinstance(error, PagefindError):
        return f"Lỗi: {error}"
    if is_write_failure(error):
        return f"Lỗi: {describe_os_error(error, _site_dir)}"  # type: ignore[arg-type]
    if isinstance(error, RuntimeError) and _site_dir is not None and disk_full(_site_dir):
        # Pagefind reports a failed write as a message (or as files left empty, retried in vain).
        return f"Lỗi: Không ghi được {_site_dir}: hết dung lượng đĩa ({error})."
    return None
