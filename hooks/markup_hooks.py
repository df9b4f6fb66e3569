"""MkDocs adapter: corrects Material's invalid attributes on every written page (`vanban.markup`).

Events used: on_post_page (pages) and on_post_template (static templates such as 404.html).
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from vanban.markup import fix_material_markup


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    return fix_material_markup(output)


def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    return fix_material_markup(output_content)
