"""The pages of a built site, grouped into kinds, for the quality gates.

A page's kind is its URL shape: the first path segment kept, the pagination segment "trang" kept,
every other segment replaced by "*" ("van-ban/2023/02-kh-ubnd/" → "van-ban/*/*",
"loai/ke-hoach/trang/2/" → "loai/*/trang/*"). Redirect stubs are a kind of their own. New sections
of the site (a search page, open data…) are new kinds without any change here.
"""

from __future__ import annotations

import re
from pathlib import Path

REDIRECT = re.compile(r'<meta\s+http-equiv="refresh"', re.I)
KEPT_SEGMENTS = {"trang"}


def page_url(site: Path, html_file: Path) -> str:
    """Site-relative URL of a built file: "" for the home page, "loai/" or "404.html"."""
    rel = html_file.relative_to(site).as_posix()
    if rel == "index.html":
        return ""
    return rel[: -len("index.html")] if rel.endswith("/index.html") else rel


def is_redirect(html: str) -> bool:
    return bool(REDIRECT.search(html[:4000]))


def kind_of(url: str, html: str) -> str:
    if url == "":
        return "home"
    parts = [p for p in url.split("/") if p]
    shape = "/".join([parts[0]] + [p if p in KEPT_SEGMENTS else "*" for p in parts[1:]])
    return ("redirect " if is_redirect(html) else "") + shape


def page_kinds(site: Path) -> dict[str, list[str]]:
    """Kind → URLs of that kind, sorted (the first is the kind's representative)."""
    kinds: dict[str, list[str]] = {}
    for html_file in sorted(site.rglob("*.html")):
        url = page_url(site, html_file)
        kinds.setdefault(kind_of(url, html_file.read_text(encoding="utf-8")), []).append(url)
    return {k: sorted(v) for k, v in sorted(kinds.items())}


def representatives(site: Path, include_redirects: bool = False) -> dict[str, str]:
    """One URL per kind: the one with the largest file, so the richest page of its kind."""
    chosen = {}
    for kind, urls in page_kinds(site).items():
        if kind.startswith("redirect ") and not include_redirects:
            continue
        chosen[kind] = max(urls, key=lambda u: (_file(site, u).stat().st_size, u))
    return chosen


def _file(site: Path, url: str) -> Path:
    return site / url if url.endswith(".html") else site / url / "index.html"


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))
