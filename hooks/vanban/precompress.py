"""Precompressed copies of the built site's text files, for nginx's `gzip_static`.

nginx compressing every response itself served 3.8 k requests/s against 68 k uncompressed (wrk on
loopback); a `.gz` written once by the build is sent as it is. Files Pagefind already compressed
(its index, fragments, filters, metadata) and files too small to gain are left alone. The copies
carry no timestamp and no file name, so the same build gives the same bytes.

The copies are made by libdeflate (the `deflate` package) at level 6: on the directive pages of a
10 000-directive site its copies are 0.8 % larger than at its level 9 (6 572 against 6 520 bytes a
page) in half the time (0.17 against 0.35 ms a page), which every page framed again pays: a cold
build, a directive-template upgrade (benchmarks/README.md, eighth and tenth passes). Compressing
~28 000 files at zlib's level 9 took ~15 s of a 10 000-directive build, warm or cold. Given a
cache folder, each copy is kept there under the digest of the file it compresses
(`<cache>/gzip/<ab>/<digest>`, hard-linked into the site where the file system allows): a later
build compresses only the files whose bytes changed, and drops the copies no file needs any more.
"""

from __future__ import annotations

import concurrent.futures
import functools
import hashlib
import os
import shutil
import threading
from pathlib import Path

import deflate

from .parallel import worker_count

__all__ = ["COMPRESSIBLE", "COMPRESSOR", "LEVEL", "MIN_SIZE", "gz_copy", "precompress"]

COMPRESSIBLE = (".html", ".css", ".js", ".mjs", ".json", ".xml", ".atom", ".svg", ".txt", ".csv", ".map",
                ".webmanifest")
MIN_SIZE = 512
"""nginx's `gzip_min_length` in deploy/nginx.conf: smaller files are sent as they are."""
LEVEL = 6
"""libdeflate level of every copy (level 9 saves 0.8 % in twice the time; 10 and up are several times slower)."""
COMPRESSOR = f"libdeflate {deflate.__version__}"
"""What makes the copies: the cache keeps a copy under the digest of its file, this and the level."""
SKIPPED = ("_nginx",)
CHUNK = 256


def gz_copy(data: bytes, level: int = LEVEL) -> bytes | None:
    """`data` as its `.gz` copy holds it, or None when it is too small or gains too little to have one."""
    if len(data) < MIN_SIZE:
        return None
    # Gzip's header without a name and with time 0, as Python's gzip.compress(mtime=0) writes it.
    packed = bytes(deflate.gzip_compress(data, level))
    return None if len(packed) >= len(data) * 0.95 else packed


def precompress(site_dir: Path, level: int = LEVEL, cache_dir: Path | None = None, prune: bool = True) -> tuple[int, int]:
    """Write `name.gz` beside every compressible file of `site_dir` that gains from it; returns
    (files written, bytes saved). An existing `.gz` newer than its file is kept (sitemap.xml.gz).
    With `cache_dir`, copies come from `<cache_dir>/gzip/` when an earlier build made them, and
    (`prune`) the copies this build did not use are deleted there. A file whose copy was written
    after it (the generated pages, compressed as they were written: `vanban.build.write_page`) is
    only looked at."""
    todo = []
    for folder, dirs, names in os.walk(site_dir):
        if folder == str(site_dir):
            dirs[:] = [d for d in dirs if d not in SKIPPED]
        for name in names:
            if name.endswith(COMPRESSIBLE):
                todo.append(os.path.join(folder, name))
    store = cache_dir / "gzip" if cache_dir else None
    # Look-ups first, in this thread: they take microseconds a file, and two threads contending for
    # the GIL made a warm build's 28 000 look-ups three times slower. Then zlib, which releases the
    # GIL, compresses what is new on every core, a chunk of files per task.
    found = [_look_up(path, level, store) for path in todo]
    due = [(path, digest) for path, (saved, digest) in zip(todo, found) if saved is None]
    chunks = [due[i:i + CHUNK] for i in range(0, len(due), CHUNK)]
    with concurrent.futures.ThreadPoolExecutor(max(1, worker_count())) as pool:
        packed = [r for done in pool.map(lambda chunk: [_compress(path, level, store, digest) for path, digest in chunk], chunks)
                  for r in done]
    results = [r for r in found if r[0] is not None] + packed
    if store is not None and prune:
        _prune(store, {r[1] for r in results if r[1]})
    written = [r[0] for r in results if r[0]]
    return len(written), sum(written)


def _look_up(path: str, level: int, store: Path | None) -> tuple[int | None, str]:
    """(bytes saved, digest of the file when it was looked up in the store); saved is None when
    the file is still to compress."""
    target = path + ".gz"
    stat = os.stat(path)
    if stat.st_size < MIN_SIZE:
        return 0, ""
    try:
        copy = os.stat(target)
        if copy.st_mtime_ns >= stat.st_mtime_ns:
            return stat.st_size - copy.st_size, ""
    except FileNotFoundError:
        pass
    if store is None:
        return None, ""
    with open(path, "rb") as f:
        data = f.read()
    digest = hashlib.blake2b(data, digest_size=20, person=_person(level)).hexdigest()
    kept = store / digest[:2] / digest
    try:
        size = os.stat(kept).st_size
    except FileNotFoundError:
        return None, digest
    if size == 0:  # this file does not gain from compression
        return 0, digest
    _link_or_copy(kept, target)
    return len(data) - size, digest


@functools.lru_cache(maxsize=None)
def _person(level: int) -> bytes:
    """What a copy's digest is personalised with: another compressor or level, another copy."""
    return hashlib.blake2b(f"{COMPRESSOR} {level}".encode(), digest_size=16).digest()


def _compress(path: str, level: int, store: Path | None, digest: str) -> tuple[int, str]:
    """Compress `path` (whose digest `_look_up` gave when there is a store): (bytes saved, digest)."""
    target = path + ".gz"
    with open(path, "rb") as f:
        data = f.read()
    packed = gz_copy(data, level)
    if packed is None:
        if store is not None:
            _keep(store / digest[:2] / digest, None)
        return 0, digest
    tmp = target + ".tmp"
    with open(tmp, "wb") as f:
        f.write(packed)
    os.replace(tmp, target)
    if store is not None:
        _keep(store / digest[:2] / digest, target)
    return len(data) - len(packed), digest


def _keep(path: Path, written: str | None) -> None:
    """Keep the copy just `written`, or an empty file for a file that does not gain from compression."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if written is None:
            path.touch()
        else:
            _link_or_copy(written, str(path))
    except OSError:  # the site is complete without the cache
        pass


def _link_or_copy(source: Path | str, target: str) -> None:
    """Put `source` at `target` whole (a hard link where the file system allows): neither side is
    ever written in place, both are replaced, so a link is safe. The name of the file in between
    is the thread's own (copies of the same bytes may be placed at once)."""
    tmp = f"{target}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def _prune(store: Path, used: set[str]) -> None:
    """Delete the cached copies of files this build no longer has (a cache, not an archive)."""
    try:
        for folder in os.scandir(store):
            if not folder.is_dir():
                continue
            for entry in os.scandir(folder.path):
                if entry.name not in used:
                    os.unlink(entry.path)
    except OSError:
        pass
