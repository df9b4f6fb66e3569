"""Redirect pages for `aliases`: old permalinks keep working on any static host.

A directory alias (`/van-ban/2024/qd-15-stttt/`) also had files under it: the directive's
attachments (and its JSON, which `opendata.py` writes there). A redirect page cannot forward those,
so they are copied to the old place too (`alias_copies`): a link to the old PDF keeps working on any
host.
"""

from __future__ import annotations

from html import escape

from .archive import Archive
from .render import relative_url

__all__ = ["redirect_pages", "alias_copies"]

_PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>Văn bản đã chuyển địa chỉ</title>
<link rel="canonical" href="{canonical}">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={target}">
</head>
<body>
<p>Văn bản này đã chuyển sang địa chỉ mới: <a href="{target}">{title}</a>.</p>
</body>
</html>
"""


def redirect_pages(archive: Archive, site_url: str = "") -> dict[str, str]:
    """Site-relative output path → HTML of the redirect page, for every alias of every directive."""
    pages = {}
    for d in archive.directives:
        for alias in d.aliases:
            path = alias + "index.html" if alias.endswith("/") else alias
            target = relative_url(d.url, alias if alias.endswith("/") else alias)
            canonical = (site_url.rstrip("/") + "/" + d.url) if site_url else "/" + d.url
            pages[path] = _PAGE.format(canonical=escape(canonical), target=escape(target), title=escape(d.title))
    return pages


def alias_copies(archive: Archive) -> list[tuple[str, str]]:
    """(site-relative source, site-relative copy) of the attachments each directory alias used to hold."""
    copies = []
    for d in archive.directives:
        for alias in d.aliases:
            if not alias.endswith("/"):
                continue
            old = alias.lstrip("/")
            copies += [(d.url + a.path, old + a.path) for a in d.attachments if a.path and a.source]
    return copies
