"""Content-addressed caches kept across builds (and `mkdocs serve` rebuilds), keyed by stage.

Every cached product is keyed by its inputs and by the code of the one stage that makes it, never
by the whole project's code: an upgrade that changes a template re-frames the cached bodies, one
that changes the feed writer rewrites the feeds and nothing else. `STAGES` (below) is the one place
that says which modules and templates each stage's code key hashes; `stage_key(name)` is that key.
An entry can never be stale: a change of its inputs or of its stage's code makes a new key, and old
entries are simply not read again (`RenderCache.prune` deletes those of other stage code).

Entries are rows of one SQLite database, `.cache/vanban/entries.sqlite` (override the folder with
VANBAN_CACHE; VANBAN_CACHE=off disables the cache).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Iterator

import jinja2

__all__ = ["RenderCache", "MemoryBytecodeCache", "FolderBytecodeCache", "TEMPLATE_CODE_DIR", "Stage", "STAGES",
           "PAGE_STAGES", "KIND_STAGES", "stage_key", "stage_files", "code_fingerprint", "cache_dir_for", "read_kept", "keep"]

_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Stage:
    """What one stage's code key hashes: files of this package (modules, `templates/…`), the versions
    of libraries, and the keys of the stages whose products it takes as input."""

    files: tuple[str, ...]
    libraries: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()


_MODEL = ("model.py", "numbers.py", "registry.py", "text.py", "problems.py")
"""The data model every stage reads (a directive, its number, the registries)."""
_ARCHIVE = ("archive.py", "crossrefs.py", "citations.py", "force.py", "rules.py", "statements.py")
"""The loaded archive: its lookups by number and the citations between directives."""

_FRONTMATTER = tuple(f"frontmatter/{p.name}" for p in sorted((_PACKAGE / "frontmatter").glob("*.py")))
"""The front-matter readers (`vanban.frontmatter`), one module per part of the front matter."""

STAGES: dict[str, Stage] = {
    # Reading directives/: the load memo and the citation scans (`loader.LoadMemo`, `crossrefs`).
    # (frontmatter/: the field readers; rules.py: each problem's code; force.py: the status in force.)
    "load": Stage(("project.py", "loader.py", "bounds.py", "repofiles.py", "rules.py", "force.py", "statements.py",
                   *_FRONTMATTER, *_MODEL, *_ARCHIVE)),
    # A directive body's HTML and table of contents, from its Markdown text and citation targets.
    # (bodies.py: the time budget a body renders within; linksafety.py: which links a body keeps.)
    "body": Stage(("render.py", "anchors.py", "citations.py", "bodies.py", "linksafety.py", "rules.py", *_MODEL), ("Markdown",)),
    # The archive's HTML of a page (directive, listing, index, statistics, short-link choice), from
    # cached bodies, metadata and the archive's templates: the modules every kind of page shares,
    # then one stage per kind with its templates, so that a change to the listing template re-makes
    # listing pages only. Material's theme frames every page afterwards on every build (not cached:
    # its templates, docs/overrides/, are no stage's).
    "page": Stage(("site.py", "render.py", "listings.py", "stats.py", "shortlinks.py", "cite.py", "diagram.py",
                   "anchors.py", "statements.py", *_MODEL, *_ARCHIVE), ("Markdown", "Jinja2"), ("body",)),
    "page:directive": Stage(("templates/directive.html", "templates/_crossrefs.html", "templates/_macros.html"), (), ("page",)),
    "page:listing": Stage(("templates/listing.html", "templates/_macros.html"), (), ("page",)),
    "page:index": Stage(("templates/group_index.html", "templates/_macros.html"), (), ("page",)),
    "page:stats": Stage(("templates/stats.html", "templates/_macros.html"), (), ("page",)),
    "page:short-link": Stage(("templates/short_link.html", "templates/_macros.html"), (), ("page",)),
    # The home page's overview (rendered on every build, into a hand-written page: not cached).
    "page:home": Stage(("templates/home.html", "templates/_macros.html"), (), ("page",)),
    # What Pagefind reads for a directive: its page's HTML (`page` key) wrapped with search metadata.
    # An index bucket is keyed by the digests of those documents, not by any code (`search.Bucket`).
    # (anchors.py: the "¶" links a search page leaves out.)
    "search": Stage(("search.py", "anchors.py", "oserrors.py", "templates/search_index.html", *_MODEL, *_ARCHIVE), ("Jinja2",)),
    # A directive's open-data JSON, export record and CSV line, from its fields.
    "opendata": Stage(("opendata.py", "cite.py", "statements.py", *_MODEL, *_ARCHIVE)),
    # What frames a generated page around its HTML (`vanban.pagestore`): its head (seo.py,
    # templates/head.html), the page values the build hands Material (build.py), the page shells,
    # and the hooks' last touches (csp.py, markup.py); a page's `.gz` copy is kept with it (precompress.py,
    # libdeflate's version). Material, the overrides, the adapters and
    # MkDocs' configuration are added by `pagestore.frame_key`.
    "frame": Stage(("build.py", "seo.py", "templates/head.html", "shell.py", "csp.py", "markup.py", "precompress.py",
                    *_MODEL, *_ARCHIVE), ("Jinja2", "deflate"), ("page",)),
    # Atom feeds: not cached across builds, keyed for `mkdocs serve --dirty` rewrites.
    "feeds": Stage(("feeds.py", "listings.py", "opendata.py", "cite.py", "statements.py", *_MODEL, *_ARCHIVE), ("feedgen",)),
}
"""Each stage's code: a change to a file listed here re-makes that stage's products (and those of
the stages taking them as `inputs`), and nothing else's. Modules in no stage (parallel.py,
collector.py, shell.py, seo.py, csp.py, sitemap.py, webserver.py, manifest.py, redirects.py, cli.py,
importer.py…) and templates/head.html (seo.py's) shape work that no cache keeps: every build runs
them. `tests/test_cache.py` checks
that every stage lists the package modules its modules import."""

PAGE_STAGES = ("page:directive", "page:listing", "page:index", "page:stats", "page:short-link")
"""The stages of the cached pages, "page:" + `PageSpec.kind`."""

KIND_STAGES: dict[str, tuple[str, ...]] = {"body": ("body",), "body-check": ("body",), "pages": PAGE_STAGES, "search": ("search",),
                                           "search-key": ("search",), "search-text": ("search",), "opendata": ("opendata",)}
"""The stages whose code each kind of render-cache entry is made under (the first unless `put_many`
names another)."""


def stage_files(name: str) -> list[Path]:
    """The package files stage `name` hashes (its own, not its input stages')."""
    return [_PACKAGE / rel for rel in sorted(set(STAGES[name].files))]


@lru_cache(maxsize=None)
def stage_key(name: str) -> str:
    """Hash of stage `name`'s files, library versions and input stages' keys (`STAGES`)."""
    stage = STAGES[name]
    h = hashlib.sha256(f"stage {name}\0".encode())
    for path in stage_files(name):
        h.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    for dist in stage.libraries:
        try:
            h.update(f"{dist}={metadata.version(dist)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=?\0".encode())
    for upstream in stage.inputs:
        h.update(f"{upstream}={stage_key(upstream)}\0".encode())
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of every stage's code key: what no single stage decides (kept for callers that truly
    depend on all the archive's code)."""
    return hashlib.sha256("".join(f"{name}={stage_key(name)}" for name in sorted(STAGES)).encode()).hexdigest()[:16]


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

    Kinds of entries (`KIND_STAGES`): "body" (a directive body's HTML and table of contents, JSON,
    by `key()` of its text and link targets), "pages" (the archive's HTML of a page, by page key),
    "search" and "search-key" (a directive's search page and its digest, by `search.search_entry_key`),
    "search-text" (the entry key of the search page made of a text, by `search.text_key`)
    and "opendata" (a directive's open-data file and export lines, by `opendata` key of its fields). As files, the ~33 000 entries of a cold 10 000-directive
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

    def key(self, kind: str, *parts: str) -> str:
        """Key of an entry of `kind` made from `parts`, under the code key of its stage (`KIND_STAGES`)."""
        h = hashlib.sha256(f"{kind}\0{stage_key(KIND_STAGES[kind][0])}".encode())
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
        self._write(queue, stage_key("body"))

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

    def put_many(self, kind: str, entries: Iterable[tuple[str, bytes]], stage: str | None = None) -> None:
        """Store entries of `kind` (key, bytes) in one transaction, made under the code of `stage`
        (one of `KIND_STAGES[kind]`, the first by default)."""
        if self.folder is not None:
            code = stage_key(stage or KIND_STAGES[kind][0])
            self._write([(kind, key, value) for key, value in entries], code)

    def prune(self) -> int:
        """Delete the entries made under other code than their stage's current code (a change to
        a stage's modules or templates makes its keys new, so they would never be read again);
        returns how many. Entries of earlier versions of a directive stay (one per edit) until
        their stage's code changes."""
        if self.folder is None or not (self.folder / DATABASE).is_file():
            return 0
        kept = " OR ".join(f"(kind = ? AND code IN ({','.join('?' * len(stages))}))" for stages in KIND_STAGES.values())
        values = [v for kind, stages in KIND_STAGES.items() for v in (kind, *(stage_key(s) for s in stages))]
        try:
            db = self._connection()
            with db:
                return db.execute(f"DELETE FROM entries WHERE NOT ({kept})", values).rowcount
        except sqlite3.Error:
            return 0

    def _write(self, rows: list[tuple[str, str, bytes]], code: str) -> None:
        if self.folder is None or not rows:
            return
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


TEMPLATE_CODE_DIR = "templates"
"""Compiled templates in the cache folder (`FolderBytecodeCache`), a folder per environment."""


class FolderBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in the cache folder for the next process: each forked page writer
    reads them instead of compiling Material's and the archive's ~50 templates anew (at 10 000
    directives four writers are forked: ~1.2 CPU-s).

    Jinja keys an entry by the template's name, file and source checksum, not by the settings of
    the environment that compiled it: each environment keeps its entries in a folder of its own,
    named by `name` and by `key`, the code that configures it; the environment's other folders are
    deleted. A cache only: nothing that fails here fails a build."""

    def __init__(self, cache: Path, name: str, key: str) -> None:
        folder = cache / TEMPLATE_CODE_DIR / f"{name}-{key}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for other in folder.parent.glob(f"{name}-*"):
                if other != folder:
                    shutil.rmtree(other, ignore_errors=True)
        except OSError:
            pass
        super().__init__(str(folder), "%s")

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            bucket.reset()  # compiled again

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass  # compiled, only not kept
