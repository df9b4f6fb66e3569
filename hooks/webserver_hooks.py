"""MkDocs adapter for what the web server needs; the logic lives in `vanban.webserver` and friends.

Events used: on_startup (skip the headers under `mkdocs serve`), on_page_content (the date of the last check in the accessibility statement) and
on_post_build, run last (priority -100) so that every page other hooks write is already on disk
when the inline code is hashed for the Content-Security-Policy.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from vanban.statements import CHECK_DATE_MARKER, build_date, fill_check_date
from vanban.webserver import write_headers


# ------------------------------------------------------------------------------------------------
# Hooks
# ------------------------------------------------------------------------------------------------

def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if CHECK_DATE_MARKER in html:
        return fill_check_date(html, build_date())
    return html


_serving = False


def on_startup(*, command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


@event_priority(-100)
def on_post_build(*, config: MkDocsConfig) -> None:
    # The preview needs no nginx headers, and hashing every page on each rebuild would slow it down.
    if not _serving:
        write_headers(Path(config.site_dir))
