"""The generated part of the site: which pages exist, their titles, and their HTML.

`SitePlan` is what the MkDocs hook adapts: it lists virtual pages (directives, listings, indexes)
and attachment files, and renders a page's HTML on request. It knows nothing of MkDocs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .archive import Archive
from .cache import RenderCache, stage_key
from .listings import GroupIndex, Listing, ListingPage, build_indexes, build_listings
from .model import Directive, pack_text, unpack_text
from .parallel import can_fork, fork_map, worker_count
from .render import Renderer
from .stats import STATS_URL, build_charts

__all__ = ["SitePlan", "PageSpec", "Rendered", "AttachmentFile", "HOME_MARKER", "registries_stamp", "stable_hash"]

HOME_MARKER = "<!-- vanban:home -->"
"""Placed in the hand-written home page where the generated overview goes."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """A page's HTML, kept compressed between rendering and writing: the plan holds every page at
    once (for the search index, and for the next rebuild of `mkdocs serve`), which as text took
    gigabytes at 100 000 directives (Python stores Vietnamese text at 2 bytes a character)."""

    packed: bytes
    toc_tokens: list[dict[str, Any]]

    @classmethod
    def pack(cls, html: str, toc_tokens: list[dict[str, Any]]) -> "Rendered":
        return cls(pack_text(html), toc_tokens)

    def unpack(self) -> tuple[str, list[dict[str, Any]]]:
        return unpack_text(self.packed), self.toc_tokens

    def to_bytes(self) -> bytes:
        """The table of contents as a JSON line (JSON escapes newlines), then the packed HTML."""
        return json.dumps(self.toc_tokens, ensure_ascii=False).encode("utf-8") + b"\n" + self.packed

    @classmethod
    def from_bytes(cls, data: bytes) -> "Rendered":
        toc, _, packed = data.partition(b"\n")
        return cls(packed, json.loads(toc))


@dataclass(slots=True)
class PageSpec:
    src_uri: str
    url: str
    title: str
    """Plain text (not escaped): the adapter escapes it for Material's templates."""
    description: str
    kind: str
    """"directive", "listing", "index", "stats" or "short-link"."""
    in_nav: bool
    render: Callable[[], tuple[str, list[dict[str, Any]]]]
    directive: Directive | None = None
    rendered: Rendered | None = None
    """Set by `SitePlan.prerender`; `html()` falls back to rendering on demand."""
    listing: Listing | None = None
    """The listing a "listing" page is a page of (for its feed and sitemap date)."""
    key: str = ""
    """Hash of everything the page's HTML depends on: equal keys, equal pages (see `SitePlan.reuse`):
    `data_key` and the page stage's code (`cache.STAGES["page"]`)."""
    data_key: str = ""
    """Hash of the page's inputs without any code: the directive's file, what the page shows of
    other directives, the registries, the site's name and address. The other stages that make
    something of a directive (open data) key it by this and their own code."""

    text: tuple[str, list[dict[str, Any]]] | None = None
    """What `html()` just rendered, as text, until `forget_text()`: a page made in a build is read
    twice at once (its page, then its search page), and unpacking it again cost ~0.1 ms a page."""

    def html(self) -> tuple[str, list[dict[str, Any]]]:
        """(HTML, table-of-contents tokens)."""
        if self.text is not None:
            return self.text
        if self.rendered is None:
            html, toc = self.render()
            self.rendered = Rendered.pack(html, toc)
            self.text = (html, toc)
            return self.text
        return self.rendered.unpack()

    def forget_text(self) -> None:
        """Drop the text `html()` kept (the packed copy stays)."""
        self.text = None


@dataclass(slots=True)
class AttachmentFile:
    dest_uri: str
    """"van-ban/2023/02-kh-ubnd/ke-hoach.pdf"."""
    source: Path


class SitePlan:
    """All generated pages of one build."""

    def __init__(self, archive: Archive, site_name: str = "", cache: RenderCache | None = None,
                 site_url: str = "") -> None:
        self.archive = archive
        self.site_url = site_url
        self.renderer = Renderer(archive, site_name, cache, site_url)
        self.listings = build_listings(archive)
        self.indexes = build_indexes(self.listings)
        self.pages: dict[str, PageSpec] = {}
        self.archive_key = archive_key(archive, site_name, site_url)
        self._data_key = stable_hash(registries_stamp(archive), site_name, site_url)
        self._referrers: dict[int, list[Directive]] = {}
        for d in archive.directives:
            for ref in _references(d, archive):
                for target in archive.find(ref.number, _ref_year(ref)):
                    self._referrers.setdefault(id(target), []).append(d)
        # What every listing page shares: registries, and the relations that give statuses.
        self._shared_key = stable_hash(self._data_key,
                                 *(f"{d.url}\0{d.relations!r}\0{d.status}" for d in archive.directives if d.relations or d.status))
        for d in archive.directives:
            self._add_directive(d)
        for listing in self.listings:
            for page in listing.pages():
                self._add_listing_page(page)
        for index in self.indexes:
            self._add_index(index)
        self._add(PageSpec(f"{STATS_URL}index.md", STATS_URL, "Thống kê văn bản",
                           "Số văn bản theo năm, loại, cơ quan ban hành và lĩnh vực.", "stats", True,
                           lambda: (self.renderer.stats(build_charts(self.listings, len(self.archive.listed)), STATS_URL), []),
                           key=self.key_for(STATS_URL, stage="page:stats")))

    def key_for(self, *parts: str, stage: str) -> str:
        """Key of a page that may show any directive's metadata (indexes, statistics), made by the
        code of `stage` ("page:" + its kind, `cache.STAGES`)."""
        return stable_hash(stage_key(stage), self.archive_key, *parts)

    def list_key(self, directives: list[Directive], *parts: str, stage: str = "page:listing") -> str:
        """Key of a page that lists `directives` (their metadata and status, not their text)."""
        # The status badge is in force as of the build date: its key, not the date, is hashed.
        return stable_hash(stage_key(stage), self._shared_key, *parts,
                           *(f"{d.url}\0{d.front_stamp}\0{d.effective_status}" for d in directives))

    def _add(self, spec: PageSpec) -> None:
        self.pages[spec.src_uri] = spec

    def _add_directive(self, d: Directive) -> None:
        def render() -> tuple[str, list[dict[str, Any]]]:
            rendered = self.renderer.directive(d)
            return rendered.html, rendered.toc_tokens

        # `effective_status`: the status in force on the build date, which the page shows.
        data_key = stable_hash(self._data_key, d.stamp, d.effective_status or "", *self._related_stamps(d))
        self._add(PageSpec(f"{d.url}index.md", d.url, d.title, d.subject, "directive", False, render, d,
                           key=stable_hash(stage_key("page:directive"), data_key), data_key=data_key))

    def _related_stamps(self, d: Directive) -> list[str]:
        """What a directive page shows of other directives: the ones it names and the ones naming it.

        A reference depends on every candidate of its number (a second candidate makes it ambiguous),
        so the candidates' metadata is part of the page's key; the directives naming this one add
        their whole text (a citation in a body makes a "cited by" entry here).
        """
        parts = []
        for ref in _references(d, self.archive):
            parts.append("→")
            # A linked directive's badge shows its status, which other directives' relations may set.
            parts.extend(f"{c.url}\0{c.front_stamp}\0{c.effective_status}" for c in self.archive.find(ref.number, _ref_year(ref)))
        for other in self._referrers.get(id(d), ()):
            parts.append(f"←{other.url}\0{other.stamp}\0{other.effective_status}")
        return parts

    def _add_listing_page(self, page: ListingPage) -> None:
        title = page.listing.title + (f" (trang {page.number})" if page.number > 1 else "")
        description = f"Danh sách {len(page.listing.directives)} văn bản: {page.listing.title}."
        in_nav = page.listing.kind == "all" and page.number == 1
        # A listing page shows its own items and the listing's size: it changes only with them.
        key = self.list_key(page.items, page.src_uri, str(page.count), str(len(page.listing.directives)))
        self._add(PageSpec(page.src_uri, page.url, title, description, "listing", in_nav,
                           lambda: (self.renderer.listing_page(page), []), key=key, listing=page.listing))

    def _add_index(self, index: GroupIndex) -> None:
        self._add(PageSpec(index.src_uri, index.url, index.title, index.title, "index", True,
                           lambda: (self.renderer.group_index(index), []), key=self.key_for(index.src_uri, stage="page:index")))

    def reuse(self, previous: dict[str, tuple[str, Rendered]]) -> None:
        """Take the HTML of pages whose key is unchanged from a previous plan (`mkdocs serve`)."""
        for uri, spec in self.pages.items():
            old = previous.get(uri)
            if old is not None and spec.key and old[0] == spec.key:
                spec.rendered = old[1]

    def release(self, keep: Callable[[PageSpec], bool]) -> None:
        """Let go of the HTML of every page but those `keep` accepts (asked again, a page is
        rendered again, or read from the render cache by the next build)."""
        for spec in self.pages.values():
            if not keep(spec):
                spec.rendered = None

    def rendered_pages(self) -> dict[str, tuple[str, Rendered]]:
        """{src_uri: (key, html)} of the pages rendered so far, for the next plan's `reuse`."""
        return {uri: (s.key, s.rendered) for uri, s in self.pages.items() if s.key and s.rendered is not None}

    def prerender(self, workers: int | None = None, only: Callable[[PageSpec], bool] | None = None) -> None:
        """Render every page now (directives, listings, indexes), or those `only` accepts, on all
        cores when the archive is large enough to gain; the adapter then only wraps them in the
        theme. A page whose key an earlier build rendered is read from the render cache (the key
        hashes all of its inputs)."""
        cache = self.renderer.cache
        specs = [s for s in self.pages.values() if only is None or only(s)]
        specs = self.fetch(specs)
        workers = workers or worker_count()

        def render(uris: list[str]) -> list[tuple[str, Rendered]]:
            done = [(uri, Rendered.pack(*self.pages[uri].render())) for uri in uris]
            cache.flush()  # the bodies rendered here (a forked worker's queue ends with it)
            return done

        uris = [s.src_uri for s in specs]
        if workers < 2 or len(specs) < PARALLEL_THRESHOLD or not can_fork():
            results = render(uris)
        else:
            results = fork_map(render, uris, workers)
        for uri, rendered in results:
            self.pages[uri].rendered = rendered
        self.store(specs)

    def fetch(self, specs: list[PageSpec]) -> list[PageSpec]:
        """Give `specs` the HTML stored in the render cache under their key (by an earlier build,
        or another worker of this one); returns those still to render, for `store` once rendered."""
        by_key = {s.key: s for s in specs if s.rendered is None and s.key}
        for key, data in self.renderer.cache.iter_many(PAGE_CACHE, list(by_key)):
            by_key[key].rendered = Rendered.from_bytes(data)
        return [s for s in specs if s.rendered is None]

    def store(self, specs: list[PageSpec]) -> None:
        """Keep the rendered HTML of `specs` in the render cache, by page key (under the code of
        their kind's stage, for `RenderCache.prune`)."""
        by_stage: dict[str, list[PageSpec]] = {}
        for s in specs:
            if s.key and s.rendered:
                by_stage.setdefault(f"page:{s.kind}", []).append(s)
        for stage, group in by_stage.items():
            self.renderer.cache.put_many(PAGE_CACHE, ((s.key, s.rendered.to_bytes()) for s in group), stage)

    def attachments(self) -> list[AttachmentFile]:
        return [
            AttachmentFile(f"{d.url}{a.path}", a.source)
            for d in self.archive.directives for a in d.attachments if a.path and a.source
        ]

    def home_html(self, base: str = "") -> str:
        return self.renderer.home(self.listings, base)


def _references(d: Directive, archive: Archive) -> list:
    """Every reference to another directive that the directive's page resolves (each has `number`
    and `year`): attachments, relations, and the citations of its body and attachment titles."""
    return ([a.directive for a in d.attachments if a.directive is not None] + list(d.relations)
            + archive.links.citations(d))


def _ref_year(ref) -> int | None:
    return ref.year if ref.year is not None else ref.number.year


def archive_key(archive: Archive, site_name: str = "", site_url: str = "") -> str:
    """Hash of what every page may show of other directives: their metadata, not their bodies.

    Editing a directive's text changes only its own page; editing its front matter (number,
    subject, date…) can change links, listings and indexes anywhere, so it changes this key. No
    code is in it: whoever makes something of it adds their stage's code key (`cache.STAGES`).
    """
    return stable_hash(registries_stamp(archive), site_name, site_url,
                 *(f"{d.url}\0{d.front_stamp}\0{d.effective_status}" for d in archive.directives))


def registries_stamp(archive: Archive) -> str:
    """Hash of the registry files' bytes (a registry edit changes what every page may show)."""
    parts = []
    for path in archive.registries.files:
        try:
            parts.append(path.read_bytes().hex())
        except OSError:
            parts.append("")
    return stable_hash(*parts)


def stable_hash(*parts: str) -> str:
    """SHA-1 of the parts, each ended by NUL: the keys of pages and outputs."""
    h = hashlib.sha1()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


PARALLEL_THRESHOLD = 300

PAGE_CACHE = "pages"
"""Render-cache folder of whole generated pages (`Rendered.to_bytes`) by page key."""
"""Below this many directives, starting worker processes costs more than it saves."""
