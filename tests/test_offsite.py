"""Nothing leaves the site: no page or stylesheet loads a script, style, font or image from another host.

Checked twice: statically, over every built HTML and CSS file (the attributes and `url()`s that make
a browser fetch something), and in Chromium, by recording every request while a page of each kind
loads and runs its scripts. Links a reader may follow to another site (`<a href>`) are allowed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from site_pages import representatives

# tag → attributes whose URL the browser fetches by itself (link: only some rel values, below)
FETCHED = {"script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"), "iframe": ("src",),
           "video": ("src", "poster"), "audio": ("src",), "embed": ("src",), "object": ("data",),
           "input": ("src",), "track": ("src",)}
FETCHED_LINK_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "prefetch", "modulepreload",
                     "manifest", "preconnect", "dns-prefetch", "mask-icon"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


def offsite(url: str) -> bool:
    """True for a URL that names a host: http(s)://…, protocol-relative //…, or another scheme with a host."""
    url = url.strip()
    return bool(urlsplit(url).netloc) or url.startswith("//")


class _Loads(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for attr in FETCHED.get(tag, ()):
            value = a.get(attr) or ""
            self.urls += [part.split()[0] for part in value.split(",") if part.strip()] if "srcset" in attr else [value]
        if tag == "link" and FETCHED_LINK_RELS & set((a.get("rel") or "").lower().split()):
            self.urls.append(a.get("href") or "")
        if a.get("style"):
            self.urls += [m[0] or m[1] for m in CSS_URL.findall(a["style"])]
        self._style = tag == "style"

    def handle_data(self, data):
        if self._style:
            self.urls += [m[0] or m[1] for m in CSS_URL.findall(data)]

    def handle_endtag(self, tag):
        self._style = False


def test_no_built_page_or_stylesheet_loads_from_another_host(sample_site):
    site = sample_site.site
    found = []
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        parser = _Loads()
        parser.feed(page.read_text(encoding="utf-8"))
        found += [f"{page.relative_to(site)}: {u}" for u in parser.urls if u and offsite(u)]
    sheets = sorted(site.rglob("*.css"))
    for sheet in sheets:
        for m in CSS_URL.findall(sheet.read_text(encoding="utf-8")):
            url = m[0] or m[1]
            if offsite(url) and not url.startswith("data:"):
                found.append(f"{sheet.relative_to(site)}: {url}")
    assert len(pages) > 40 and sheets
    assert not found, "\n".join(found)


def test_the_static_check_sees_an_offsite_load():
    parser = _Loads()
    parser.feed('<link rel="stylesheet" href="https://fonts.googleapis.com/css"><a href="https://example.org/">ok</a>'
                '<img src="//cdn.example/x.png" alt=""><div style="background: url(https://x.example/a.png)"></div>')
    assert [u for u in parser.urls if offsite(u)] == [
        "https://fonts.googleapis.com/css", "//cdn.example/x.png", "https://x.example/a.png"]


@pytest.mark.browser
@pytest.mark.parametrize("which", ["sample", "synthetic"])
def test_the_browser_requests_nothing_from_another_host(browser, which, request):
    built = request.getfixturevalue(f"{which}_site")
    base = request.getfixturevalue(f"served_{which}")
    own = urlsplit(base).netloc
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    try:
        for url in representatives(built.site).values():
            page.goto(urljoin(base, url), wait_until="networkidle")
    finally:
        context.close()
    assert len(requests) > len(representatives(built.site))  # pages and their CSS/JS were seen
    elsewhere = sorted({u for u in requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                        and urlsplit(u).netloc != own})
    assert not elsewhere, elsewhere
