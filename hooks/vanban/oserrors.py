"""One line for a file the build could not write: the path and the cause in Vietnamese.

A full disk used to end in a traceback (`OSError: [Errno 28]` without a path, or Pagefind's retries
giving up); staff need to know where and why.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

__all__ = ["CAUSES", "describe_os_error", "is_write_failure", "disk_full"]

CAUSES = {
    errno.ENOSPC: "hết dung lượng đĩa",
    errno.EDQUOT: "hết hạn mức dung lượng đĩa (quota) của người dùng",
    errno.EROFS: "ổ đĩa hoặc thư mục chỉ cho đọc",
    errno.EACCES: "không có quyền ghi",
    errno.EPERM: "không có quyền ghi",
    errno.EFBIG: "tệp quá lớn so với giới hạn của hệ thống",
    errno.EIO: "lỗi đọc/ghi của ổ đĩa",
}


def is_write_failure(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in CAUSES


def describe_os_error(error: OSError, where: str | Path | None = None) -> str:
    """"Không ghi được site/x/index.html: hết dung lượng đĩa." — the file when the error names it,
    else `where` (the folder being written)."""
    # A copy's error names the source first and the file being written second (shutil.copyfile).
    path = error.filename2 or error.filename or where or "(không rõ đường dẫn)"
    cause = CAUSES.get(error.errno or 0) or (error.strerror or str(error))
    return f"Không ghi được {path}: {cause}."


def disk_full(folder: Path) -> bool:
    """Whether the file system of `folder` has no block left for this user."""
    try:
        stats = os.statvfs(folder)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < 64 * 1024
