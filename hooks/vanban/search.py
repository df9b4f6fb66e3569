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

Relevance reads a second, small index first: the titles (`write_title_index`: type, number and
subject of every directive, over the whole archive, listed in `pagefind/tieu-de.json`; one
Pagefind index up to 20 000 directives, parts above, which the search page merges). A document
whose number or subject holds the query is found there without reading any bucket; the buckets
then add the documents that have it in their text.

The index is split into buckets by date (`plan_buckets`: a year each, or parts of a large year), each
a separate Pagefind index in `pagefind/<bucket>-<key>/`, listed newest first in
`pagefind/buckets.json`. The search page opens a primary index that holds no directive and merges
buckets from where its sort starts, so a first query reads one year's index instead of the whole
archive's; Pagefind indexes the buckets in parallel, and an edit under `mkdocs serve --dirty`
reindexes only its own bucket. The filter lists come from `pagefind/bo-loc.json` (counts over the
whole archive), not from Pagefind's filter files.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import concurrent.futures
import errno
import functools
import hashlib
import json
import logging
import os
import pickle
import re
import resource
import shutil
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, NamedTuple, Sequence

import jinja2

from .anchors import PIN_HTML
from .archive import Archive
from .cache import RenderCache, stage_key
from .model import STATUSES, Directive, pack_bytes, unpack_text
from .numbers import DocumentNumber, NumberError
from .oserrors import disk_full
from .parallel import can_fork, fork_map, worker_count
from .text import fold

__all__ = [
    "SEARCH_PAGE", "NUMBER_MAP_DIR", "NUMBER_SHARDS", "PAGEFIND_DIR", "d_folds", "sort_value",
    "number_lookup_key", "number_shard", "number_map", "write_number_map", "index_document", "searchable_part", "search_filters",
    "SearchPage", "search_page", "SEARCH_CACHE", "SEARCH_DIGESTS", "search_entry_key", "store_search_pages",
    "stored_search_pages", "prepare_pages", "BUCKET_LIMIT", "BUCKETS_FILE", "FILTER_COUNTS_FILE", "Bucket",
    "plan_buckets", "filter_counts", "write_filter_counts", "IndexStats", "write_index", "PagefindError",
    "reply_timeout", "TITLES_BESIDE_MAX", "TITLES_FILE", "TITLES_PART", "title_opening", "title_parts",
    "title_records", "write_title_index", "IndexBeside",
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
    ".vb-paper__head", ".vb-paper__kind", ".vb-paper__subject", ".vb-paper__to", ".vb-paper__foot",
    ".vb-attachments > h2",  # "Tệp đính kèm"
    ".vb-pin",  # the "¶" links (anchors.py): search pages drop them (PIN_HTML); this catches one missed
]
"""What of a directive page is not its text: everything but the title, the paper's body and the
attachment list — the metadata table (its values are meta fields), notices, related and citing
directives, the citation box, and whatever a later feature adds beside them — and, on the paper,
the letterhead (issuer, number, motto, date line), the type and subject lines (the title has them),
"Kính gửi", "Nơi nhận" and the signature block: a result's excerpt is cut from the indexed text and
must never show them. Set in the index configuration, so the published page carries no attribute.
By class and structure, never by id: a search page carries no id (`_without_unread_markup`)."""

TITLE_WEIGHT = 10
"""Pagefind weight of the title (type, number, subject); Pagefind's default for an h1 is 7."""
BODY_HEADING_WEIGHT = 1
"""Weight of the headings inside a document's body: a section heading is body text (Pagefind would
weigh an h3 5, and a long plan's section headings then outranked the documents whose subject it is)."""

_ID = re.compile(r' id="[^"]*"(?=[^<>]*>)')
"""An `id` attribute in a start tag (text holds no ">": it is written "&gt;")."""

_TITLE_TAG = re.compile(r'<h1 (id="vb-tieu-de" class="vb-title")')
_BODY_START = re.compile(r"<div\b[^>]*\bdata-pagefind-body\b")
_BODY_HEADING = re.compile(r"<h([2-6])(?=[\s>])")

_D_LETTERS = "đĐ\u00d0\u00f0\u0189"  # đ with the look-alikes fold() maps to it
_D_TAIL = re.compile(rf"[{_D_LETTERS}][^\W_]*")
"""From a đ to the end of its word (words as `[^\\W_]+` splits them: letters and digits)."""


def d_folds(*texts: str) -> str:
    """Folded forms of the distinct words with đ/Đ, space-separated: "Đường điện" → "duong dien"."""
    # One scan per text for the letter đ (a regex over every word cost ~1 ms per directive), then
    # each hit is widened back to the start of its word.
    seen: dict[str, None] = {}
    spellings: set[str] = set()  # a body repeats its words: fold each spelling once
    for text in texts:
        if not text:
            continue
        for match in _D_TAIL.finditer(text):
            start = match.start()
            while start and text[start - 1].isalnum():  # isalnum() is exactly [^\W_]
                start -= 1
            word = text[start:match.end()]
            if word not in spellings:
                spellings.add(word)
                seen.setdefault(_fold_word(word), None)
    return " ".join(seen)


@functools.lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> str:
    # The same few thousand đ-words recur in every directive: fold each spelling once per process.
    return fold(word)


def sort_value(d: Directive) -> str:
    """Pagefind sort key: "2023-01-04"; blank day or month sort as 00. Every page needs one, since
    Pagefind drops pages without the key when a sort is applied."""
    if d.date is not None:
        return f"{d.date.year:04d}-{d.date.month or 0:02d}-{d.date.day or 0:02d}"
    return f"{d.year or 0:04d}-00-00"


def search_data(d: Directive) -> dict[str, object]:
    """What `search_index.html` writes for Pagefind: meta (shown in results), filters, sort. The
    `ngay` filter (the sort value) serves the date range of the search page, which asks for the
    dates of its range; `nguon` tells the full text ("toan-van") from a titles-index record
    ("tieu-de"), which a relevance search has merged too. Neither is one of the filter lists
    (`search_filters`)."""
    return {
        # dd: only words of the indexed text (EXCLUDED leaves out the letterhead, recipients and
        # signature): a đ-word elsewhere would find a document whose text shows no match.
        "meta": {**result_meta(d),
                 "dd": d_folds(d.number.text, d.subject, d.body, d.type.name, *(a.title for a in d.attachments))},
        "filters": _filters(d, "toan-van"),
        "sort": {"date": sort_value(d)},
    }


def result_meta(d: Directive) -> dict[str, str]:
    """What a search result shows of `d`."""
    return {
        "title": d.title,
        "type": d.type.name,
        "number": d.number_display if d.number.is_numbered else "",
        "date": d.date.display() if d.date else "",
        "subject": d.subject,
        "issuer": d.issuer.short or d.issuer.name,
        "topics": "; ".join(t.name for t in d.topics),
        "status": STATUSES.get(d.effective_status or "", ""),
    }


def _filters(d: Directive, source: str) -> dict[str, list[str]]:
    return {**search_filters(d), "ngay": [sort_value(d)], "nguon": [source]}


def search_filters(d: Directive) -> dict[str, list[str]]:
    """The values the search page filters `d` by (Pagefind filters, and `filter_counts`)."""
    return {
        "loai": [d.type.name],
        "nam": [str(d.year)] if d.year else [],
        "co_quan": [d.issuer.short or d.issuer.name],
        "linh_vuc": [t.name for t in d.topics],
        "tinh_trang": [STATUSES[d.effective_status]] if d.effective_status in STATUSES else [],
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
    content = _TITLE_TAG.sub(rf'<h1 data-pagefind-weight="{TITLE_WEIGHT}" \1', searchable_part(content_html), count=1)
    content = _BODY_HEADING.sub(rf'<h\1 data-pagefind-weight="{BODY_HEADING_WEIGHT}"', content)
    return _TEMPLATES.get_template("search_index.html").render(d=d, content=_without_unread_markup(content),
                                                                data=search_data(d))


def _without_unread_markup(html: str) -> str:
    """`html` without what Pagefind parses for nothing: the "¶" link of every paragraph (left out of
    the text by `EXCLUDED` anyway) and the ids, which Pagefind copies with their element's text into
    every result's fragment as "anchors" for sub-results the search page never shows. Pagefind's word
    index comes out the same; at 10 000 directives its CPU fell 12 % and the fragments a reader
    downloads 18 % (benchmarks/README.md, fifteenth pass)."""
    return _ID.sub("", PIN_HTML.sub("", html))


def searchable_part(content_html: str) -> str:
    """What Pagefind reads of a directive's content: from the `data-pagefind-body` element's start
    tag to the last `</div>` (the template closes that element last). The breadcrumbs before it,
    and whatever an upgrade of the template adds after it, stay out of the search page, so that
    such an upgrade leaves every page's search key, and so every bucket, as it was. When something
    outside that span still speaks to Pagefind, or the span is not found, the whole content is kept:
    a key that changes too often costs time, one that changes too seldom would serve a stale index."""
    start = _BODY_START.search(content_html)
    end = content_html.rfind("</div>")
    if start is None or end < start.start():
        return content_html
    end += len("</div>")
    if content_html.find("data-pagefind", 0, start.start()) >= 0 or content_html.find("data-pagefind", end) >= 0:
        return content_html  # (found in place: no copy of each page's halves, ten thousand times)
    return content_html[start.start():end]


class SearchPage(NamedTuple):
    """What Pagefind reads for one directive, and where it sorts (which bucket it goes to)."""

    url: str
    """Absolute: "/van-ban/2023/02-kh-ubnd/"."""
    sort: str
    """`sort_value` of the directive: "2023-01-04"."""
    key: str
    """Names the page's content: equal keys, equal pages (a bucket is keyed by its pages' keys).
    The SHA-1 of the document `SearchPage.of` was given, or a key that hashes all of its inputs."""
    packed: bytes | None = None
    """`index_document`, compressed (`model.pack_bytes`), or None when it is in the render cache under `entry`
    (SEARCH_CACHE): a build keeps no directive's text in memory, and reads a bucket's pages only
    to index it. Build with `SearchPage.of`, read as `html`."""
    entry: str = ""
    """Its render-cache key (SEARCH_CACHE), when not `key`: the hash of its inputs (`search_entry_key`)."""

    @classmethod
    def of(cls, url: str, html: str, sort: str, key: str | None = None, entry: str = "") -> "SearchPage":
        data = html.encode("utf-8")
        return cls(url, sort, key or hashlib.sha1(data).hexdigest(), pack_bytes(data), entry)

    @property
    def html(self) -> str:
        assert self.packed is not None, f"{self.url}: the page is in the render cache"
        return unpack_text(self.packed)

    @property
    def cache_key(self) -> str:
        return self.entry or self.key


def search_page(d: Directive, content_html: str, entry: str = "") -> SearchPage:
    """The search page of `d`, keyed by the digest of what Pagefind reads (`SearchPage.of`)."""
    return SearchPage.of(f"/{d.url}", index_document(d, content_html), sort_value(d), entry=entry)


SEARCH_CACHE = "search"
"""Render-cache kind of `SearchPage.packed` by `search_entry_key`."""
SEARCH_DIGESTS = "search-key"
"""Render-cache kind of a search page's `key` (its digest, ASCII) by the same entry key: a build
learns which buckets changed without reading the pages."""


def search_entry_key(page_key: str) -> str:
    """Where a directive's search page is kept: its page's key (which hashes every input of its HTML)
    and the search stage's code (`cache.STAGES["search"]`)."""
    return hashlib.sha1(f"{stage_key('search')}\0{page_key}".encode()).hexdigest()


SEARCH_BY_TEXT = "search-text"
"""Render-cache kind of the entry key of a stored search page by `text_key`, what it was made of: a
page whose key changed for something Pagefind does not read (a template upgrade that adds to the
page after the searchable element) takes the earlier search page instead of making it again."""


def text_key(d: Directive, data_key: str, content_html: str) -> str:
    """Hashes everything `search_page` reads: the search stage's code, the directive's inputs
    without code (`PageSpec.data_key`: its file, what it shows of other directives, the
    registries), its address and sort value, and the searchable part of its content."""
    parts = (stage_key("search"), data_key, d.url, sort_value(d), searchable_part(content_html))
    return hashlib.sha1("\0".join(parts).encode("utf-8")).hexdigest()


def make_search_pages(cache: RenderCache, items: list[tuple[str, Directive, str, str]]) -> list[SearchPage]:
    """The search pages of (entry key, directive, data key, content HTML) items, stored in `cache`:
    one an earlier build made of the same text (`text_key`) is taken as it is, the others are
    made (at 10 000 directives, ~10 % of the page writers' time in a directive-template upgrade).
    An item without a data key is always made."""
    texts = [text_key(d, data_key, html) if data_key else "" for _, d, data_key, html in items]
    earlier = {text: entry.decode("ascii") for text, entry in cache.iter_many(SEARCH_BY_TEXT, [t for t in texts if t])}
    packed = cache.get_many(SEARCH_CACHE, set(earlier.values()))
    digests = cache.get_many(SEARCH_DIGESTS, set(earlier.values()))
    pages = []
    for (entry, d, _, html), text in zip(items, texts):
        was = earlier.get(text)
        if was in packed and was in digests:
            pages.append(SearchPage(f"/{d.url}", sort_value(d), digests[was].decode("ascii"), packed[was], entry))
        else:
            pages.append(search_page(d, html, entry))
    store_search_pages(cache, pages)
    made = [(text, page.entry.encode("ascii")) for text, page in zip(texts, pages) if text and text not in earlier]
    cache.put_many(SEARCH_BY_TEXT, made)
    return pages


def store_search_pages(cache: RenderCache, pages: Iterable[SearchPage]) -> None:
    pages = list(pages)
    cache.put_many(SEARCH_CACHE, ((p.entry, p.packed) for p in pages))
    cache.put_many(SEARCH_DIGESTS, ((p.entry, p.key.encode("ascii")) for p in pages))


def stored_search_pages(cache: RenderCache, items: list[tuple[str, Directive]]) -> dict[str, SearchPage]:
    """{entry key: SearchPage without its text} of the (entry key, directive) items an earlier build
    or a writer of this one kept in the render cache."""
    by_entry = dict(items)
    return {entry: SearchPage(f"/{by_entry[entry].url}", sort_value(by_entry[entry]), digest.decode("ascii"), None, entry)
            for entry, digest in cache.iter_many(SEARCH_DIGESTS, list(by_entry))}


PARALLEL_THRESHOLD = 500


def prepare_pages(items: list[tuple[str, Directive, Callable[[], str]]], cache: RenderCache,
                  workers: int | None = None) -> dict[str, SearchPage]:
    """{entry key: SearchPage} for (entry key, directive, its content HTML) items. The entry key
    hashes everything a search page is made of (`search_entry_key`), so a page an earlier build
    prepared is read from the render cache; the others are made, on all cores when there are many."""
    done: dict[str, SearchPage] = {}
    todo = []
    stored = cache.get_many(SEARCH_CACHE, (key for key, _, _ in items))
    digests = cache.get_many(SEARCH_DIGESTS, list(stored))
    for key, d, content in items:
        if key in stored and key in digests:
            done[key] = SearchPage(f"/{d.url}", sort_value(d), digests[key].decode("ascii"), stored[key], key)
        else:
            todo.append((key, d, content))

    def prepare(chunk: list[int]) -> list[tuple[str, SearchPage]]:
        # Positions in `todo`: workers inherit it, only results travel.
        return [(todo[i][0], search_page(todo[i][1], todo[i][2](), todo[i][0])) for i in chunk]

    workers = workers or worker_count()
    positions = list(range(len(todo)))
    if workers < 2 or len(todo) < PARALLEL_THRESHOLD or not can_fork():
        made = dict(prepare(positions))
    else:
        made = dict(fork_map(prepare, positions, workers))
    store_search_pages(cache, made.values())
    done.update(made)
    return done


# ------------------------------------------------------------------------------------------------
# Buckets: one Pagefind index per year (or part of a year)
# ------------------------------------------------------------------------------------------------

BUCKET_LIMIT = 500
"""Most directives in one bucket: a year with more is split by quarter (by month if a quarter still
has more; a month is never split). What a first query downloads grows with the bucket: the index
chunk of a common word holds its postings in every page of the bucket. Measured on the synthetic
10 000 archive (~830 a year), "cai cach hanh chinh" read 371 KB of chunks from a one-year bucket,
over issue 3's 300 KB for the whole query; a quarter (~210) reads about a quarter of that."""

BUCKETS_FILE = "buckets.json"
"""`pagefind/buckets.json`: the buckets, newest first, for the search page."""

FILTER_COUNTS_FILE = "bo-loc.json"
"""`pagefind/bo-loc.json`: every filter's values with their counts over the whole archive."""

PLACEHOLDER_URL = "/tim-kiem/#vb-chi-muc"
"""URL of the one record of the primary index and of each bucket's floor record (never a result)."""

PLACEHOLDER_TEXT = "ϙϙϙϙ"
"""Their text: a word no query meets (archaic Greek koppa); the search page drops them if one shows."""

FLOOR_SORT = "0000"
"""Sorts before every real date ("0000-00-00" included): see `_index_bucket`."""

INDEX_FORMAT = "3"
"""Part of every bucket's key: change it when what the build gives Pagefind changes shape."""

_BUCKET_DIR = re.compile(r"^(nam-\d{4}(-quy-\d|-thang-\d\d)?|khong-ro-nam)-[0-9a-f]{10}$")


@dataclass
class Bucket:
    name: str
    """"nam-2023", "nam-2023-quy-2", "nam-2023-thang-04", "khong-ro-nam"."""
    label: str
    """What the search page says: "năm 2023", "quý 2 năm 2023", "tháng 4 năm 2023", "không rõ năm"."""
    year: str
    """"2023", or "" for directives without a year."""
    pages: list[SearchPage]

    @functools.cached_property
    def key(self) -> str:
        """Hash of everything its index is made of: the pages, Pagefind's version and our settings."""
        settings = [INDEX_FORMAT, _pagefind_version(), EXCLUDED, TITLE_WEIGHT, BODY_HEADING_WEIGHT, PLACEHOLDER_URL, PLACEHOLDER_TEXT,
                    FLOOR_SORT, BUCKET_FILES, _indexer_code()]
        digest = hashlib.sha256(json.dumps(settings).encode() + b"\0")
        for page in sorted(self.pages, key=lambda p: (p.url, p.sort, p.key)):
            digest.update(f"{page.url}\0{page.sort}\0{page.key}\0".encode())
        return digest.hexdigest()

    @property
    def folder(self) -> str:
        """Folder under pagefind/, named by content: a changed bucket is a new folder, so a browser
        never mixes files of two versions, and a folder that exists is complete (written aside and
        renamed into place)."""
        return f"{self.name}-{self.key[:10]}"


@functools.lru_cache(maxsize=1)
def _indexer_code() -> str:
    """Hash of the functions that hand a bucket's documents to Pagefind: a bucket is indexed again
    when they change, not when another part of this module does (its documents' keys say the rest)."""
    import inspect

    functions = (_new_index, _index_bucket, _documents, _put_in_place, _complete)
    return hashlib.sha256("".join(inspect.getsource(f) for f in functions).encode()).hexdigest()[:16]


def plan_buckets(pages: Iterable[SearchPage], limit: int = BUCKET_LIMIT) -> list[Bucket]:
    """Group pages by the year of their sort value, newest first; a year of more than `limit` pages
    is split by quarter (a blank month counts as January), and by month if a quarter is still over.
    The buckets' date ranges never overlap, and their order is the order of the sort key."""
    years: dict[str, list[SearchPage]] = {}
    for page in pages:
        years.setdefault(page.sort[:4], []).append(page)
    buckets = []
    for year, members in years.items():
        if year == "0000":
            buckets.append(Bucket("khong-ro-nam", "không rõ năm", "", members))
            continue
        if len(members) <= limit:
            buckets.append(Bucket(f"nam-{year}", f"năm {year}", year, members))
            continue
        month = lambda p: max(1, int(p.sort[5:7] or 0))  # noqa: E731
        quarters: dict[int, list[SearchPage]] = {}
        for page in members:
            quarters.setdefault((month(page) + 2) // 3, []).append(page)
        if max(len(q) for q in quarters.values()) <= limit:
            buckets += [Bucket(f"nam-{year}-quy-{q}", f"quý {q} năm {year}", year, ps) for q, ps in quarters.items()]
            continue
        months: dict[int, list[SearchPage]] = {}
        for page in members:
            months.setdefault(month(page), []).append(page)
        buckets += [Bucket(f"nam-{year}-thang-{m:02d}", f"tháng {m} năm {year}", year, ps) for m, ps in months.items()]
    # "khong-ro-nam" sorts as 0000: last. Within a year, parts by their number.
    return sorted(buckets, key=lambda b: (b.year or "0000", b.name), reverse=True)


def filter_counts(archive: Archive) -> dict[str, dict[str, int]]:
    """{filter: {value: directives}} over the whole archive, what the search page's lists show."""
    counts: dict[str, dict[str, int]] = {}
    for d in archive.directives:
        for name, values in search_filters(d).items():
            for value in values:
                counts.setdefault(name, {}).setdefault(value, 0)
                counts[name][value] += 1
    return {name: dict(sorted(values.items())) for name, values in sorted(counts.items())}


def write_filter_counts(site_dir: Path, archive: Archive) -> None:
    _write_text(site_dir / PAGEFIND_DIR / FILTER_COUNTS_FILE, _json(filter_counts(archive)))


TITLES_FILE = "tieu-de.json"
"""`pagefind/tieu-de.json`: {"paths": [folder of each part of the titles index]}."""

TITLE_ANCHOR = "#vb-tieu-de"
"""Added to a title record's URL (the id of every page's h1): the search page tells them apart."""

OPENING_WORDS = 30
OPENING_SCAN = 1000
"""Characters of a text's start read for its opening words (all of it when they hold too few)."""

SHOWN_FILTER = "hien_thi"
"""Filter of a titles-index record holding, as JSON, what its result shows (`title_records`)."""

_MARKUP = re.compile(r"(^|\n)\s*(#{1,6}|[-*+]|\d+[.)]|>|\|)\s*|(?<!\w)-{3,}|[*_`|]+|!?\[([^\]]*)\]\([^)]*\)")


def _opening(body: str, remember: bool = True) -> str:
    """The first words of a directive's text, Markdown marks removed: the excerpt of a title match."""
    # A long text is cut at a line end first (Markdown's marks end with their line): the first
    # words are near the start, and reading the whole of 10 000 texts took 4 s.
    words_of = _remembered_words if remember else _opening_words
    head = body if len(body) <= OPENING_SCAN else body[:body.rfind("\n", 0, OPENING_SCAN) + 1]
    words = words_of(head)
    if len(words) <= OPENING_WORDS and len(head) < len(body):
        words = words_of(body)
    return " ".join(words[:OPENING_WORDS]) + (" …" if len(words) > OPENING_WORDS else "")


def _opening_words(text: str) -> tuple[str, ...]:
    return tuple(_MARKUP.sub(lambda m: (m.group(1) or "") + (m.group(3) or "") + " ", text).split()[:OPENING_WORDS + 1])


_remembered_words = functools.lru_cache(maxsize=20_000)(_opening_words)
"""`_opening_words`, remembered: a preview rebuild makes the records of every directive again, and few
texts changed. A build makes each once: there the cache only held memory (46 MB of the titles
process's 141 MB at 10 000 directives)."""


def title_opening(d: Directive, remember: bool = True) -> str:
    """The opening words a title result shows of `d`'s text (`title_records`)."""
    return _opening(d.body, remember)


def title_records(directives: Iterable[Directive], remember: bool = True) -> list[dict[str, object]]:
    """One record per directive for the titles index: its type, number and subject as text (with
    their đ-folds), what a result shows and the filters. No sort key: Pagefind leaves out of a sorted
    search the pages without one, so the date orders never meet these records.

    Pagefind indexes every meta value as words, so what a result shows but nobody searches the
    titles for (date, issuer, status, the opening of the text for the excerpt) travels as the one
    value of the filter `hien_thi` (JSON), which Pagefind returns with the result and never reads
    at search time: the titles index then holds only title words, and a first query downloads only
    their postings (issue 18: "cai cach hanh chinh" over 10 000 directives). `remember`: keep the
    opening words for the next call (a preview's)."""
    records = []
    for d in directives:
        shown = {k: v for k, v in result_meta(d).items() if v and k != "topics"}
        shown["mo_dau"] = title_opening(d, remember)
        folds = d_folds(d.number.text, d.subject, d.type.name)
        records.append({"url": f"/{d.url}{TITLE_ANCHOR}", "content": f"{d.short_title} {d.subject}",
                        "meta": {"dd": folds} if folds else {},
                        "filters": {**_filters(d, "tieu-de"), SHOWN_FILTER: [_json(shown)]}})
    return records


TITLES_PART = 20_000
"""Records of one part of the titles index, on average at most. Pagefind holds every record of an
index in memory until it writes it (~21 KB a record: 1.9 GB for 100 000 directives, the largest
process of a cold build); parts are written one after the other."""


TITLES_BESIDE_MAX = 50_000
"""Directives of the largest archive whose titles index a cold build makes beside its page writers
(`IndexBeside`). Beyond it, the titles' two processes (their records and Pagefind: ~790 MB at
100 000 directives) would run beside two page writers, the buckets' indexer and the main process,
and took the build past 2 GB; the titles index is then made after the pages, by `write_title_index`
(benchmarks/README.md, twelfth pass)."""


def title_parts(directives: Iterable[Directive]) -> list[list[Directive]]:
    """The directives in ceil(n / `TITLES_PART`) parts, each in their order. A directive's part
    follows from its address alone, so an edit or a new directive changes one part (and a publish
    build indexes that part again, not the whole archive's titles) until the count of parts grows."""
    items = list(directives)
    count = -(-len(items) // TITLES_PART)
    parts: list[list[Directive]] = [[] for _ in range(count)]
    for d in items:
        parts[zlib.crc32(d.url.encode("utf-8")) % count].append(d)
    return [part for part in parts if part]


def write_title_index(site_dir: Path, directives: Iterable[Directive], cache_dir: Path | None = None,
                      written: Sequence[str] = (), remember: bool = True) -> list[str]:
    """Write the titles index into `pagefind/tieu-de-<key>/`, one folder per part (`title_parts`; a
    part is kept when its records did not change, and copied from `<cache_dir>/pagefind/` when an
    earlier build indexed the same records) and list them in `pagefind/tieu-de.json`; returns the
    folders' names. `written`: the folders the indexer beside the page writers wrote from the same
    directives (their records are not made again). `remember`: see `title_records`."""
    return _place_title_index(site_dir, (title_records(part, remember) for part in title_parts(directives)),
                              cache_dir, written)


def _place_title_index(site_dir: Path, parts: Iterable[list[dict[str, object]]], cache_dir: Path | None,
                       written: Sequence[str] = ()) -> list[str]:
    """`write_title_index` from the records of each part (`title_parts`, `title_records`)."""
    out = site_dir / PAGEFIND_DIR
    out.mkdir(parents=True, exist_ok=True)
    store = cache_dir / PAGEFIND_DIR if cache_dir else None
    if written and all((out / folder / "pagefind-entry.json").is_file() for folder in written):
        folders = list(written)
    else:
        folders = [_write_title_part(out, store, records) for records in parts]
    if not folders:  # an archive with no directive yet: Pagefind writes no index of nothing
        (out / TITLES_FILE).unlink(missing_ok=True)
        _drop_titles(out, [])
        return []
    _write_text(out / TITLES_FILE, _json({"paths": folders}))
    _drop_titles(out, folders)
    if store:
        _drop_titles(store, folders)
    return folders


def _write_title_part(out: Path, store: Path | None, records: list[dict[str, object]]) -> str:
    """One part of the titles index in place (indexed, or copied from the cache); its folder's name."""
    digest = hashlib.sha256(json.dumps([INDEX_FORMAT, _pagefind_version(), records], sort_keys=True,
                                       ensure_ascii=False).encode("utf-8")).hexdigest()
    folder = f"tieu-de-{digest[:10]}"
    if not (out / folder / "pagefind-entry.json").is_file():
        if store and (store / folder / "pagefind-entry.json").is_file():
            _copy_folder(store / folder, out, folder)
        else:
            _run_async(_write_titles(records, out, folder))
            if store:
                _store_titles(store, out, folder)
    return folder


_TITLES_TMP = ".tmp-tieu-de-"
"""How the temporary folder of a titles part begins (`_write_titles`)."""


def _is_bucket_tmp(name: str) -> bool:
    return name.startswith(".tmp-") and not name.startswith(_TITLES_TMP)


def _drop_titles(folder: Path, keep: Sequence[str]) -> None:
    """Remove the titles folders other than `keep` (the site's, or the cache's: one version each),
    and the temporary folders of titles parts a stopped build left (the titles are written by one
    process at a time, which calls this when it is done)."""
    if not folder.is_dir():
        return
    for stale in folder.iterdir():
        if stale.is_dir() and (stale.name.startswith("tieu-de-") or stale.name.startswith(_TITLES_TMP)) and stale.name not in keep:
            shutil.rmtree(stale, ignore_errors=True)


def _store_titles(store: Path, out: Path, folder: str) -> None:
    """Keep a part of the titles index just written for the next build."""
    try:
        store.mkdir(parents=True, exist_ok=True)
        _copy_folder(out / folder, store, folder)
    except OSError as exc:  # the site is complete without the cache
        log.info(f"Tìm kiếm: không ghi được bộ đệm chỉ mục tiêu đề: {exc}")


async def _write_titles(records: list[dict[str, object]], out: Path, folder: str) -> None:
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        tmp = out / f".tmp-{folder}-{os.getpid()}"  # `_TITLES_TMP`: `folder` is "tieu-de-<key>"
        shutil.rmtree(tmp, ignore_errors=True)
        service = await _PipelinedService().launch()
        try:
            index = await _new_index(service)
            pending = iter(records)

            async def add() -> None:
                # 64 senders share one iterator: a coroutine per record held 20 000 of them at once.
                for record in pending:
                    await index.add_custom_record(url=record["url"], content=record["content"], language="vi",
                                                  meta=record["meta"], filters=record["filters"])

            await asyncio.gather(*(add() for _ in range(64)))
            await index.write_files(output_path=str(tmp))
            await index.delete_index()
        finally:
            await service.close()
        if _complete(tmp):
            for item in tmp.iterdir():
                if item.name not in BUCKET_FILES and not item.name.endswith(".pf_meta"):
                    item.unlink()
            shutil.rmtree(out / folder, ignore_errors=True)
            os.replace(tmp, out / folder)
            return
    if disk_full(out):  # Pagefind leaves files empty on a full disk: name the folder, as the buckets do
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out))
    raise RuntimeError(f"Pagefind: chỉ mục {folder} ghi thiếu tệp sau {WRITE_ATTEMPTS} lần")


@dataclass
class IndexStats:
    pages: int
    buckets: int
    indexed: list[str]
    """Buckets (names) indexed by this run; the others were up to date or copied from the cache."""
    cached: list[str]
    seconds: float
    peak_rss_mb: float
    """Largest resident set of one Pagefind process (and any other finished child of this process)."""
    cpu_seconds: float
    """CPU time of the Pagefind processes."""


def write_index(pages: Iterable[SearchPage], site_dir: Path, workers: int | None = None,
                cache_dir: Path | None = None, texts: RenderCache | None = None) -> IndexStats:
    """Index `pages` into `site_dir/pagefind`: the primary (no directive), one index per bucket and
    `buckets.json`. A bucket whose folder already exists is up to date (its name is its key): under
    `mkdocs serve --dirty` an edit reindexes only its bucket. A bucket found under `cache_dir`
    (`<cache>/pagefind/<folder>`, written by an earlier build) is copied instead of indexed. Buckets
    are indexed in parallel, one Pagefind process per core (`workers`; one process indexes on one
    core). A page without its text (`packed` None) is read from `texts` when its bucket is indexed."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = site_dir / PAGEFIND_DIR
    out.mkdir(parents=True, exist_ok=True)
    buckets = plan_buckets(pages)
    todo = [b for b in buckets if not (out / b.folder / "pagefind-entry.json").is_file()]
    store = cache_dir / PAGEFIND_DIR if cache_dir else None
    cached = [b for b in todo if store and (store / b.folder / "pagefind-entry.json").is_file()]
    for bucket in cached:
        _copy_folder(store / bucket.folder, out, bucket.folder)
    todo = [b for b in todo if b not in cached]
    primary = not _primary_is_current(out)
    workers = max(1, min(workers or _workers(), len(todo) + primary))
    if todo or primary:
        _run_async(_write_buckets(todo, out, primary, workers, texts))
    if store:
        _store(store, out, buckets, todo)
    _write_text(out / BUCKETS_FILE, _json({
        "placeholder": PLACEHOLDER_URL,
        "buckets": [{"path": b.folder, "label": b.label, "year": b.year, "pages": len(b.pages)} for b in buckets],
    }))
    keep = {b.folder for b in buckets}
    for stale in out.iterdir():
        # Not the titles' temporary folders: the titles index may be being written into one beside
        # this, by the process that indexes it while the pages are written (`IndexBeside`); its
        # Pagefind, its folder gone, never answered, and the build waited out `reply_timeout()`.
        # `_drop_titles` removes those left by a build that stopped.
        if (stale.is_dir() and (_BUCKET_DIR.match(stale.name) or _is_bucket_tmp(stale.name))
                and stale.name not in keep):
            shutil.rmtree(stale, ignore_errors=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return IndexStats(sum(len(b.pages) for b in buckets), len(buckets), [b.name for b in todo],
                      [b.name for b in cached], time.perf_counter() - start, after.ru_maxrss / 1024, cpu)


def _unpickled(parts: list[bytes]) -> Iterable[list[dict[str, object]]]:
    """Each part's records, letting go of its bytes as it is taken (~70 MB at 100 000 directives)."""
    while parts:
        yield pickle.loads(parts.pop(0))


class IndexBeside:
    """Indexes search buckets while a cold build's pages are still being written.

    The writers store each directive's search page in the render cache (`store_search_pages`); the
    adapter tells this indexer which entries are stored as each batch of pages is written
    (`written`), and a bucket is indexed, by one Pagefind process, as soon as all of its pages are
    in: Pagefind then works beside the writers instead of after them, and `write_index` finds the
    bucket in place (its folder is named by its content) or in the cache folder. The indexer is a
    process forked before the writers (no thread of this process runs while they fork): it holds
    no page, only which entries each bucket has. A second process writes the titles index
    (`write_title_index`) meanwhile, from the records a third makes and sends it (in archives of
    up to `TITLES_BESIDE_MAX` directives). `finish()` stops
    the first after the bucket it is indexing (the buckets left are `write_index`'s, on every core);
    `finish_titles()` waits for the second, which the build calls last (a publish build's other
    writers work meanwhile).
    """

    def __init__(self, items: list[tuple[str, Directive]], site_dir: Path, cache_dir: Path | None, texts: RenderCache,
                 titles: bool = True) -> None:
        """`titles`: make the titles index beside the writers too (see `TITLES_BESIDE_MAX`); without
        it, `finish_titles()` returns at once and the build writes the titles index after the pages."""
        import multiprocessing

        pages = [SearchPage(f"/{d.url}", sort_value(d), entry, None, entry) for entry, d in items]
        self._plan = [(b.name, b.label, b.year, [(p.url, p.sort, p.entry) for p in b.pages]) for b in plan_buckets(pages)]
        self._directives = [d for _, d in items]
        self._out = site_dir / PAGEFIND_DIR
        self._store = cache_dir / PAGEFIND_DIR if cache_dir else None
        self._folder = texts.folder
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=self._run, args=(child,), name="vanban-index-beside", daemon=True)
        self._process.start()
        child.close()
        self._titles = self._records = None
        if titles:
            self._start_titles(context)

    def _start_titles(self, context) -> None:
        # The titles index in a process of its own: in a thread of the buckets' indexer, the two
        # took turns holding the interpreter, and the buckets waited. Its records are made by a
        # third, short-lived process: reading a directive writes its reference counts, which copies
        # the memory page holding it, and a process that read the whole archive kept a copy of
        # most of it for as long as it lived (479 of 829 MB at 100 000 directives) while Pagefind
        # indexed the titles. The maker exits once the titles process has every record.
        self._titles_conn, titles_child = context.Pipe(duplex=False)
        records_in, records_out = context.Pipe(duplex=False)
        self._titles = context.Process(target=self._index_titles, args=(titles_child, records_in, records_out),
                                       name="vanban-titles-beside", daemon=True)
        self._titles.start()
        titles_child.close()
        self._records = context.Process(target=self._make_title_records, args=(records_out,),
                                        name="vanban-title-records", daemon=True)
        self._records.start()
        records_in.close()
        records_out.close()

    def written(self, entries: list[str]) -> None:
        """These search pages are in the render cache."""
        if entries:
            self._conn.send(entries)

    def finish(self) -> list[str]:
        """Stop after the bucket being indexed; the names of the buckets this indexer indexed."""
        try:
            self._conn.send(None)
            indexed = self._conn.recv()
        except (EOFError, OSError):
            indexed = []
        self._process.join()
        self._conn.close()
        return indexed

    def finish_titles(self) -> list[str]:
        """Wait for the titles index: the folders of its parts it put in place (none if it did not)."""
        if self._titles is None:
            return []
        try:
            titles = self._titles_conn.recv()
        except (EOFError, OSError):
            titles = []
        self._titles.join()
        self._titles_conn.close()
        self._records.join()
        return titles

    def _run(self, conn) -> None:
        texts = RenderCache(self._folder)
        stored: set[str] = set()
        waiting = list(self._plan)
        indexed: list[str] = []
        finishing = False
        while not finishing:
            message = conn.recv()  # blocks until a batch is written
            while True:
                if message is None:
                    finishing = True
                    break
                stored.update(message)
                if not conn.poll():
                    break
                message = conn.recv()
            while waiting and not finishing:
                ready = next((b for b in waiting if all(entry in stored for _, _, entry in b[3])), None)
                if ready is None:
                    break
                waiting.remove(ready)
                if self._index(ready, texts):
                    indexed.append(ready[0])
                while conn.poll():  # the writers may have finished meanwhile
                    message = conn.recv()
                    if message is None:
                        finishing = True
                    else:
                        stored.update(message)
        conn.send(indexed)

    def _make_title_records(self, records) -> None:
        """The records of each part of the titles index, pickled, then b"" (all sent)."""
        try:
            for part in title_parts(self._directives):
                records.send_bytes(pickle.dumps(title_records(part, remember=False), pickle.HIGHEST_PROTOCOL))
            records.send_bytes(b"")
        except Exception as exc:  # noqa: BLE001 - the titles process sees the pipe end, and the build writes them
            log.info(f"Tìm kiếm: chưa lập được bản ghi chỉ mục tiêu đề trong lúc ghi trang: {exc}")
        records.close()

    def _index_titles(self, conn, records, records_out) -> None:
        records_out.close()  # the maker's end: without its last copy closed, a maker that failed is never seen
        folders: list[str] = []
        try:
            # Every part is taken before any is indexed: the maker, blocked on a full pipe, would
            # otherwise live (with its copy of the archive) until the last part is indexed.
            parts = list(iter(records.recv_bytes, b""))
            folders = _place_title_index(self._out.parent, _unpickled(parts), self._store.parent if self._store else None)
        except EOFError:
            log.info("Tìm kiếm: chưa lập được chỉ mục tiêu đề trong lúc ghi trang: không nhận đủ bản ghi.")
        except Exception as exc:  # noqa: BLE001 - the build writes it again, and says what fails
            log.info(f"Tìm kiếm: chưa lập được chỉ mục tiêu đề trong lúc ghi trang: {exc}")
        records.close()
        conn.send(folders)
        conn.close()

    def _index(self, planned: tuple, texts: RenderCache) -> bool:
        name, label, year, members = planned
        digests = texts.get_many(SEARCH_DIGESTS, [entry for _, _, entry in members])
        if len(digests) != len(members):
            return False  # write_index will find out what is missing
        bucket = Bucket(name, label, year, [SearchPage(url, sort, digests[entry].decode("ascii"), None, entry)
                                            for url, sort, entry in members])
        if (self._out / bucket.folder / "pagefind-entry.json").is_file() or (
                self._store and (self._store / bucket.folder / "pagefind-entry.json").is_file()):
            return False  # there already, or write_index copies it from the cache
        try:
            self._out.mkdir(parents=True, exist_ok=True)
            _run_async(_write_buckets([bucket], self._out, False, 1, texts))
            if self._store:
                _store(self._store, self._out, [bucket], [bucket])
            return True
        except Exception as exc:  # noqa: BLE001 - write_index indexes it again, and says what fails
            log.info(f"Tìm kiếm: chưa lập được chỉ mục phần {name} trong lúc ghi trang: {exc}")
            return False


def _copy_folder(source: Path, parent: Path, name: str) -> None:
    # Copied aside, then renamed into place: a reader never sees half a folder. Files are hard
    # links where the file system allows (a warm 10 000 build copied ~10 500 files, ~1 s): neither
    # side is ever written in place (Pagefind writes a new folder, and folders are replaced whole).
    tmp = parent / f".tmp-{name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(source, tmp, copy_function=_link_or_copy)
    shutil.rmtree(parent / name, ignore_errors=True)
    os.replace(tmp, parent / name)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not supported
        shutil.copy2(source, target)


def _store(store: Path, out: Path, buckets: list[Bucket], indexed: list[Bucket]) -> None:
    """Keep the buckets just indexed for the next build; drop other versions of the same buckets
    (a cache, not an archive: another directives folder may only have to index its own again)."""
    try:
        store.mkdir(parents=True, exist_ok=True)
        for bucket in indexed:
            _copy_folder(out / bucket.folder, store, bucket.folder)
        current = {b.name: b.folder for b in buckets}
        for folder in store.iterdir():
            name = folder.name.rsplit("-", 1)[0]
            if _BUCKET_DIR.match(folder.name) and name in current and folder.name != current[name]:
                shutil.rmtree(folder, ignore_errors=True)
    except OSError as exc:  # the site is complete without the cache
        log.info(f"Tìm kiếm: không ghi được bộ đệm chỉ mục: {exc}")


def _workers() -> int:
    try:
        return max(1, int(os.environ.get("VANBAN_WORKERS", "")))
    except ValueError:
        return os.cpu_count() or 1


def _pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "?"


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _write_text(path: Path, text: str) -> None:
    # Replaced in one step: the preview's server never serves half a file.
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    tmp = path.with_name(f".tmp-{path.name}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


PRIMARY_FILES = ("pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind", "pagefind-entry.json")
BUCKET_FILES = ("pagefind-entry.json", "fragment", "index", "filter")
"""What a merged index is read from (the primary's script and WebAssembly serve every bucket)."""


def _primary_is_current(out: Path) -> bool:
    try:
        entry = json.loads((out / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return entry.get("version") == _pagefind_version() and all((out / f).exists() for f in PRIMARY_FILES)


def _run_async(coroutine) -> None:
    """Run `coroutine` to its end, in a thread of its own if this one already runs an event loop
    (asyncio.run refuses to: a caller inside async code, a browser-test driver's loop)."""
    quiet = _quiet_siblings(coroutine)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(quiet)
        return
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, quiet).result()


async def _quiet_siblings(coroutine):
    """`coroutine`, on a loop that does not print the same Pagefind failure twice: when Pagefind
    exits, the first sender's `PagefindError` ends the run and becomes the build's error; the other
    senders, cancelled as asyncio.run shuts down, fail with the same error, which asyncio printed
    as a traceback (seen once in CI after the error staff read). Those go to the debug log."""
    asyncio.get_running_loop().set_exception_handler(_sibling_failure)
    return await coroutine


def _sibling_failure(loop: asyncio.AbstractEventLoop, context: dict) -> None:
    if isinstance(context.get("exception"), PagefindError):
        log.debug(f"Tìm kiếm: {context.get('message')}: {context['exception']}")
    else:
        loop.default_exception_handler(context)


async def _write_buckets(buckets: list[Bucket], out: Path, primary: bool, workers: int,
                         texts: RenderCache | None) -> None:
    # Pagefind indexes on one core per process: `workers` processes at once, each bucket (largest
    # first) in a process of its own, so that memory follows the bucket, not the archive (one
    # process given bucket after bucket kept growing, though each index was deleted).
    queue: asyncio.Queue = asyncio.Queue()
    if primary:
        queue.put_nowait(None)
    for bucket in sorted(buckets, key=lambda b: -len(b.pages)):
        queue.put_nowait(bucket)

    async def worker() -> None:
        while not queue.empty():
            bucket = queue.get_nowait()
            name = ".tmp-primary" if bucket is None else f".tmp-{bucket.folder}"
            for attempt in range(1, WRITE_ATTEMPTS + 1):
                tmp = out / f"{name}-{os.getpid()}"
                shutil.rmtree(tmp, ignore_errors=True)
                service = await _PipelinedService().launch()
                try:
                    await (_index_primary(service, tmp) if bucket is None else _index_bucket(service, bucket, tmp, texts))
                finally:
                    await service.close()
                # Pagefind answers write_files before its files are all on disk and may exit with
                # some still empty (a CI run found an empty pagefind-entry.json): only a complete
                # index is put in place, after the process has ended.
                if _complete(tmp):
                    _put_in_place(tmp, out, bucket)
                    break
                log.info(f"Tìm kiếm: Pagefind ghi thiếu tệp ({tmp.name}), lập chỉ mục lại (lần {attempt}).")
            else:
                if disk_full(out):  # Pagefind leaves files empty on a full disk
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out))
                raise RuntimeError(f"Pagefind: chỉ mục {name} ghi thiếu tệp sau {WRITE_ATTEMPTS} lần")

    await asyncio.gather(*(worker() for _ in range(workers)))


async def _new_index(service):
    from pagefind.index import IndexConfig  # the binary is needed only when the site is built

    return await service.create_index(IndexConfig(force_language="vi", exclude_selectors=EXCLUDED))


async def _index_primary(service, tmp: Path) -> None:
    """The index pagefind.js opens: one placeholder record, no sort key, so that every bucket is
    merged explicitly (`mergeIndex`) and they all share its WebAssembly. Pagefind will not write an
    index without a page."""
    index = await _new_index(service)
    await index.add_custom_record(url=PLACEHOLDER_URL, content=PLACEHOLDER_TEXT, language="vi")
    await index.write_files(output_path=str(tmp))
    await index.delete_index()


def _documents(bucket: Bucket, texts: RenderCache | None) -> list[tuple[str, str]]:
    """(url, HTML) of the bucket's pages, those kept out of memory read from the render cache."""
    wanted = [page.cache_key for page in bucket.pages if page.packed is None]
    stored = texts.get_many(SEARCH_CACHE, wanted) if wanted and texts is not None else {}
    missing = [page.url for page in bucket.pages if page.packed is None and page.cache_key not in stored]
    if missing:
        raise RuntimeError(f"Tìm kiếm: không đọc được trang của {len(missing)} văn bản từ bộ đệm, ví dụ {missing[0]}")
    return [(page.url, page.html if page.packed is not None else unpack_text(stored[page.cache_key]))
            for page in bucket.pages]


async def _index_bucket(service, bucket: Bucket, tmp: Path, texts: RenderCache | None = None,
                        concurrency: int = 64) -> None:
    documents = _documents(bucket, texts)
    index = await _new_index(service)
    # The floor record sorts first: Pagefind scores a sorted result by its position in the bucket's
    # sort order, so every directive scores at least 1 and the search page can keep the buckets'
    # score ranges apart with `indexWeight` (vanban-search.js).
    await index.add_custom_record(url=PLACEHOLDER_URL, content=PLACEHOLDER_TEXT, language="vi",
                                  sort={"date": FLOOR_SORT})
    limit = asyncio.Semaphore(concurrency)
    empty: list[str] = []

    async def add(url: str, html: str) -> None:
        async with limit:
            result = await index.add_html_file(content=html, url=url)
        if not result.get("page_word_count"):
            empty.append(url)

    await asyncio.gather(*(add(url, html) for url, html in documents))
    if empty:
        log.warning(f"Tìm kiếm: {len(empty)} trang không có chữ nào được lập chỉ mục, ví dụ {empty[0]}")
    await index.write_files(output_path=str(tmp))
    await index.delete_index()


WRITE_ATTEMPTS = 3


def _complete(folder: Path) -> bool:
    """Whether Pagefind's output in `folder` is whole: the entry parses, names a meta file that is
    there, and no file is empty."""
    try:
        entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        meta = folder / f"pagefind.{entry['languages']['vi']['hash']}.pf_meta"
    except (OSError, ValueError, KeyError, TypeError):
        return False
    # Pagefind's ready-made interfaces are not published (UNUSED_UI_FILES): their state does not matter.
    return meta.is_file() and all(p.stat().st_size > 0 for p in folder.rglob("*")
                                  if p.is_file() and p.name not in UNUSED_UI_FILES)


def _put_in_place(tmp: Path, out: Path, bucket: Bucket | None) -> None:
    if bucket is not None:
        for item in tmp.iterdir():
            if item.name not in BUCKET_FILES and not item.name.endswith(".pf_meta"):
                item.unlink()
        shutil.rmtree(out / bucket.folder, ignore_errors=True)  # only ever an incomplete copy
        os.replace(tmp, out / bucket.folder)
        return
    for name in UNUSED_UI_FILES:
        (tmp / name).unlink(missing_ok=True)
    for item in sorted(tmp.iterdir(), key=lambda p: p.name == "pagefind-entry.json"):  # the entry last
        target = out / item.name
        if item.is_dir() and target.is_dir():
            shutil.rmtree(target)
        os.replace(item, target)
    tmp.rmdir()


class PagefindError(RuntimeError):
    """Pagefind did not answer in time, or ended mid-way; the message is the staff's one line."""


DEFAULT_REPLY_TIMEOUT = 300.0


def reply_timeout() -> float:
    """Seconds one Pagefind reply may take: `VANBAN_PAGEFIND_TIMEOUT`, else 300 (a bucket of
    10 000 pages is written in ~20 s)."""
    try:
        return float(os.environ.get("VANBAN_PAGEFIND_TIMEOUT", "")) or DEFAULT_REPLY_TIMEOUT
    except ValueError:
        return DEFAULT_REPLY_TIMEOUT


def _service_class():
    from pagefind.service import PagefindService

    class PipelinedService(PagefindService):
        """Pagefind's service reads one reply per 0.1 s (a sleep in its polling loop): 10 000
        pages would take 17 minutes. This loop reads replies as they arrive. No wait is endless:
        a reply has `reply_timeout()` seconds to come, and a Pagefind that exits fails every
        request still waiting (two builds into one folder once left one waiting for ever)."""

        async def send(self, payload):  # noqa: ANN001, ANN201 - Pagefind's signature
            seconds = reply_timeout()
            try:
                return await asyncio.wait_for(self._exchange(payload), timeout=seconds)
            except ConnectionError as exc:  # it exited while a request was being written
                raise PagefindError(f"Tìm kiếm: Pagefind dừng giữa chừng ({exc.__class__.__name__}).") from None
            except asyncio.TimeoutError:
                raise PagefindError(f"Tìm kiếm: Pagefind không trả lời sau {seconds:g} giây "
                                    f"({payload.get('type', 'yêu cầu')}){self._unread()}; bản dựng dừng. Chạy lại; "
                                    "nếu lặp lại, kiểm tra bộ nhớ và dung lượng đĩa.") from None

        async def _exchange(self, payload):  # noqa: ANN001, ANN202
            # Pagefind's own `send`, without its debug messages: they are f-strings, so each request
            # (a whole search page) was formatted twice whether or not anything logs at that
            # level — 0.12–0.15 ms a page of the feeding process, a quarter of its CPU
            # (benchmarks/README.md, seventeenth pass). Same protocol: base64 JSON ended by a comma.
            assert self._backend.stdin is not None
            self._message_id += 1
            message_id = self._message_id
            future = self._loop.create_future()
            self._responses[message_id] = future
            request = json.dumps({"message_id": message_id, "payload": payload}).encode("utf-8")
            self._backend.stdin.write(base64.b64encode(request) + b",")
            await self._backend.stdin.drain()
            return await future

        def _unread(self) -> str:
            # What Pagefind printed that is not a reply and has no comma to end it (a Rust panic):
            # it waits in the reader's buffer, and is the one clue to why no reply came.
            text = bytes(getattr(self._backend.stdout, "_buffer", b"")).decode("utf-8", "replace").strip()
            return f"; Pagefind in ra: {text[-500:]!r}" if text else ""

        async def _wait_for_responses(self) -> None:
            assert self._backend.stdout is not None
            while True:
                try:
                    output = await self._backend.stdout.readuntil(b",")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError) as exc:
                    for future in self._responses.values():
                        if not future.done():
                            future.set_exception(PagefindError(f"Tìm kiếm: Pagefind dừng giữa chừng ({exc.__class__.__name__})."))
                            future.exception()  # a sender that failed on its own leaves it unread: no "never retrieved"
                    self._responses.clear()
                    return
                try:
                    response = _reply(output)
                except ValueError:
                    # Text of its standard error with a comma in it: an exception here ended this
                    # loop, and every request waited out its time unanswered.
                    log.info(f"Tìm kiếm: Pagefind in ra dòng không phải câu trả lời, bỏ qua: {output[:200]!r}")
                    continue
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
                self._backend.kill()
                await self._backend.wait()

    return PipelinedService


_REPLY_START = b"ey"  # base64 of a JSON object's opening brace, whatever follows it


def _reply(output: bytes) -> dict | None:
    """A reply of Pagefind's service: base64 JSON ended by a comma. Its standard error shares the
    pipe (the package's choice): text written there before a reply is skipped."""
    body, start = output[:-1], 0
    while start >= 0:  # a reply is read whole at the first try; other starts only after stray text
        try:
            return json.loads(base64.b64decode(body[start:], validate=True))
        except (ValueError, binascii.Error):
            start = body.find(_REPLY_START, start + 1)
    raise ValueError(f"not a Pagefind reply: {output[:200]!r}")


class _PipelinedService:
    def __new__(cls):  # built lazily so that importing this module does not need pagefind
        return _service_class()()
