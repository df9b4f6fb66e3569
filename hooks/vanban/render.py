"""HTML for the archive's own parts of a page: directive pages, listings, index pages, home.

Templates live in `templates/` and are rendered with autoescaping on, so every string from front
matter is escaped wherever it lands. The body Markdown is rendered with raw HTML disabled (a
directive is a document, not a web page) and links other than web, mail and telephone addresses
shown as text (`linksafety`). Citations of archive
directives in the body become links (never inside code, links or headings); the cache key of a body
includes where those links point, so a cached body never outlives a change of its targets.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor, Treeprocessor

from .anchors import PinpointExtension
from .archive import Archive
from .bodies import BodyTooSlow, body_seconds, time_budget, too_slow_problem
from .cache import RenderCache
from .cite import citation
from .citations import find_citations
from .diagram import relation_diagram
from .linksafety import is_safe_url
from .listings import WITHDRAWN_URL, GroupIndex, Listing, ListingPage, feed_path
from .model import RELATIONS, STATUSES, Directive
from .statements import is_signed_copy
from .text import display_subject, slugify

__all__ = ["Renderer", "RenderedDirective", "relative_url", "format_size"]

TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class RenderedDirective:
    html: str
    toc_tokens: list[dict[str, Any]]


def relative_url(target: str, base: str) -> str:
    """Link from the page at site-relative URL `base` ("van-ban/2023/x/") to `target` ("loai/kh/")."""
    if target.startswith(("http://", "https://", "#", "mailto:")):
        return target
    base_dir = base if base.endswith("/") else posixpath.dirname(base) + "/"
    anchor = ""
    if "#" in target:
        target, anchor = target.split("#", 1)
        anchor = "#" + anchor
    rel = _relpath(target, base_dir)
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    if rel == "./":
        rel = "./"
    return rel + anchor


def _relpath(target: str, base_dir: str) -> str:
    """`posixpath.relpath("/" + target, "/" + base_dir)`, without its normalisation when both are
    already plain paths (a directive page links ~16 times; relpath was a tenth of its rendering)."""
    if "." in target or "." in base_dir or "//" in target or "//" in base_dir:
        return posixpath.relpath("/" + target, "/" + base_dir)
    to = [p for p in target.split("/") if p]
    start = [p for p in base_dir.split("/") if p]
    common = 0
    for a, b in zip(to, start):
        if a != b:
            break
        common += 1
    parts = [".."] * (len(start) - common) + to[common:]
    return "/".join(parts) if parts else "."


def format_size(size: int | None) -> str:
    """"12 KB", "1,4 MB" (Vietnamese decimal comma)."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


class _SafeLinks(Treeprocessor):
    """Links and images of a body may only point to web pages, mail, telephones, anchors or relative
    paths (`linksafety`): any other link becomes its text, any other image its description. The
    addresses refused in the last conversion are in `refused` (for `vanban check`)."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.refused: list[str] = []

    def run(self, root: etree.Element) -> None:
        self.refused = []
        for el in root.iter():
            for attr in ("href", "src"):
                value = el.get(attr)
                if value is not None and not is_safe_url(value):
                    self.refused.append(value)
                    _as_text(el)


def _as_text(el: etree.Element) -> None:
    # A <span> keeps the link's text and children in place; an image becomes its alt text.
    alt = el.get("alt") if el.tag == "img" else None
    el.attrib.clear()
    el.tag = "span"
    if alt is not None:
        el.text = alt


class _CitationLinks(Treeprocessor):
    """Turns citations of archive directives into links; `targets` is set before each conversion."""

    _SKIP = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.targets: dict[tuple[str, int | None], str] = {}
        """(number key, year) → href relative to the page."""

    def run(self, root: etree.Element) -> None:
        if self.targets:
            self._walk(root)

    def _walk(self, el: etree.Element) -> None:
        if el.tag in self._SKIP:
            return
        if el.text:
            el.text, added = self._split(el.text)
            for i, a in enumerate(added):
                el.insert(i, a)
        for child in list(el):
            self._walk(child)
            if child.tail:
                child.tail, added = self._split(child.tail)
                at = list(el).index(child) + 1
                for i, a in enumerate(added):
                    el.insert(at + i, a)

    def _split(self, text: str) -> tuple[str, list[etree.Element]]:
        # Returns the text before the first link and the links, each carrying what follows it as tail.
        head, links, pos = None, [], 0
        for c in find_citations(text):
            href = self.targets.get((c.number.key, c.year))
            if href is None:
                continue
            before = text[pos:c.start]
            if links:
                links[-1].tail = before
            else:
                head = before
            a = etree.Element("a", {"href": href, "class": "vb-ref"})
            a.text = text[c.start:c.link_end]
            links.append(a)
            pos = c.link_end
        if not links:
            return text, []
        links[-1].tail = text[pos:]
        return head or "", links


class _HeadingLevels(Treeprocessor):
    # The page's h1 is the directive's title: body headings start at h2 and never skip a level,
    # whatever levels the staff wrote ("### 1. …" is common), so the outline stays valid HTML
    # and screen readers list it in order.
    _TAGS = {f"h{n}" for n in range(1, 7)}

    def run(self, root: etree.Element) -> None:
        headings = [el for el in root.iter() if el.tag in self._TAGS]
        if not headings:
            return
        shift = min(int(el.tag[1]) for el in headings) - 2
        previous = 1
        for el in headings:
            level = min(int(el.tag[1]) - shift, previous + 1, 6)
            el.tag = f"h{level}"
            previous = level


_INLINE_TRIGGERS = re.compile(r"[`\\\[<&*_]|  \n")
"""Every character sequence the inline patterns below can start with."""
_KNOWN_INLINE_PATTERNS = {
    "backtick", "escape", "reference", "link", "image_link", "image_reference", "short_reference",
    "short_image_ref", "autolink", "automail", "linebreak", "entity", "em_strong", "not_strong",
}


class _QuickInline(InlineProcessor):
    """Python-Markdown's inline pass tries each of its patterns on every text of the tree, and most
    paragraphs of an official document contain none of the characters those patterns start with:
    such a text is returned as it is (a third of the body's rendering time on the synthetic archive)."""

    _quick = False

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        # Checked per run: an extension registered later may add a pattern with other triggers.
        self._quick = {item.name for item in self.md.inlinePatterns._priority} <= _KNOWN_INLINE_PATTERNS
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802,N803
        if self._quick and _INLINE_TRIGGERS.search(data) is None:
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)  # type: ignore[attr-defined]


class _DocumentExtension(Extension):
    """Raw HTML in a body is shown as text; unsafe link schemes are neutralised; citations link;
    headings nest under the title."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        if hasattr(InlineProcessor, "_InlineProcessor__handleInline"):  # Python-Markdown 3.x
            md.treeprocessors.register(_QuickInline(md), "inline", 20)
        md.treeprocessors.register(_SafeLinks(md), "vanban_safe_links", 1)
        # After the inline patterns (20), so code spans and links already are elements to skip.
        md.treeprocessors.register(_CitationLinks(md), "vanban_citation_links", 15)
        md.treeprocessors.register(_HeadingLevels(md), "vanban_heading_levels", 10)  # before "toc" (5)


def _slugify_heading(value: str, separator: str) -> str:
    return slugify(value) or "muc"


def make_markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["tables", "sane_lists", "toc", _DocumentExtension(), PinpointExtension()],
        # No "[TOC]" marker: the page shows its outline beside the text, and a document that says
        # "[TOC]" keeps it as written. Looking for the marker joined every element's text (~11 % of
        # a body's rendering).
        extension_configs={"toc": {"slugify": _slugify_heading, "toc_depth": "2-4", "marker": ""}},
        output_format="html",
    )


@functools.lru_cache(maxsize=1)
def template_environment() -> jinja2.Environment:
    """The archive's templates, compiled once per process (`mkdocs serve` builds many times; Jinja
    reloads a template whose file changed)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(statuses=STATUSES, relations=RELATIONS, format_size=format_size, feed_path=feed_path,
                       signed=is_signed_copy)
    env.filters["subject"] = display_subject
    return env


class Renderer:
    """Renders archive pages. One instance per build (it holds a Markdown parser and templates)."""

    def __init__(self, archive: Archive, site_name: str = "", cache: RenderCache | None = None,
                 site_url: str = "") -> None:
        self.archive = archive
        self.site_name = site_name
        self.site_url = site_url
        self.cache = cache or RenderCache(None)
        self.md = make_markdown()
        self.env = template_environment()
        self._fetched: dict[int, tuple[dict, str, bytes | None, str]] = {}
        """What `fetch_bodies` read ahead, by directive (its targets, body key, cached body if any,
        else its text), until `directive` takes it."""

    def _link(self, base: str):
        return lambda target: relative_url(target, base)

    def _body_key(self, text: str, targets: dict[tuple[str, int | None], str]) -> str:
        return self.cache.key("body", text, json.dumps(sorted((k, y or 0, h) for (k, y), h in targets.items()),
                                                       ensure_ascii=False))

    def _targets(self, d: Directive) -> dict[tuple[str, int | None], str]:
        """(number key, year) → href of each citation of its body that the archive resolves."""
        return {k: relative_url(t.url, d.url) for k, t in self.archive.links.link_targets(d).items()}

    def fetch_bodies(self, directives: list[Directive]) -> None:
        """Read the cached bodies of `directives` in one query, for `directive` to take (one query
        a page took ~0.1 ms, 1.1 CPU-s of a 10 000-page upgrade)."""
        ahead: dict[int, tuple[dict, str, str]] = {}
        for d in directives:
            if d.body_packed:
                text, targets = d.body, self._targets(d)
                ahead[id(d)] = (targets, self._body_key(text, targets), text)
        found = self.cache.get_many("body", [key for _, key, _ in ahead.values()])
        # What an earlier batch read and no page took is let go; the text is kept for a body to
        # render (not unpacked twice), not for one found.
        self._fetched = {ident: (targets, key, found.get(key), "" if key in found else text)
                         for ident, (targets, key, text) in ahead.items()}

    def body_html(self, text: str, targets: dict[tuple[str, int | None], str] | None = None) -> tuple[str, list[dict[str, Any]]]:
        """The body's HTML and table of contents, from the cache when this text was rendered before
        with the same citation targets ((number key, year) → href)."""
        targets = targets or {}
        key = self._body_key(text, targets)
        cached = self.cache.get(key)
        if cached is not None:
            return cached[0], cached[1]
        return self._render_body(text, targets, key)

    def _render_body(self, text: str, targets: dict[tuple[str, int | None], str], key: str) -> tuple[str, list[dict[str, Any]]]:
        self.md.reset()
        self.md.treeprocessors["vanban_citation_links"].targets = targets
        with time_budget(body_seconds()):  # TimeoutError past it (`bodies`)
            html = self.md.convert(text)
        toc = getattr(self.md, "toc_tokens", [])
        self.cache.put(key, [html, toc])
        return html, toc

    def directive(self, d: Directive) -> RenderedDirective:
        links = self.archive.links
        targets, key, found, text = self._fetched.pop(id(d), None) or (self._targets(d), "", None, "")
        try:
            if found is not None:
                body, toc = json.loads(found)
            elif key:  # read ahead, and not in the cache
                body, toc = self._render_body(text, targets, key)
            else:
                body, toc = self.body_html(d.body, targets) if d.body_packed else ("", [])
        except TimeoutError:
            raise BodyTooSlow(too_slow_problem(d.rel_path, d.body_line, body_seconds()).format()) from None
        html = self.env.get_template("directive.html").render(
            d=d, body=body, link=self._link(d.url), archive=self.archive, date_line=_date_line(d),
            cite=citation(d, self.site_url), toc=toc,
            links=links, diagram=relation_diagram(d, links),
        )
        return RenderedDirective(html, toc)

    def listing_page(self, page: ListingPage) -> str:
        withdrawn_url = WITHDRAWN_URL if self.archive.withdrawn else None
        return self.env.get_template("listing.html").render(page=page, listing=page.listing, link=self._link(page.url),
                                                            withdrawn_url=withdrawn_url)

    def group_index(self, index: GroupIndex) -> str:
        return self.env.get_template("group_index.html").render(index=index, link=self._link(index.url))

    def stats(self, charts: list, url: str) -> str:
        """The "Thống kê" page (charts from `stats.build_charts`)."""
        return self.env.get_template("stats.html").render(charts=charts, total=len(self.archive.listed), link=self._link(url))

    def home(self, listings: list[Listing], base: str = "") -> str:
        by_kind: dict[str, list[Listing]] = {}
        for lst in listings:
            by_kind.setdefault(lst.kind, []).append(lst)
        return self.env.get_template("home.html").render(
            archive=self.archive, latest=self.archive.listed[:10], by_kind=by_kind, link=self._link(base),
        )


def _date_line(d: Directive) -> str:
    """The paper's date line, blanks kept: "Lạng Sơn, ngày      tháng      năm 2023"."""
    place = d.issuer.place
    if d.date is None:
        text = "ngày      tháng      năm"
    else:
        day = f"{d.date.day:02d}" if d.date.day else "     "
        month = f"{d.date.month:02d}" if d.date.month else "     "
        text = f"ngày {day} tháng {month} năm {d.date.year}"
    return f"{place}, {text}" if place else text
