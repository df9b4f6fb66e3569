"""MkDocs adapter for what the web server needs; the logic lives in `vanban.webserver` and friends.

Events used: on_startup (skip the headers under `mkdocs serve`), on_config (a new build), on_nav
(the sections, whose folders get a page leading to their first page),
on_page_content (the date of the last check in the accessibility statement), on_post_page (the
inline code of each page, from its HTML in memory; markup_hooks' later attribute fixes touch no
code) and on_post_build, run last (priority -100) so that every page other hooks write is already
on disk when the Content-Security-Policy is written, each page carries its own policy in a <meta>
(for hosts without the header) and the .gz copies for nginx's gzip_static are made.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from vanban.cache import cache_dir_for
from vanban.csp import PageCode, PagePolicies, inline_code, protect_files, with_csp_meta
from vanban.folderpages import write_folder_pages
from vanban.precompress import precompress
from vanban.statements import CHECK_DATE_MARKER, build_date, fill_check_date
from vanban.webserver import write_headers

log = logging.getLogger("mkdocs.hooks.vanban")

_serving = False
_dirty = False
_pages = PageCode()
_policies = PagePolicies()
_sections: dict[str, tuple[str, str]] = {}
"""Folder → (first page URL, title) of the navigation's sections (`vanban.folderpages`)."""


# ------------------------------------------------------------------------------------------------
# Hooks
# ------------------------------------------------------------------------------------------------

def on_startup(*, command: str, dirty: bool) -> None:
    global _serving, _dirty
    _serving = command == "serve"
    _dirty = dirty


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _pages, _policies
    _pages = PageCode()
    _policies = PagePolicies()
    return config


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if CHECK_DATE_MARKER in html:
        return fill_check_date(html, build_date())
    return html


@event_priority(50)  # before the archive's hook lets go of a generated page's HTML (page.content)
def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    if not _serving:
        # A generated page's frame is Material's, whose inline code changes only with the depth.
        frame = (page.file.generated_by, page.url.count("/")) if page.file.generated_by else None
        # A page whose theme a worker rendered arrives whole as its content: its content is then
        # not known apart (the archive's templates and Markdown without raw HTML write no code).
        content = page.content if page.content != output else ""
        _pages.add(page.file.abs_dest_path, output, content, frame)
        # Its own policy in the page, for hosts that send no header (not in the preview: MkDocs'
        # live-reload script is added as the page is served).
        output = _policies.protect(output, content, frame)
    return output


def reused_page(*, path: str, url: str) -> None:
    """A generated page the archive's hook took whole from the page store (`vanban.pagestore`):
    it was written, protected, by an earlier build, and its content carries no inline code, so
    only its frame's code is read (once per depth)."""
    if not _serving:
        _pages.add(path, lambda: Path(path).read_text(encoding="utf-8"), "", ("stored", url.count("/")))


def on_post_template(output: str, *, template_name: str, config: MkDocsConfig) -> str:
    # The 404 page (Material's theme template): the policy that protects the pages protects it.
    if not _serving and template_name.endswith(".html"):
        return with_csp_meta(output, inline_code(output))
    return output


def worker_state() -> PageCode:
    """The inline code of the pages written in this (forked) process since the last call: the
    archive's hook writes its pages in workers (archive_hooks._write_pages)."""
    global _pages
    state, _pages = _pages, PageCode()
    return state


def merge_worker_state(state: PageCode) -> None:
    _pages.merge(state)


def on_nav(nav, *, config: MkDocsConfig, files: Files):
    global _sections
    _sections = _section_folders(nav)
    return nav


def finish_file(html: str) -> str:
    """A short-link stub as `protect_files` would leave it (`vanban.build.Build.post_build`): written
    final, it is kept in the build cache and hard-linked by the next build, never written into."""
    return html if _serving else with_csp_meta(html, inline_code(html))


@event_priority(-100)
def on_post_build(*, config: MkDocsConfig) -> None:
    # The preview needs no nginx headers, and hashing every page on each rebuild would slow it down.
    # A `build --dirty` writes only some pages: the others are read from disk.
    if not _serving:
        site = Path(config.site_dir)
        write_folder_pages(site, _sections)
        write_headers(site, None if _dirty else _pages)
        # Redirect pages, short-link stubs and folder pages are written after the pages.
        protect_files(site, _pages.paths)
        # Last: every file is final. Copies of unchanged files come from the build cache.
        cache = cache_dir_for(Path(config.config_file_path).parent)
        files, saved = precompress(site, cache_dir=cache, prune=not _dirty)
        log.debug(f"CSP: {_pages.read} of {len(_pages.paths)} pages hashed whole")
        log.debug(f"gzip_static: {files} .gz files, {saved / 1e6:.1f} MB saved")


# ------------------------------------------------------------------------------------------------
# Helper functions
# ------------------------------------------------------------------------------------------------

def _section_folders(nav) -> dict[str, tuple[str, str]]:
    """Folder → (first page URL, title) for each section of the navigation whose pages share a
    folder ("Hướng dẫn" → huong-dan/dang-van-ban/)."""
    found = {}
    stack = list(nav.items)
    while stack:
        item = stack.pop()
        if not getattr(item, "is_section", False):
            continue
        stack.extend(item.children)
        pages = [c for c in item.children if getattr(c, "is_page", False)]
        folders = {p.url.rstrip("/").rpartition("/")[0] for p in pages}
        if pages and len(folders) == 1 and next(iter(folders)):
            found[next(iter(folders)) + "/"] = (pages[0].url, pages[0].title or item.title)
    return found
