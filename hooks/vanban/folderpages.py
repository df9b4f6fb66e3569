"""A page for every folder address of the site that has none (`/so/`, `/huong-dan/`, `/gioi-thieu/`,
`/van-ban/khong-ro-nam/`).

Such an address answered nginx's English 403 page (and the static hosts' English 404). Each now has
a small Vietnamese page that leads to the right place: a section of the navigation to its first
page, the short links' folder to the search page, any other folder to the nearest folder above it
that has a page. Folders of files rather than pages (assets, the search index) get the site's 404
page from nginx instead (deploy/nginx.conf).
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

__all__ = ["folder_targets", "write_folder_pages", "SKIPPED", "FOLDER_PAGE", "FOLDER_PAGE_MARK"]

SKIPPED = ("assets", "pagefind", "_nginx", "_manifest", "search")
"""Top-level folders of files, not pages."""
FIXED = {"so/": ("tim-kiem/", "Tìm kiếm văn bản theo số ký hiệu")}
"""The short links' folder: a number is looked up on the search page."""

FOLDER_PAGE_MARK = "Địa chỉ này không có trang riêng"
"""The sentence every folder page carries (it names no published address of its own)."""

FOLDER_PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="0; url={target}">
</head>
<body>
<p>{mark}. Mời xem: <a href="{target}">{title}</a>.</p>
</body>
</html>
"""


def folder_targets(site_dir: Path, sections: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """Folder ("huong-dan/") → (site-relative target URL, its title) for every folder without an
    index.html. `sections`: the navigation's sections by folder → (first page URL, title)."""
    targets = {}
    for folder, dirs, names in os.walk(site_dir):
        rel = Path(folder).relative_to(site_dir).as_posix()
        if rel == ".":
            dirs[:] = [d for d in dirs if d not in SKIPPED and not d.startswith(".")]
            continue
        if "index.html" in names:
            continue
        url = rel + "/"
        if url in FIXED:
            targets[url] = FIXED[url]
        elif url in sections:
            targets[url] = sections[url]
        else:
            targets[url] = _nearest_page(site_dir, url)
    return targets


def _nearest_page(site_dir: Path, url: str) -> tuple[str, str]:
    parts = url.strip("/").split("/")
    while parts:
        parts.pop()
        above = "/".join(parts) + "/" if parts else ""
        if (site_dir / above / "index.html").is_file():
            return above, "Trang chủ" if not above else f"/{above}"
    return "", "Trang chủ"


def write_folder_pages(site_dir: Path, sections: dict[str, tuple[str, str]]) -> list[str]:
    """Write the page of every folder without one; returns their folders."""
    targets = folder_targets(site_dir, sections)
    for url, (target, title) in targets.items():
        depth = url.count("/")
        relative = "../" * depth + target
        (site_dir / url / "index.html").write_text(
            FOLDER_PAGE.format(title=escape(title), target=escape(relative or "./"), mark=FOLDER_PAGE_MARK), encoding="utf-8")
    return sorted(targets)
