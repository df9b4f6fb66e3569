"""The sitemap: every public page and the date it last changed, as search engines read it.

The archive writes it itself (MkDocs' own lists only the pages MkDocs builds, and the archive builds
its directive and listing pages without MkDocs' page machinery). The sitemap protocol allows 50 000
URLs per file: a larger site gets `sitemap.xml` as an index of `sitemap-1.xml`, `sitemap-2.xml`…
"""

from __future__ import annotations

import gzip
import io
from html import escape
from typing import Iterable

__all__ = ["SITEMAP_LIMIT", "sitemap_files", "gzipped"]

SITEMAP_LIMIT = 50_000
"""URLs per sitemap file (sitemaps.org protocol)."""

_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap_files(entries: Iterable[tuple[str, str | None]], base: str = "/",
                  limit: int = SITEMAP_LIMIT) -> dict[str, str]:
    """{file name: XML} for `(url, lastmod or None)` entries; `base` prefixes the part files in an index."""
    entries = list(entries)
    if len(entries) <= limit:
        return {"sitemap.xml": _urlset(entries)}
    parts = {f"sitemap-{n + 1}.xml": _urlset(entries[start:start + limit])
             for n, start in enumerate(range(0, len(entries), limit))}
    index = "".join(f"\n    <sitemap><loc>{escape(base + name)}</loc></sitemap>" for name in parts)
    return {"sitemap.xml": f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{_NS}">{index}\n</sitemapindex>\n',
            **parts}


def _urlset(entries: list[tuple[str, str | None]]) -> str:
    urls = "".join(
        f"\n    <url>\n         <loc>{escape(url)}</loc>"
        + (f"\n         <lastmod>{escape(lastmod)}</lastmod>" if lastmod else "")
        + "\n    </url>"
        for url, lastmod in entries
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{_NS}">{urls}\n</urlset>\n'


def gzipped(text: str, name: str, mtime: int) -> bytes:
    """The gzip of `text` with a fixed time stamp, so that equal sitemaps give equal bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, filename=name, mode="wb", mtime=mtime) as gz:
        gz.write(text.encode("utf-8"))
    return buffer.getvalue()
