"""Full-text search with Pagefind, written by the build itself: what is indexed, and the number map.

The index holds each directive's text and metadata only: the directive template marks its content
`data-pagefind-body` (the navigation and listings stay out, and so do labels like the national
motto: `EXCLUDED`). The build feeds Pagefind the directive HTML the site
plan already rendered, from memory, through Pagefind's Python service — no second pass over the
written site — wrapped with the meta, filter and sort values of `search_data`
(`templates/search_index.html`).

Two things Pagefind does not do for Vietnamese are handled here:

- Pagefind folds combining marks ("cai cach" finds "cải cách") but not the letter đ. Each directive
  carries, as a searchable meta field `dd`, the folded form of its distinct words that contain đ
  ("đường" → "duong"); the search page folds đ to d in the query. Only those words are added, once
  per page, so the index grows by a few percent instead of doubling; excerpts are cut by the search
  page from the real text.
- A number ("1562/UBND-KT", "1562/ubnd-kt", "02/KH-UBND") must land on its document. The build writes
  a small map from `number_lookup_key` to directive URLs, split into shards by numeral so a query
  downloads only one shard; the search page computes the same key (`vanban-search.js`, kept in
  step with this module by a browser test).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import resource
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import jinja2

from .archive import Archive
from .model import STATUSES, Directive
from .numbers import DocumentNumber, NumberError
from .text import fold

__all__ = [
    "SEARCH_PAGE", "NUMBER_MAP_DIR", "NUMBER_SHARDS", "PAGEFIND_DIR", "d_folds", "sort_value",
    "number_lookup_key", "number_shard", "number_map", "write_number_map", "index_document",
    "IndexStats", "write_index",
]

log = logging.getLogger("mkdocs.hooks.vanban.search")

SEARCH_PAGE = "tim-kiem/"
"""URL of the search page (a hand-written page, `docs/pages/tim-kiem.md`)."""

NUMBER_MAP_DIR = "pagefind/so-ky-hieu"
"""Folder of the number map's shards, `{shard}.json`: beside the index, search data not pages."""

NUMBER_SHARDS = 64
"""Numerals restart every year at 01: by numeral modulo this, shards stay even and small."""

PAGEFIND_DIR = "pagefind"
UNUSED_UI_FILES = (
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
    "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js",
)
"""Pagefind's ready-made interfaces, which the search page (vanban-search.js on pagefind.js) does not
use: removed, so they are not published, and because Pagefind sometimes leaves one of them half
written when it exits (seen as builds differing in pagefind-ui.css)."""

EXCLUDED = [
    ".vb-breadcrumbs",
    ".vb-directive > :not(.vb-title):not(.vb-paper):not(.vb-attachments)",
    ".vb-paper__motto", ".vb-paper__motto2", ".vb-paper__signed", "#vb-attachments-title",
    ".vb-pin",  # the "¶" link of every paragraph (anchors.py)
]
"""What of a directive page is not its text: everything but the title, the paper and the attachment
list — the metadata table (its values are meta fields), notices, related and citing directives,
the citation box, and whatever a later feature adds beside them — and, on the paper, the national
motto and "(Đã ký)". Set in the index configuration, so the published page carries no attribute."""

_WORD = re.compile(r"[^\W_]+")
_D_STROKE = re.compile("[đĐ\u00d0\u00f0\u0189]")  # with the look-alikes fold() maps to đ


def d_folds(*texts: str) -> str:
    """Folded forms of the distinct words with đ/Đ, space-separated: "Đường điện" → "duong dien"."""
    seen: dict[str, None] = {}
    for text in texts:
        if not text or not _D_STROKE.search(text):
            continue
        for word in _WORD.findall(text):
            if _D_STROKE.search(word):
                seen.setdefault(fold(word), None)
    return " ".join(seen)


def sort_value(d: Directive) -> str:
    """Pagefind sort key: "2023-01-04"; blank day or month sort as 00. Every page needs one, since
    Pagefind drops pages without the key when a sort is applied."""
    if d.date is not None:
        return f"{d.date.year:04d}-{d.date.month or 0:02d}-{d.date.day or 0:02d}"
    return f"{d.year or 0:04d}-00-00"


def search_data(d: Directive) -> dict[str, object]:
    """What `_search_data.html` writes for Pagefind: meta (shown in results), filters, sort."""
    return {
        "meta": {
            "title": d.title,
            "type": d.type.name,
            "number": d.number_display if d.number.is_numbered else "",
            "date": d.date.display() if d.date else "",
            "subject": d.subject,
            "issuer": d.issuer.short or d.issuer.name,
            "topics": "; ".join(t.name for t in d.topics),
            "status": STATUSES.get(d.effective_status or "", ""),
            "dd": d_folds(d.number.text, d.subject, d.body, d.issuer.name, d.type.name,
                          *(a.title for a in d.attachments),
                          *(t.name for t in d.topics), *d.recipients, *d.distribution,
                          *((d.signer.name, d.signer.position, d.signer.form) if d.signer else ())),
        },
        "filters": {
            "loai": [d.type.name],
            "nam": [str(d.year)] if d.year else [],
            "co_quan": [d.issuer.short or d.issuer.name],
            "linh_vuc": [t.name for t in d.topics],
            "tinh_trang": [STATUSES[d.effective_status]] if d.effective_status in STATUSES else [],
        },
        "sort": {"date": sort_value(d)},
    }


# ------------------------------------------------------------------------------------------------
# Number → document map
# ------------------------------------------------------------------------------------------------

def number_lookup_key(text: str) -> str | None:
    """Key of the number map, or None when `text` is not a numbered document number.

    `DocumentNumber.key` (case, spaces, leading zeros, Ð) folded to ASCII and upper-cased, so that
    "30/2020/nd-cp" and "30/2020/NĐ-CP" meet: "1562/UBND-KT", "2/KH-UBND", "30/2020/ND-CP".
    """
    try:
        number = DocumentNumber.parse(text)
    except NumberError:
        return None
    if not number.is_numbered:
        return None
    return fold(number.key).upper()


def number_shard(key: str) -> int:
    """Shard of a lookup key: its numeral modulo `NUMBER_SHARDS`."""
    digits = re.match(r"\d+", key)
    return int(digits.group()) % NUMBER_SHARDS if digits else 0


def number_map(archive: Archive) -> dict[int, dict[str, list[list[str]]]]:
    """{shard: {key: [[url, short title, date], …]}}; a number reused across years lists each."""
    shards: dict[int, dict[str, list[list[str]]]] = {}
    for d in archive.directives:
        key = number_lookup_key(d.number.text)
        if key is None:
            continue
        entry = [d.url, d.short_title, d.date.display() if d.date else "", d.subject]
        shards.setdefault(number_shard(key), {}).setdefault(key, []).append(entry)
    return shards


def write_number_map(site_dir: Path, archive: Archive) -> int:
    """Write every shard (empty ones too: a query never meets a 404); returns the number of keys."""
    out = site_dir / NUMBER_MAP_DIR
    out.mkdir(parents=True, exist_ok=True)
    shards = number_map(archive)
    for shard in range(NUMBER_SHARDS):
        text = json.dumps(shards.get(shard, {}), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        (out / f"{shard}.json").write_text(text, encoding="utf-8")
    return sum(len(keys) for keys in shards.values())


# ------------------------------------------------------------------------------------------------
# The Pagefind index
# ------------------------------------------------------------------------------------------------

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
    trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
)


def index_document(d: Directive, content_html: str) -> str:
    """The page Pagefind reads for a directive: its rendered content (`data-pagefind-body`) plus the
    meta, filters and sort key of `search_data`. Only the index sees these, so the published page
    stays small."""
    return _TEMPLATES.get_template("search_index.html").render(d=d, content=content_html, data=search_data(d))


@dataclass
class IndexStats:
    pages: int
    seconds: float
    peak_rss_mb: float
    """Largest resident set of the Pagefind process (and any other finished child of this process)."""


def write_index(pages: Iterable[tuple[str, str]], site_dir: Path, concurrency: int = 64) -> IndexStats:
    """Index `(url, html)` pairs (url absolute: "/van-ban/2023/02-kh-ubnd/") into `site_dir/pagefind`."""
    start = time.perf_counter()
    count = asyncio.run(_write_index(pages, site_dir / PAGEFIND_DIR, concurrency))
    for name in UNUSED_UI_FILES:
        (site_dir / PAGEFIND_DIR / name).unlink(missing_ok=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return IndexStats(count, time.perf_counter() - start, peak)


async def _write_index(pages: Iterable[tuple[str, str]], out: Path, concurrency: int) -> int:
    from pagefind.index import IndexConfig  # the binary is needed only when the site is built

    service = await _PipelinedService().launch()
    try:
        index = await service.create_index(IndexConfig(force_language="vi", exclude_selectors=EXCLUDED))
        limit = asyncio.Semaphore(concurrency)
        errors: list[str] = []

        async def add(url: str, html: str) -> None:
            async with limit:
                result = await index.add_html_file(content=html, url=url)
            if not result.get("page_word_count"):
                errors.append(url)

        count = 0
        tasks = []
        for url, html in pages:
            tasks.append(asyncio.ensure_future(add(url, html)))
            count += 1
        await asyncio.gather(*tasks)
        if errors:
            log.warning(f"Tìm kiếm: {len(errors)} trang không có chữ nào được lập chỉ mục, ví dụ {errors[0]}")
        await index.write_files(output_path=str(out))
        return count
    finally:
        await service.close()


def _service_class():
    from pagefind.service import PagefindService

    class PipelinedService(PagefindService):
        """Pagefind's service reads one reply per 0.1 s (a sleep in its polling loop): 10 000
        pages would take 17 minutes. This loop reads replies as they arrive."""

        async def _wait_for_responses(self) -> None:
            assert self._backend.stdout is not None
            while True:
                output = await self._backend.stdout.readuntil(b",")
                response = json.loads(base64.b64decode(output[:-1]))
                if not response:
                    continue
                message_id = response.get("message_id")
                payload = response.get("payload", {})
                if message_id is None and payload.get("original_message"):
                    message_id = json.loads(payload["original_message"]).get("message_id")
                future = self._responses.pop(message_id, None) if message_id is not None else None
                if future is None:
                    continue
                if payload.get("type") == "Error":
                    future.set_exception(RuntimeError(f"Pagefind: {payload.get('message')}"))
                else:
                    future.set_result(payload)

        async def close(self) -> None:
            # Pagefind's close() kills the process at once, and files it was still writing came
            # out empty (seen on pagefind-ui.js): end its input and let it exit by itself.
            self._poll_task.cancel()
            if self._backend.stdin is not None:
                self._backend.stdin.close()
            try:
                await asyncio.wait_for(self._backend.wait(), timeout=60)
            except asyncio.TimeoutError:
                self._backend.terminate()
                await self._backend.wait()

    return PipelinedService


class _PipelinedService:
    def __new__(cls):  # built lazily so that importing this module does not need pagefind
        return _service_class()()
