"""Open data: the archive as files a program reads — one JSON per directive, a whole-archive export.

Where the files go (site-relative):

- `van-ban/{year}/{slug}/index.json` — one directive, beside its page (`index.html`): every field of
  the front matter, resolved relations both ways, attachment URLs, and the text (Markdown). An old
  address in `aliases` gets the same file (`{alias}index.json`), so a data link never breaks either.
- `du-lieu/van-ban.json` — every directive's record without its text (the text of 100 000 directives
  would make a file nobody can open; it is in each directive's own JSON).
- `du-lieu/van-ban.csv` — one row per directive, one column per single value (lists joined by "; ").
- `du-lieu/van-ban.schema.json`, `du-lieu/kho-van-ban.schema.json` — the JSON Schemas (shipped in
  `schemas/`, copied as they are).

The CSV is UTF-8 *with* a byte-order mark and CRLF line ends: Excel on Windows, what most offices in
Vietnam open a CSV with, reads a file without BOM in the ANSI code page (Windows-1258) and garbles
every diacritic; with the BOM it reads UTF-8. Python (`utf-8-sig`), pandas, LibreOffice and R read
the BOM correctly.

Nothing here depends on the time of the build: the same archive gives the same bytes.

`OpenDataWriter` keeps, between the rebuilds of `mkdocs serve --dirty` (which keep the site folder),
what it wrote for each directive under that directive's key (the site plan's `PageSpec.data_key`:
its file, the front matter of the directives it names or that name it, registries; with this
stage's code, `cache.STAGES["opendata"]`, and the attachments' sizes): a directive
whose key is unchanged is neither computed nor written again, and the whole-archive export is put
together from the records it keeps (the bytes `json.dumps` of the whole document would give) and
written only when those bytes change. An edit of one directive's text rewrites its JSON alone.
"""

from __future__ import annotations

import csv
import filecmp
import hashlib
import io
import itertools
import json
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from .archive import Archive
from .cache import RenderCache, stage_key
from .cite import citation
from .model import STATUSES, Attachment, Directive
from .parallel import can_fork, fork_map, worker_count
from .statements import legal_value

__all__ = [
    "DATA_DIR", "SCHEMA_DIR", "DIRECTIVE_SCHEMA", "EXPORT_SCHEMA", "CSV_COLUMNS",
    "json_url", "alias_json_urls", "open_data_urls", "directive_record", "write_if_changed", "export_document", "export_csv", "dumps", "write_open_data",
    "csv_cell",
    "OpenDataWriter",
]

DATA_DIR = "du-lieu/"
"""Site folder of the whole-archive files."""
SCHEMA_DIR = Path(__file__).parent / "schemas"
DIRECTIVE_SCHEMA = "van-ban.schema.json"
EXPORT_SCHEMA = "kho-van-ban.schema.json"
EXPORT_JSON = "van-ban.json"
EXPORT_CSV = "van-ban.csv"
FORMAT_VERSION = "1.0"

CSV_COLUMNS = (
    "url", "json_url", "number", "numbered", "type", "type_name", "date", "year", "issuer", "issuer_name",
    "subject", "citation", "signer_name", "signer_position", "signer_form", "topics", "topic_names", "status",
    "effective_from", "effective_until", "metadata_only", "demo", "relations", "citations", "attachments",
)


def json_url(d: Directive) -> str:
    """Site-relative URL of a directive's JSON: "van-ban/2023/02-kh-ubnd/index.json"."""
    return f"{d.url}index.json"


def alias_json_urls(d: Directive) -> list[str]:
    """Site-relative JSON URLs at the directive's old addresses (folder-style aliases only)."""
    return [f"{a.strip('/')}/index.json" for a in d.aliases if a.endswith("/")]


def open_data_urls(archive: Archive) -> dict[str, str]:
    """Every open-data file's site-relative URL → what a person finds there (for the URL manifest)."""
    urls = {
        DATA_DIR + EXPORT_JSON: "Dữ liệu mở: toàn bộ kho (JSON)",
        DATA_DIR + EXPORT_CSV: "Dữ liệu mở: toàn bộ kho (CSV)",
        DATA_DIR + DIRECTIVE_SCHEMA: "Lược đồ JSON của một văn bản",
        DATA_DIR + EXPORT_SCHEMA: "Lược đồ JSON của toàn bộ kho",
    }
    for d in archive.directives:
        urls[json_url(d)] = f"Dữ liệu JSON của {d.short_title}"
        for rel in alias_json_urls(d):
            urls[rel] = f"Dữ liệu JSON của {d.short_title} (địa chỉ cũ)"
    return urls


def _absolute(site_url: str, rel: str) -> str:
    return f"{site_url.rstrip('/')}/{rel}" if site_url else f"/{rel}"


def _ref(number: str, year: int | None, target: Directive | None, site_url: str) -> dict[str, Any]:
    return {"number": number, "year": year, "url": _absolute(site_url, target.url) if target else None}


def _attachment(archive: Archive, d: Directive, a: Attachment, site_url: str) -> dict[str, Any]:
    # The directive an attachment is: named by `directive:`, or recognised from its title.
    target = archive.links.attachment_target(d, a)
    if a.directive is not None:
        directive = _ref(a.directive.number.text, a.directive.year or a.directive.number.year, target, site_url)
    elif target is not None:
        directive = _ref(target.number.text, target.year, target, site_url)
    else:
        directive = None
    return {
        "title": a.title,
        "url": _absolute(site_url, f"{d.url}{a.path}") if a.path else None,
        "filename": a.filename or None,
        "format": a.extension or None,
        "size": a.size,
        "legal_value": legal_value(a) if a.path else None,
        "directive": directive,
        "sha256": a.sha256,
    }


def _withdrawal(d: Directive, archive: Archive, site_url: str) -> dict[str, Any] | None:
    w = d.withdrawal
    if w is None:
        return None
    rel = archive.links.withdrawn_by(d)
    by = _ref(w.by.number.text, w.by.year or w.by.number.year, rel.target if rel else None, site_url) if w.by else None
    return {"date": w.date.iso(), "reason": w.reason, "by": by}


def directive_record(d: Directive, archive: Archive, site_url: str = "", with_text: bool = True) -> dict[str, Any]:
    """Everything the archive knows about one directive, as JSON-able data (schema: van-ban.schema.json).

    Citations, relations both ways and the status they give come from `archive.links` (crossrefs.py),
    the same resolution the pages show: a reference the archive cannot pin to one directive has
    `url: null`, never a guess.
    """
    links = archive.links
    url = d.url
    status = d.effective_status
    record: dict[str, Any] = {
        "url": _absolute(site_url, url),
        "json_url": _absolute(site_url, f"{url}index.json"),
        "number": d.number.text,
        "numbered": d.number.is_numbered,
        "title": d.short_title,
        "type": {"key": d.type.key, "name": d.type.name, "abbr": d.type.abbr},
        "date": d.date.iso() if d.date else None,
        "date_complete": bool(d.date and d.date.is_complete),
        "year": d.year,
        "issuer": {"key": d.issuer.key, "name": d.issuer.name, "abbr": d.issuer.abbr},
        "subject": d.subject,
        "citation": citation(d, site_url).sentence,
        "signer": ({"form": d.signer.form, "position": d.signer.position, "name": d.signer.name}
                   if d.signer else None),
        "recipients": list(d.recipients),
        "distribution": list(d.distribution),
        "topics": [{"key": t.key, "name": t.name} for t in d.topics],
        "status": status,
        "status_label": STATUSES[status] if status else None,
        "status_computed": status is not None and status != d.status,
        "effective_from": d.effective_from.iso() if d.effective_from else None,
        "effective_until": d.effective_until.iso() if d.effective_until else None,
        "withdrawal": _withdrawal(d, archive, site_url),
        "metadata_only": d.metadata_only,
        "demo": d.demo,
        "relations": [
            {"kind": r.predicate.key, "label": r.predicate.label,
             **_ref(r.ref.number.text, r.ref.year or r.ref.number.year, r.target, site_url)}
            for r in links.relations(d)
        ],
        "related_by": [
            {"kind": r.predicate.key, "label": r.predicate.reverse_label,
             **_ref(r.source.number.text, r.source.year, r.source, site_url)}
            for r in links.inverse_relations(d)
        ],
        "citations": [
            {**_ref(c.citation.number.text, c.citation.year, c.target, site_url), "text": c.citation.text}
            for c in links.cites(d)
        ],
        "cited_by": [_ref(x.number.text, x.year, x, site_url) for x in links.cited_by(d)],
        "attachments": [_attachment(archive, d, a, site_url) for a in d.attachments],
        "aliases": [_absolute(site_url, a.lstrip("/")) for a in d.aliases],
    }
    if with_text:
        record["text"] = d.body.strip() or None
    return record


def export_document(archive: Archive, site_url: str = "", records: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The whole-archive JSON export (schema: kho-van-ban.schema.json), newest directive first.

    `records`: the directives' records without text, when the caller has them already.
    """
    if records is None:
        records = [directive_record(d, archive, site_url, with_text=False) for d in archive.directives]
    dates = [d.date.iso() for d in archive.directives if d.date]
    return {
        "format_version": FORMAT_VERSION,
        "schema": _absolute(site_url, DATA_DIR + EXPORT_SCHEMA),
        "source": _absolute(site_url, ""),
        "count": len(archive.directives),
        "newest_date": max(dates) if dates else None,
        "directives": records,
    }


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A cell Excel and LibreOffice show as text: one starting like a formula gets a leading `'`
    (OWASP's rule for CSV injection). The JSON export keeps the text as written."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_row(record: dict[str, Any]) -> dict[str, str]:
    return {key: csv_cell(value) for key, value in _csv_values(record).items()}


def _csv_values(record: dict[str, Any]) -> dict[str, str]:
    signer = record["signer"] or {}
    flag = lambda value: "true" if value else "false"  # noqa: E731
    return {
        "url": record["url"],
        "json_url": record["json_url"],
        "number": record["number"],
        "numbered": flag(record["numbered"]),
        "type": record["type"]["key"],
        "type_name": record["type"]["name"],
        "date": record["date"] or "",
        "year": str(record["year"] or ""),
        "issuer": record["issuer"]["key"],
        "issuer_name": record["issuer"]["name"],
        "subject": record["subject"],
        "citation": record["citation"],
        "signer_name": signer.get("name", ""),
        "signer_position": signer.get("position", ""),
        "signer_form": signer.get("form", ""),
        "topics": "; ".join(t["key"] for t in record["topics"]),
        "topic_names": "; ".join(t["name"] for t in record["topics"]),
        "status": record["status"] or "",
        "effective_from": record["effective_from"] or "",
        "effective_until": record["effective_until"] or "",
        "metadata_only": flag(record["metadata_only"]),
        "demo": flag(record["demo"]),
        "relations": "; ".join(f"{r['kind']}: {r['number']}" for r in record["relations"]),
        "citations": "; ".join(c["number"] for c in record["citations"]),
        "attachments": " ".join(a["url"] for a in record["attachments"] if a["url"]),
    }


def export_csv(records: Iterable[dict[str, Any]]) -> bytes:
    """CSV of export records: header row, one row per directive, UTF-8 with BOM, CRLF (RFC 4180)."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        writer.writerow(_csv_row(record))
    return out.getvalue().encode("utf-8-sig")


def dumps(data: Any) -> bytes:
    """Stable JSON bytes: UTF-8 (not \\u escapes, Vietnamese stays readable), keys in schema order.

    Not indented: with `indent` Python's json falls back to its pure-Python encoder, five times
    slower (measured: 11 s of a 10 000-directive export); browsers and `jq` format it for reading.
    """
    return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")


def write_parts_if_changed(path: Path, parts: Iterable[bytes]) -> bool:
    """`write_if_changed` for a file given in parts, never held whole: written aside, then put in
    place unless the file already holds the same bytes. True when written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as out:
        out.writelines(parts)
    if path.is_file() and filecmp.cmp(tmp, path, shallow=False):
        tmp.unlink()
        return False
    os.replace(tmp, path)
    return True


def _separated(separator: bytes, items: Iterable[bytes]) -> Iterator[bytes]:
    for i, item in enumerate(items):
        if i:
            yield separator
        yield item


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write unless the file already holds these bytes (`mkdocs serve --dirty` keeps the site folder:
    an unchanged file is neither rewritten nor seen as changed). True when written."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    # Folders usually exist (the page beside it was written first): create them only when missing,
    # one system call fewer per file on a cold build.
    try:
        out = open(path, "wb")
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        out = open(path, "wb")
    with out:
        out.write(data)
    return True


def write_open_data(site_dir: Path, archive: Archive, site_url: str = "") -> list[str]:
    """Write every open-data file into a built site; returns their site-relative paths."""
    return OpenDataWriter().write(site_dir, archive, site_url).files


@dataclass(frozen=True)
class _Directive:
    """What the writer keeps of one directive's open data."""

    key: str
    files: tuple[str, ...]
    """Site-relative paths of its JSON (and copies at old addresses)."""
    record: bytes
    """Its export record (no text) as JSON, as `json.dumps` writes it inside the export's list
    (UTF-8: as text, 100 000 records took twice the memory)."""
    row: bytes
    """Its CSV line (UTF-8)."""


@dataclass
class OpenDataResult:
    files: list[str]
    """Every open-data file of the site (site-relative)."""
    written: list[str]
    """Those written by this call (new or changed bytes)."""
    computed: int
    """Directives whose record was computed (the others were kept from the previous build)."""


class OpenDataWriter:
    """Writes the open-data files, again only where their inputs changed (see the module docstring)."""

    def __init__(self) -> None:
        self._kept: dict[str, _Directive] = {}
        self._export_signature: tuple = ()

    def forget(self) -> None:
        """The site folder was emptied (a build without --dirty): write everything next time."""
        self._kept, self._export_signature = {}, ()

    def write(self, site_dir: Path, archive: Archive, site_url: str = "",
              keys: Mapping[str, str] | None = None, workers: int | None = None,
              cache: RenderCache | None = None) -> OpenDataResult:
        """Write the open data of `archive` into `site_dir`.

        `keys`: directive URL → key of everything its record shows. A directive whose key equals
        the one of the previous call is trusted to be on disk already; without a key it is written.
        `workers`: processes for a large archive's first write (default: every core).
        `cache`: where a directive's files and export lines are kept by that key between builds.
        """
        keys = keys or {}
        kept, self._kept = self._kept, {}
        files: list[str] = []
        written: list[str] = []
        todo = []
        for i, d in enumerate(archive.directives):
            key = _directive_key(keys.get(d.url, ""), d, site_url)
            old = kept.get(d.url)
            if old is None or not key or old.key != key:
                todo.append((i, key))
            else:
                self._kept[d.url] = old
        for i, key, paths, record, row, changed in _compute(site_dir, archive, site_url, todo, workers, cache):
            self._kept[archive.directives[i].url] = _Directive(key, paths, record, row)
            written += changed
        computed = len(todo)
        for d in archive.directives:
            files += self._kept[d.url].files
        # A directive removed or moved since the previous build of the preview: its files go too.
        current = set(files)
        for gone in kept.values():
            for rel in gone.files:
                if rel not in current:
                    (site_dir / rel).unlink(missing_ok=True)
        data_dir = site_dir / DATA_DIR
        signature = (site_url, *((d.url, self._kept[d.url].key) for d in archive.directives))
        if computed or signature != self._export_signature:  # else the exports on disk are these
            records = [self._kept[d.url] for d in archive.directives]
            head = dumps(export_document(archive, site_url, records=[]))
            assert head.endswith(b"[]}\n")
            # Streamed to the files: joined, the two exports of 100 000 directives took ~350 MB.
            export = itertools.chain((head[:-4], b"["), _separated(b", ", (r.record for r in records)), (b"]}\n",))
            table = itertools.chain((_CsvRows().header.encode("utf-8-sig"),), (r.row for r in records))
            for name, parts in ((EXPORT_JSON, export), (EXPORT_CSV, table)):
                if write_parts_if_changed(data_dir / name, parts):
                    written.append(DATA_DIR + name)
            for name in (DIRECTIVE_SCHEMA, EXPORT_SCHEMA):
                if write_if_changed(data_dir / name, (SCHEMA_DIR / name).read_bytes()):
                    written.append(DATA_DIR + name)
            self._export_signature = signature
        files += [DATA_DIR + n for n in (EXPORT_JSON, EXPORT_CSV, DIRECTIVE_SCHEMA, EXPORT_SCHEMA)]
        return OpenDataResult(files, written, computed)


PARALLEL_THRESHOLD = 2000
"""From this many directives to compute, forked workers share the work (a cold build)."""


OPEN_DATA_CACHE = "opendata"
"""Render-cache kind of a directive's JSON file, export record and CSV line (pickled), by its key."""


def _compute(site_dir: Path, archive: Archive, site_url: str, todo: list[tuple[int, str]],
             workers: int | None, cache: RenderCache | None) -> Iterable[tuple]:
    """Compute (or take from the render cache, by key) and write the directives of `todo` ((index,
    key)): (index, key, paths, export record JSON, CSV line, paths written) for each, on all cores
    when there are many."""
    workers = workers or worker_count()
    if workers < 2 or len(todo) < PARALLEL_THRESHOLD or not can_fork():
        return _compute_chunk_of(site_dir, archive, site_url, todo, cache)
    return fork_map(lambda chunk: _compute_chunk_of(site_dir, archive, site_url, chunk, cache), todo, workers)


CACHE_BATCH = 500
"""Directives whose cached entries are read, or new entries stored, at a time: a process holds no
more of the directives' files (their text included) than that."""


def _compute_chunk_of(site_dir: Path, archive: Archive, site_url: str, todo: list[tuple[int, str]],
                      cache: RenderCache | None) -> list:
    row = _CsvRows()
    out = []
    for start in range(0, len(todo), CACHE_BATCH):
        batch = todo[start:start + CACHE_BATCH]
        stored = {k: pickle.loads(v) for k, v in cache.iter_many(OPEN_DATA_CACHE, [k for _, k in batch if k])} if cache else {}
        made = []
        for i, key in batch:
            d = archive.directives[i]
            if key in stored:
                data, record_json, line = stored[key]
            else:
                record = directive_record(d, archive, site_url)
                data = dumps(record)
                del record["text"]  # the export carries no text
                record_json, line = json.dumps(record, ensure_ascii=False).encode("utf-8"), row(record).encode("utf-8")
                if key:
                    made.append((key, pickle.dumps((data, record_json, line), pickle.HIGHEST_PROTOCOL)))
            paths = (json_url(d), *alias_json_urls(d))  # the archive refuses aliases that are another's URL
            changed = [rel for rel in paths if write_if_changed(site_dir / rel, data)]
            out.append((i, key, paths, record_json, line, changed))
        if cache:
            cache.put_many(OPEN_DATA_CACHE, made)
    return out


def _directive_key(data_key: str, d: Directive, site_url: str) -> str:
    # The data key covers the directive's file, not its attachments: their sizes are in the record.
    if not data_key:
        return ""
    sizes = ",".join(str(a.size) for a in d.attachments)
    return hashlib.sha1(f"{stage_key('opendata')}\0{data_key}\0{site_url}\0{sizes}".encode("utf-8")).hexdigest()


class _CsvRows:
    """CSV lines one record at a time, exactly as `export_csv` writes them together."""

    def __init__(self) -> None:
        self._out = io.StringIO(newline="")
        self._writer = csv.DictWriter(self._out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
        self._writer.writeheader()
        self.header = self._take()

    def _take(self) -> str:
        text = self._out.getvalue()
        self._out.seek(0)
        self._out.truncate()
        return text

    def __call__(self, record: dict[str, Any]) -> str:
        self._writer.writerow(_csv_row(record))
        return self._take()
