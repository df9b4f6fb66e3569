"""Redirect pages for `aliases`: old permalinks keep working on any static host."""

from __future__ import annotations

from html import escape

from .archive import Archive
from .render import relative_url

__all__ = ["redirect_pages"]

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
