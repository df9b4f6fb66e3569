"""One build at a time per site folder.

Two builds into the same folder empty and fill it at once: one was seen waiting for ever on a Pagefind
reply, another failing on a file the other had just moved away. The first build holds an exclusive
`flock` on a file beside the folder (`.site.lock` for `site/`: inside it, MkDocs' cleaning would
spare it but a deploy could publish it); a second build stops at once, naming the process that holds
it. The kernel drops the lock when that process ends, however it ends, so a killed build never leaves
a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["SiteBusy", "SiteLock", "lock_path"]


class SiteBusy(Exception):
    """Another process builds into the same folder; the message is the staff's one line."""


def lock_path(site_dir: Path) -> Path:
    """`.site.lock` beside `site/`."""
    site_dir = Path(site_dir).resolve()
    return site_dir.parent / f".{site_dir.name}.lock"


class SiteLock:
    """The lock of one site folder, taken with `acquire` and given back with `release`."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = Path(site_dir)
        self.path = lock_path(self.site_dir)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock, or raise `SiteBusy` at once if another process holds it."""
        if self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "không rõ"
            os.close(fd)
            raise SiteBusy(f"Thư mục {self.site_dir} đang được một bản dựng khác ghi ({holder}): chờ bản dựng "
                           f"đó xong rồi chạy lại (khóa: {self.path}).") from None
        except BaseException:
            os.close(fd)
            raise
        started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"tiến trình {os.getpid()}, bắt đầu {started}".encode("utf-8"), 0)
        self._fd = fd

    def release(self) -> None:
        """Give the lock back (the file stays: removing it would race with a build taking it)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
