"""Content-addressed cache of rendered directive bodies, kept across builds (and `mkdocs serve` rebuilds).

A body's HTML depends only on its Markdown text, the code and templates that render it, and the
library versions; the key hashes all of them, so an entry can never be stale: a change anywhere
makes new keys, and old entries are simply not read again. Entries are rows of one SQLite
database, `.cache/vanban/entries.sqlite` (override the folder with VANBAN_CACHE; VANBAN_CACHE=off
disables the cache).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Iterator

import jinja2

__all__ = ["RenderCache", "MemoryBytecodeCache", "code_fingerprint", "cache_dir_for", "read_kept", "keep"]

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


def read_kept(path: Path, stamp: str) -> Any | None:
    """What `keep` stored in `path` under the same `stamp` (the code, the folders), else None:
    missing, half written, or kept by other code."""
    try:
        with open(path, "rb") as f:
            saved = pickle.load(f)  # noqa: S301 - written by `keep`, in the project's own cache
    except Exception:
        return None
    if isinstance(saved, tuple) and len(saved) == 2 and saved[0] == stamp:
        return saved[1]
    return None


def keep(path: Path, stamp: str, value: Any) -> bool:
    """Store `value` in `path` for the next process (written aside, then renamed into place);
    False if it could not be written, which only costs time."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            pickle.dump((stamp, value), f, pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        return True
    except OSError:
        tmp.unlink(missing_ok=True)  # a full disk must not also keep a half-written copy
        return False


class RenderCache:
    """Values by a key made from their inputs, in one SQLite database under the cache folder.

    Kinds of entries: "body" (a directive body's HTML and table of contents, JSON, by `key()` of
    its text and link targets), "pages", "search" and "opendata" (a whole generated page, a search
    page, a directive's open-data file and export lines, bytes, by page key). As files, the ~33 000 entries of a cold 10 000-directive
    build cost ~10 CPU-s on this machine's file system (a mkdir, open and rename each); in one
    database, written a batch per transaction, well under a second. `put` only queues a body entry:
    `flush()` writes the queue (each forked worker flushes what it rendered).
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0
        self._queue: list[tuple[str, str, bytes]] = []
        self._db: tuple[int, sqlite3.Connection] | None = None

    def key(self, *parts: str) -> str:
        h = hashlib.sha256(code_fingerprint().encode())
        for part in parts:
            h.update(b"\0")
            h.update(part.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def get(self, key: str) -> Any | None:
        found = self.get_many("body", [key])
        return json.loads(found[key]) if key in found else None

    def put(self, key: str, value: Any) -> None:
        if self.folder is not None:
            self._queue.append(("body", key, json.dumps(value, ensure_ascii=False).encode("utf-8")))

    def flush(self) -> None:
        queue, self._queue = self._queue, []
        self._write(queue)

    def get_many(self, kind: str, keys: Iterable[str]) -> dict[str, bytes]:
        """Entries of `kind` by key; missing keys are left out."""
        return dict(self.iter_many(kind, keys))

    def iter_many(self, kind: str, keys: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        """(key, entry) of the `keys` found, a few hundred at a time (the caller need not hold
        every entry at once)."""
        if self.folder is None:
            return
        wanted = list(dict.fromkeys(keys))
        for i in range(0, len(wanted), 500):  # SQLite caps the variables of one statement
            chunk = wanted[i:i + 500]
            try:
                rows = self._connection().execute(f"SELECT key, value FROM entries WHERE kind = ? AND key IN "
                                                  f"({','.join('?' * len(chunk))})", [kind, *chunk]).fetchall()
            except sqlite3.Error:
                return
            self.hits += len(rows)
            self.misses += len(chunk) - len(rows)
            yield from rows

    def present(self, kind: str, keys: Iterable[str]) -> set[str]:
        """Which of `keys` have an entry of `kind` (without reading the entries)."""
        if self.folder is None:
            return set()
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            try:
                rows = self._connection().execute(f"SELECT key FROM entries WHERE kind = ? AND key IN "
                                                  f"({','.join('?' * len(chunk))})", [kind, *chunk]).fetchall()
            except sqlite3.Error:
                return found
            found.update(key for key, in rows)
        return found

    def put_many(self, kind: str, entries: Iterable[tuple[str, bytes]]) -> None:
        """Store entries of `kind` (key, bytes) in one transaction."""
        if self.folder is not None:
            self._write([(kind, key, value) for key, value in entries])

    def prune(self) -> int:
        """Delete the entries written by other code than this (a code or template change makes
        every key new, so they would never be read again); returns how many. Entries of earlier
        versions of a directive stay (one per edit) until the code changes."""
        if self.folder is None or not (self.folder / DATABASE).is_file():
            return 0
        try:
            db = self._connection()
            with db:
                return db.execute("DELETE FROM entries WHERE code != ?", [code_fingerprint()]).rowcount
        except sqlite3.Error:
            return 0

    def _write(self, rows: list[tuple[str, str, bytes]]) -> None:
        if self.folder is None or not rows:
            return
        code = code_fingerprint()
        try:
            db = self._connection()
            with db:
                db.executemany("INSERT OR REPLACE INTO entries (kind, key, code, value) VALUES (?, ?, ?, ?)",
                               ((kind, key, code, value) for kind, key, value in rows))
        except sqlite3.Error:
            pass  # a cache that cannot be written only costs time

    def _connection(self) -> sqlite3.Connection:
        # One connection per process: a forked worker must not use its parent's.
        assert self.folder is not None
        if self._db is None or self._db[0] != os.getpid():
            self.folder.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.folder / DATABASE, timeout=60, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")  # readers in other processes while one writes
            # No fsync at each commit (~20 ms each here, 167 commits in a cold 10 000 build's
            # writer): a crash of the machine may lose the last entries, which only costs time;
            # WAL keeps the database consistent either way.
            db.execute("PRAGMA synchronous=NORMAL")
            if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
                _create(db)
            self._db = (os.getpid(), db)
        return self._db[1]


SCHEMA = 2
"""Layout of the database's one table (`PRAGMA user_version`)."""


def _create(db: sqlite3.Connection) -> None:
    # A database of an earlier layout is only a cache: start it again. Checked again under the
    # write lock, since another process may be doing the same.
    db.execute("BEGIN IMMEDIATE")
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
            db.execute("DROP TABLE IF EXISTS entries")
            db.execute("CREATE TABLE entries (kind TEXT, key TEXT, code TEXT, value BLOB, PRIMARY KEY (kind, key))")
            db.execute(f"PRAGMA user_version = {SCHEMA}")
        db.execute("COMMIT")
    except sqlite3.Error:
        db.execute("ROLLBACK")
        raise

DATABASE = "entries.sqlite"
"""The cache's database file, in the cache folder (beside `pagefind/`, the indexed search buckets)."""


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
