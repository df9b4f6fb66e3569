"""No broken link: every internal link, anchor, attachment and redirect of a built site resolves.

A crawler on the standard library's HTML parser reads every HTML file of the built site (the
sample archive, and a synthetic archive of a few hundred directives), resolves each href/src
against the page's URL as a browser would, and checks that the target file exists and, for
`#fragment`, that the target page has that id. Redirect pages (meta refresh), the sitemap and
links written with the site's own domain are checked the same way. From the home page, every
directive page must be reachable by following links.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import deque
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest
import yaml

from conftest import ROOT
from site_pages import html_files, page_url

SITE_URL = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\ntheme:")[0])["site_url"]
BASE = "http://site.test/"  # pages are resolved as if served here; the site's own domain maps to it
LINK_ATTRS = {"a": "href", "link": "href", "area": "href", "script": "src", "img": "src", "source": "src",
              "iframe": "src", "video": "src", "audio": "src", "embed": "src", "object": "data", "form": "action"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.ids.add(a[key])  # type: ignore[arg-type]
        attr = LINK_ATTRS.get(tag)
        if attr and a.get(attr):
            self.links.append((tag, a[attr]))  # type: ignore[arg-type]
        if tag == "img" and a.get("srcset"):
            self.links += [("img", part.split()[0]) for part in a["srcset"].split(",") if part.strip()]  # type: ignore[union-attr]
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            match = re.search(r"url=(.+)$", a.get("content") or "", re.I)
            if match:
                self.links.append(("meta refresh", match.group(1).strip().strip("'\"")))


class Site:
    """A built site read from disk, addressed by URL."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def file_for(self, url: str) -> Path | None:
        """The file a server would send for this site URL, or None (404)."""
        path = unquote(urlsplit(url).path)
        if not path.startswith("/"):
            return None
        target = self.root / path.lstrip("/")
        if path.endswith("/"):
            target = target / "index.html"
        elif target.is_dir():
            target = target / "index.html"
        try:
            target.resolve().relative_to(self.root.resolve())
        except ValueError:
            return None
        return target if target.is_file() else None

    @lru_cache(maxsize=None)
    def parsed(self, file: Path) -> _Page:
        page = _Page()
        page.feed(file.read_text(encoding="utf-8"))
        return page

    def url_of(self, file: Path) -> str:
        return BASE + page_url(self.root, file)

    def internal(self, url: str) -> str | None:
        """The URL on BASE if it points into this site, else None."""
        if url.startswith(SITE_URL):
            url = BASE + url[len(SITE_URL):]
        return url if url.startswith(BASE) else None

    def broken_links(self) -> list[str]:
        problems = []
        for file in html_files(self.root):
            here = self.url_of(file)
            for tag, raw in self.parsed(file).links:
                if raw.startswith(("mailto:", "tel:")) or raw.startswith("javascript:") and raw == "javascript:void(0)":
                    continue
                url, fragment = urldefrag(urljoin(here, raw))
                url = self.internal(url)
                if url is None:
                    continue  # another host: not fetched here (the no-other-host gate covers loads)
                target = self.file_for(url)
                where = f"/{page_url(self.root, file)} <{tag}> {raw!r}"
                if target is None:
                    problems.append(f"{where}: no such file")
                elif fragment and target.suffix == ".html" and unquote(fragment) not in self.parsed(target).ids:
                    problems.append(f"{where}: no element with id {fragment!r}")
        return problems

    def reachable_from_home(self) -> set[Path]:
        seen = {self.root / "index.html"}
        queue = deque(seen)
        while queue:
            file = queue.popleft()
            for _, raw in self.parsed(file).links:
                url = self.internal(urldefrag(urljoin(self.url_of(file), raw))[0])
                target = self.file_for(url) if url else None
                if target is not None and target.suffix == ".html" and target not in seen:
                    seen.add(target)
                    queue.append(target)
        return seen

    def sitemap_problems(self) -> list[str]:
        sitemap = self.root / "sitemap.xml"
        if not sitemap.exists():
            return []
        locs = [el.text or "" for el in ET.parse(sitemap).iter() if el.tag.endswith("loc")]
        return [f"sitemap: {loc}" for loc in locs if not (self.internal(loc) and self.file_for(self.internal(loc)))]


def directive_pages(site: Path) -> set[Path]:
    return {f for f in site.glob("van-ban/*/*/index.html") if 'class="vb-directive"' in f.read_text(encoding="utf-8")}


@pytest.mark.parametrize("which", ["sample_site", "synthetic_site"])
def test_no_broken_internal_link_anchor_or_attachment(which, request):
    built = request.getfixturevalue(which)
    site = Site(built.site)
    problems = site.broken_links() + site.sitemap_problems()
    assert not problems, f"{len(problems)} broken links:\n" + "\n".join(problems[:80])


@pytest.mark.parametrize("which", ["sample_site", "synthetic_site"])
def test_every_directive_is_reachable_from_the_home_page(which, request):
    built = request.getfixturevalue(which)
    directives = directive_pages(built.site)
    assert len(directives) >= 13
    orphans = directives - Site(built.site).reachable_from_home()
    assert not orphans, sorted(str(p.relative_to(built.site)) for p in orphans)[:20]


def test_attachments_and_anchors_are_checked(sample_site):
    # The crawler sees the sample's attachment links and in-page anchors, so their checks ran.
    site = Site(sample_site.site)
    page = sample_site.site / "van-ban/2024/15-qd-stttt/index.html"
    links = [raw for _, raw in site.parsed(page).links]
    assert "15-qd-stttt-ban-ky-so.pdf" in links
    assert any(raw.startswith("#") for f in html_files(sample_site.site) for _, raw in site.parsed(f).links)


def test_the_crawler_finds_a_broken_link(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="a/">ok</a> <a href="b/">gone</a> <a href="a/#x">no anchor</a>'
                                         '<img src="a/missing.png" alt="">', encoding="utf-8")
    (tmp_path / "a/index.html").write_text('<h1 id="y">a</h1><a href="../#top">up</a>', encoding="utf-8")
    problems = Site(tmp_path).broken_links()
    assert [p.split(":")[0] for p in problems] == ["/a/ <a> '../#top'", "/ <a> 'b/'", "/ <a> 'a/#x'",
                                                   "/ <img> 'a/missing.png'"]

