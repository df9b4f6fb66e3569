"""Content-addressed cache of rendered directive bodies, kept across builds (and `mkdocs serve` rebuilds).

A body's HTML depends only on its Markdown text, the code and templates that render it, and the
library versions; the key hashes all of them, so an entry can never be stale: a change anywhere
makes new keys, and old entries are simply not read again. Entries are small JSON files under
`.cache/vanban/` (override with VANBAN_CACHE; VANBAN_CACHE=off disables the cache).
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2

__all__ = ["RenderCache", "MemoryBytecodeCache", "code_fingerprint", "cache_dir_for"]

_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of this package's code and templates and of the Markdown library version."""
    h = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".html") and path.is_file():
            h.update(path.relative_to(_PACKAGE).as_posix().encode())
            h.update(path.read_bytes())
    for dist in ("Markdown", "Jinja2"):
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return h.hexdigest()[:16]


def cache_dir_for(project_root: Path) -> Path | None:
    setting = os.environ.get("VANBAN_CACHE", "")
    if setting.lower() in ("off", "0", "false", "no"):
        return None
    return Path(setting).resolve() if setting else project_root / ".cache" / "vanban"


class RenderCache:
    """get/put of JSON-able values by a key made from their inputs."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def key(self, *parts: str) -> str:
        h = hashlib.sha256(code_fingerprint().encode())
        for part in parts:
            h.update(b"\0")
            h.update(part.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key[2:]}.json"

    def get(self, key: str) -> Any | None:
        if self.folder is None:
            return None
        try:
            value = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        if self.folder is None:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)  # atomic: parallel workers never see half a file
        except OSError:
            pass  # a cache that cannot be written only costs time


    def get_bytes(self, kind: str, key: str) -> bytes | None:
        """An entry stored by `put_bytes` under a key computed by the caller (e.g. a page key, which
        already hashes the code and every input of the page)."""
        if self.folder is None:
            return None
        try:
            value = (self.folder / kind / key[:2] / key[2:]).read_bytes()
        except OSError:
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put_bytes(self, kind: str, key: str, value: bytes) -> None:
        if self.folder is None:
            return
        path = self.folder / kind / key[:2] / key[2:]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(value)
            os.replace(tmp, path)
        except OSError:
            pass


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the life of the process.

    Jinja keys each entry by template name and source checksum, so an edited template is compiled
    again; nothing stale is served."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()
