"""Precompressed copies of the built site's text files, for nginx's `gzip_static`.

nginx compressing every response itself served 3.8 k requests/s against 68 k uncompressed (wrk on
loopback); a `.gz` written once by the build is sent as it is. Files Pagefind already compressed
(its index, fragments, filters, metadata) and files too small to gain are left alone. The copies
carry no timestamp and no file name, so the same build gives the same bytes.
"""

from __future__ import annotations

import concurrent.futures
import gzip
import os
from pathlib import Path

from .parallel import worker_count

__all__ = ["COMPRESSIBLE", "MIN_SIZE", "precompress"]

COMPRESSIBLE = (".html", ".css", ".js", ".mjs", ".json", ".xml", ".atom", ".svg", ".txt", ".csv", ".map",
                ".webmanifest")
MIN_SIZE = 512
"""nginx's `gzip_min_length` in deploy/nginx.conf: smaller files are sent as they are."""
SKIPPED = ("_nginx",)


def precompress(site_dir: Path, level: int = 9) -> tuple[int, int]:
    """Write `name.gz` beside every compressible file of `site_dir` that gains from it; returns
    (files written, bytes saved). An existing `.gz` newer than its file is kept (sitemap.xml.gz)."""
    todo = []
    for folder, dirs, names in os.walk(site_dir):
        if folder == str(site_dir):
            dirs[:] = [d for d in dirs if d not in SKIPPED]
        for name in names:
            if name.endswith(COMPRESSIBLE):
                todo.append(os.path.join(folder, name))
    # zlib releases the GIL: threads compress on every core.
    with concurrent.futures.ThreadPoolExecutor(max(1, worker_count())) as pool:
        results = list(pool.map(lambda path: _compress(path, level), todo, chunksize=64))
    written = [r for r in results if r]
    return len(written), sum(written)


def _compress(path: str, level: int) -> int:
    target = path + ".gz"
    stat = os.stat(path)
    if stat.st_size < MIN_SIZE:
        return 0
    try:
        if os.stat(target).st_mtime_ns >= stat.st_mtime_ns:
            return 0
    except FileNotFoundError:
        pass
    with open(path, "rb") as f:
        data = f.read()
    packed = gzip.compress(data, compresslevel=level, mtime=0)
    if len(packed) >= len(data) * 0.95:
        return 0
    tmp = target + ".tmp"
    with open(tmp, "wb") as f:
        f.write(packed)
    os.replace(tmp, target)
    return len(data) - len(packed)
