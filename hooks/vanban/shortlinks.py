"""Short links `/so/{number-slug}`: a journalist types a document number and lands on its page.

`/so/1562-ubnd-kt` answers with a redirect to the permalink; the leading-zero-free form
(`/so/2-kh-ubnd` for 02/KH-UBND) works too. Numbers restart every year, so one short link may name
several directives: it then leads to a small page listing them. The web server answers the single
case with an HTTP 301 (see `webserver.py`); for hosts without a server config the build also writes
a redirect page that keeps the `#anchor`.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from .archive import Archive
from .model import Directive
from .render import relative_url
from .site import PageSpec, SitePlan
from .text import slugify

__all__ = ["PREFIX", "ShortLink", "short_links", "redirect_stub", "ambiguity_pages"]

PREFIX = "so/"
"""Site-relative folder of the short links ("số" = number)."""


@dataclass(slots=True)
class ShortLink:
    slug: str
    directives: list[Directive]
    """Newest first; one for an unambiguous number."""

    @property
    def url(self) -> str:
        """Site-relative URL: "so/1562-ubnd-kt/"."""
        return f"{PREFIX}{self.slug}/"

    @property
    def target(self) -> Directive | None:
        return self.directives[0] if len(self.directives) == 1 else None

    @property
    def numbers(self) -> list[str]:
        """The numbers as printed, each once, in order of appearance."""
        return list(dict.fromkeys(d.number_display for d in self.directives))


def _slugs(d: Directive) -> list[str]:
    # The printed number ("02-kh-ubnd") and the same without leading zeros ("2-kh-ubnd").
    return list(dict.fromkeys(s for s in (d.number.slug, slugify(d.number.key)) if s))


def short_links(archive: Archive) -> list[ShortLink]:
    """Every short link of the archive, sorted by slug. Unnumbered copies have none."""
    # Several outputs need them (pages, stubs, the nginx map, the manifest): compute once per archive.
    cached = archive.__dict__.get("_short_links")
    if cached is None:
        cached = archive.__dict__["_short_links"] = _short_links(archive)
    return cached


def _short_links(archive: Archive) -> list[ShortLink]:
    groups: dict[str, list[Directive]] = {}
    for d in archive.directives:
        if not d.number.is_numbered:
            continue
        for slug in _slugs(d):
            groups.setdefault(slug, []).append(d)
    return [ShortLink(slug, groups[slug]) for slug in sorted(groups)]


_STUB = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="canonical" href="{canonical}">
<meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="0; url={target}">
</head>
<body>
<p>Văn bản số {number}: <a id="vb-target" href="{target}">{title}</a></p>
<script>location.replace(document.getElementById("vb-target").href+location.search+location.hash)</script>
</body>
</html>
"""


def redirect_stub(link: ShortLink, site_url: str = "") -> str:
    """HTML page that forwards to the one directive of `link`, keeping the query and `#anchor` when JS runs."""
    d = link.target
    if d is None:
        raise ValueError(f"short link {link.slug} names {len(link.directives)} directives")
    target = quote(relative_url(d.url, link.url), safe="/-._~#")
    canonical = (site_url.rstrip("/") + "/" + d.url) if site_url else "/" + d.url
    return _STUB.format(title=escape(d.title), canonical=escape(canonical), target=escape(target),
                        number=escape(d.number_display))


def ambiguity_pages(plan: SitePlan) -> list[PageSpec]:
    """A page at `/so/{slug}/` for every short link that names several directives (computed once
    per plan: the adapter and the manifest both ask)."""
    cached = plan.__dict__.get("_ambiguity_pages")
    if cached is None:
        cached = plan.__dict__["_ambiguity_pages"] = _ambiguity_pages(plan)
    return cached


def _ambiguity_pages(plan: SitePlan) -> list[PageSpec]:
    specs = []
    for link in short_links(plan.archive):
        if link.target is not None:
            continue
        numbers = ", ".join(link.numbers)

        def render(link: ShortLink = link) -> tuple[str, list]:
            html = plan.renderer.env.get_template("short_link.html").render(
                directives=link.directives, numbers=link.numbers, site_path="/",
                link=lambda target, base=link.url: relative_url(target, base),
            )
            return html, []

        specs.append(PageSpec(f"{link.url}index.md", link.url, f"Văn bản số {numbers}",
                              f"Các văn bản mang số ký hiệu {numbers}.", "short-link", False, render,
                              key=plan.list_key(link.directives, link.url, numbers, stage="page:short-link")))
    return specs
