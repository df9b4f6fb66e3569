"""MkDocs adapter: turns `directives/` into pages. A build's state and steps are `vanban.build.Build`,
one object for the life of this module, which `mkdocs serve` keeps between rebuilds (what survives a
rebuild is `Build.kept`). What stays here needs MkDocs' types: files, pages, tables of contents and
the theme's template. The generated pages outside the navigation are written in on_env (`_write_pages`);
a generated page holds its HTML only while its template renders (on_page_context to on_post_page).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from vanban.build import ArchiveHasErrors, Build, Site, write_page
from vanban.cache import stage_key
from vanban.csp import may_carry_code
from vanban.markup import fix_material_markup
from vanban.pagestore import frame_key
from vanban.preview import with_banner
from vanban.project import directives_dir_for
from vanban.shell import ShellBook, placeholder, shape

_build = Build(code_root=Path(__file__).resolve().parent.parent)


# ------------------------------------------------------------------------------------------------
# Hooks
# ------------------------------------------------------------------------------------------------

def on_startup(*, command: str, dirty: bool) -> None:
    _build.startup(command, dirty)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    _build.start()
    return config


def on_serve(server, *, config: MkDocsConfig, builder):
    # `watch: [directives]` in mkdocs.yml covers the project; VANBAN_DIRECTIVES may name another folder.
    if (folder := directives_dir_for(Path(config.config_file_path).parent)).is_dir():
        server.watch(str(folder))
    # The problems banner goes into each page as it is served, beside the live-reload script.
    inject = server._inject_js_into_html
    server._inject_js_into_html = lambda content, epoch: inject(with_banner(content, _build.banner()), epoch)
    return server


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    plan = _build.load(_site(config))
    if _build.dirty and _build.archive_changed():
        # Hand-written pages may show the archive (the home page's latest directives).
        for file in files.documentation_pages():
            file.is_modified = lambda: True  # type: ignore[method-assign]
    for spec in plan.pages.values():
        if not spec.in_nav:
            # Written by the archive itself (on_env): MkDocs' per-page work, repeated for 13 000
            # pages on every preview rebuild, is kept for the pages of the navigation.
            _replace(files, spec.src_uri)
            continue
        file = File.generated(config, spec.src_uri, content="", inclusion=InclusionLevel.INCLUDED)
        if _build.unchanged_since_previous(spec):
            file.is_modified = lambda: False  # type: ignore[method-assign]
        _replace(files, spec.src_uri, file)
    for attachment in plan.attachments():
        _replace(files, attachment.dest_uri, File.generated(config, attachment.dest_uri, abs_src_path=str(attachment.source)))
    return files


def on_pre_page(page: Page, *, config: MkDocsConfig, files: Files) -> Page:
    spec = _build.spec(page.file.src_uri)
    if spec is not None:
        # The archive renders its pages itself: skip MkDocs' Markdown pass (a new parser per
        # page), which on a large archive costs as much as rendering the directive.
        page.render = lambda config, files: _release(page)  # type: ignore[method-assign]
        if stamp := _build.lastmod(spec):
            page.update_date = stamp  # the sitemap's lastmod
    return page


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    spec = _build.spec(page.file.src_uri)
    if spec is None:
        return markdown
    page.meta.update(_build.page_meta(spec))
    return ""


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return _build.fill_home(html, page.file.src_uri, page.url)


def on_page_context(context, *, page: Page, config: MkDocsConfig, nav):
    # Material's base.html prints page.meta.vb_head in {% block extrahead %} (docs/overrides/main.html).
    if _build.plan is not None:
        page.meta["vb_head"] = _head(page, config)
        spec = _build.spec(page.file.src_uri)
        if spec is not None:
            _give_html(page, spec)  # held by MkDocs only while its template renders (see _release)
    return context


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    if _build.spec(page.file.src_uri) is not None:
        _release(page)
    return output


def on_nav(nav, *, config: MkDocsConfig, files: Files):
    _build.nav = nav
    return nav


def on_env(env, *, config: MkDocsConfig, files: Files):
    env.globals["vb_nav_cache"] = {}
    # MkDocs makes a new environment per build: Material's compiled templates are kept for the
    # forked page writers and the next build (Jinja checks each template's source before reusing its code).
    frame = _frame_key(config) if _build.nav is not None else ""
    env.bytecode_cache = _build.template_code("theme", frame)
    _write_pages(env, config, files, frame)
    _build.drop_generated_html()
    return env


def on_post_build(*, config: MkDocsConfig) -> None:
    try:
        _build.post_build(lambda: [(f.page.canonical_url or f.page.abs_url or "", f.page.update_date or None)
                                   for f in _build.doc_pages if f.page is not None and not f.page.is_link],
                          _finish_file(config))
    except ArchiveHasErrors as error:
        raise PluginError(str(error)) from None
    finally:
        _build.collections.resume()


def _finish_file(config: MkDocsConfig) -> Callable[[str], str]:
    """What the hooks that define `finish_file(html) -> html` make of an HTML file this project
    writes outside MkDocs' pages (the short-link stubs), in the hooks' order."""
    finishers = [hook.finish_file for hook in config.plugins.values() if hasattr(hook, "finish_file")]

    def finish(html: str) -> str:
        for finisher in finishers:
            html = finisher(html)
        return html
    return finish


def on_build_error(*, error: Exception) -> None:
    _build.collections.resume()


# ------------------------------------------------------------------------------------------------
# Helper functions: MkDocs' files, pages and theme
# ------------------------------------------------------------------------------------------------

def _site(config: MkDocsConfig) -> Site:
    return Site(root=Path(config.config_file_path).parent, name=config.site_name, url=config.site_url or "",
                description=config.site_description or "", copyright=config.copyright or "",
                site_dir=Path(config.site_dir), docs_dir=Path(config.docs_dir), strict=bool(config.strict))


def _write_pages(env, config: MkDocsConfig, files: Files, frame: str) -> None:
    """Write the generated pages outside the navigation with the theme, as MkDocs' `_populate_page`
    and `_build_page` would (why not MkDocs itself, and the workers: `Build.write_pages`)."""
    _build.doc_pages = files.documentation_pages()
    if _build.plan is None or _build.nav is None:
        return
    theme = _Theme(env, config)
    _build.write_pages(_build.pages_to_write(), lambda spec: _finish_page(*theme.output(spec), config),
                       theme.shells, config.plugins, frame=frame)


def _page_for(spec, config: MkDocsConfig) -> Page:
    page = Page(None, File.generated(config, spec.src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV), config)
    page.read_source(config)
    on_page_markdown("", page=page, config=config, files=None)  # type: ignore[arg-type]
    return page


def _render_page(page: Page, template, config: MkDocsConfig) -> str:
    # The steps of mkdocs.commands.build._build_page up to the template.
    page.active = True
    context = get_context(_build.nav, _build.doc_pages, config, page)
    context = config.plugins.on_page_context(context, page=page, config=config, nav=_build.nav)
    output = template.render(context)
    page.active = False
    return output


class _Theme:
    """Material's page template for the generated pages: rendered in full, or filled into the shell
    of the page's shape (`vanban.shell`) once a shell has proved to reproduce the full rendering.
    `VANBAN_PAGE_SHELLS=0` renders every page in full (the tests compare the two)."""

    def __init__(self, env, config: MkDocsConfig) -> None:
        self.config = config
        self.template = env.get_template("main.html")
        self.shells: ShellBook | None = None
        # Only this adapter may change a page's template context: another plugin's on_page_context
        # could print anything per page.
        if os.environ.get("VANBAN_PAGE_SHELLS", "1") != "0" and len(config.plugins.events["page_context"]) == 1:
            # markup_hooks corrects Material's attributes on every page; done once in the shells,
            # its pass over a filled-in page finds nothing to change (1 CPU-s of 10 000 pages' writing).
            self.shells = ShellBook(tidy=fix_material_markup)
            self._toc = env.get_template("partials/toc.html")
            self._lang = env.get_template("partials/language.html").make_module({"config": config})

    def output(self, spec) -> tuple[Page, str]:
        page = _page_for(spec, self.config)
        if self.shells is None:
            return page, _render_page(page, self.template, self.config)
        _give_html(page, spec)
        values = {
            "title": page.meta["title"], "description": page.meta.get("description") or "",
            "head": _head(page, self.config), "content": page.content,
            "toc": self._toc.render(config=self.config, page=page, lang=self._lang),
            "canonical": page.canonical_url or "",
        }
        key = shape(spec.url, page.toc.items[0].url if page.toc.items else "", values)
        return page, self.shells.page(key, values, lambda: _render_page(page, self.template, self.config),
                                      lambda: self._probe(spec, values))

    def _probe(self, spec, values: dict[str, str]) -> str:
        page = _page_for(spec, self.config)
        _give_html(page, spec)  # the real table of contents: the skip link goes to its first entry
        for slot, name in (("title", "title"), ("description", "description"), ("head", "vb_head")):
            if values[slot]:
                page.meta[name] = placeholder(slot)
        page.content = placeholder("content")
        if values["canonical"]:
            page.canonical_url = placeholder("canonical")
        page.active = True
        context = get_context(_build.nav, _build.doc_pages, self.config, page)
        context["vb_toc_slot"] = placeholder("toc")
        return self.template.render(context)


def _finish_page(page: Page, output: str, config: MkDocsConfig) -> bool:
    """Write the page; True when it may be kept whole for the next build (`vanban.pagestore`): its
    content carries no inline code, which the CSP hook would need to read again."""
    storable = not may_carry_code(page.content)
    # A build's site is precompressed for nginx (webserver_hooks), a preview's is not.
    write_page(Path(page.file.abs_dest_path), config.plugins.on_post_page(output, page=page, config=config),
               compressed=not _build.serving)
    return storable


def _frame_key(config: MkDocsConfig) -> str:
    """What frames every generated page besides its own key (`pagestore.frame_key`): the frame
    stage's code, the adapters, the theme overrides, the libraries, MkDocs' settings and the
    navigation."""
    root = str(Path(config.config_file_path).parent)
    hooks = Path(__file__).resolve().parent
    files = list(hooks.glob("*.py"))
    if config.theme.custom_dir:
        files += [p for p in Path(config.theme.custom_dir).rglob("*") if p.is_file()]
    # Not what a page shows (folders, the server, plugins' objects: the hooks' code is in `files`); the
    # theme's own repr holds a set, whose order changes between processes.
    volatile = {"config_file_path", "dev_addr", "site_dir", "docs_dir", "watch", "plugins", "hooks", "strict",
                "remote_branch", "remote_name", "validation", "theme"}
    settings = repr(sorted((k, repr(config[k]).replace(root, "")) for k in config.keys() if k not in volatile))
    settings += repr(sorted((k, repr(v)) for k, v in dict(config.theme).items()))
    settings += repr(sorted(config.theme.static_templates)) + repr(list(config.hooks))
    return frame_key(stage_key("frame"), files, settings, _nav_text(_build.nav.items))


def _nav_text(items) -> str:
    return "".join(f"{type(item).__name__}\0{item.title}\0{getattr(item, 'url', '')}\0[{_nav_text(item.children or [])}]"
                   for item in items)


def _release(page: Page) -> None:
    # MkDocs reads every page before it writes any: 100 000 generated pages are not all held as
    # text at once (the plan keeps them compressed; `_give_html` lends a page its HTML).
    page.content = ""
    page.toc = get_toc([])


def _give_html(page: Page, spec) -> None:
    page.content, toc_tokens = _build.page_html(spec)
    page.toc = get_toc(toc_tokens)


def _head(page: Page, config: MkDocsConfig) -> str:
    return _build.head(_build.spec(page.file.src_uri), url=page.url, canonical=page.canonical_url or "/" + page.url,
                       is_homepage=page.is_homepage, hand_written=lambda: (page.title, page.meta.get("description")))


def _replace(files: Files, src_uri: str, file: File | None = None) -> None:
    existing = files.get_file_from_path(src_uri)
    if existing is not None:
        files.remove(existing)
    if file is not None:
        files.append(file)
