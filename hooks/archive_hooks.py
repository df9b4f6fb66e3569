"""MkDocs adapter: turns `directives/` into pages. The archive's logic lives in the `vanban` package.

Events used: on_startup (is this `mkdocs serve --dirty`?), on_serve (watch the
directives folder), on_config (reset state: `mkdocs serve` keeps this module between rebuilds), on_files
(load, report problems, add virtual pages and attachments), on_pre_page (the archive renders its own
pages; sitemap dates), on_page_markdown (escaped title and description for Material's templates),
on_page_content (the archive's own HTML), on_page_context (head tags: Open Graph, JSON-LD, feed
links; the page's HTML, given only while its template renders and taken back in on_post_page), on_post_build (redirect pages for aliases and short links, the nginx redirect map, feeds,
open data, the manifest of public URLs, the search index and number map).

Under `mkdocs serve` the module lives across rebuilds: directives are re-read only when their file
changed (`LoadMemo`) and pages whose inputs are unchanged keep their HTML (`SitePlan.reuse`). With
`--dirty` (what `make serve` runs) MkDocs also skips writing every page whose `is_modified()` is
false; generated pages always claim to be modified, so the adapter answers for them from the keys.
on_post_build then writes again only what changed: a directive's open data when its page key did,
the exports when a record did, redirects, short links, feeds and the manifest when the archive's
metadata (`SitePlan.archive_key`) or the hand-written pages did.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import threading
import time
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from vanban.cache import MemoryBytecodeCache, RenderCache, cache_dir_for, code_fingerprint
from vanban.collector import FullCollections
from vanban.crossrefs import load_scans, save_scans
from vanban.feeds import ATOM_TYPE, FeedWriter, build_feeds, feed_path
from vanban.manifest import public_urls, write_build_manifest
from vanban.opendata import OpenDataWriter
from vanban.loader import LoadMemo
from vanban.project import directives_dir_for, load_archive
from vanban.redirects import alias_copies, redirect_pages
from vanban.render import relative_url
from vanban.seo import Lastmods, directive_head, head_html, last_commit_dates
from vanban.search import (
    BUCKETS_FILE, PAGEFIND_DIR, SEARCH_CACHE, SearchPage, prepare_pages, search_page, sort_value,
    write_filter_counts, write_index, write_number_map,
)
from vanban.shell import ShellBook, placeholder
from vanban.shortlinks import ambiguity_pages
from vanban.parallel import can_fork, fork_map, worker_count
from vanban.site import HOME_MARKER, PARALLEL_THRESHOLD, SitePlan, registries_stamp, stable_hash
from vanban.sitemap import gzipped, sitemap_files
from vanban.webserver import write_redirects, write_short_link_stubs

log = logging.getLogger("mkdocs.hooks.vanban")

_plan: SitePlan | None = None
_lastmods: Lastmods | None = None
_dirty = False
"""True under `mkdocs serve --dirty`: only changed pages are written."""
_streamed = False
"""A build with a render cache: the pages outside the navigation are rendered by the workers that
write them, which store their HTML and search pages in the render cache; no process holds every
page (at 100 000 directives, ~1 GB compressed). The preview keeps them all in memory instead, to
write only what an edit changed."""
_memo = LoadMemo()
_first_load = True
"""No build in this process yet: the load memo comes from the cache folder (`LOAD_MEMO`)."""
LOAD_MEMO = "loaded.pickle"
SCAN_MEMO = "citations.pickle"
"""The citations found in each directive's body (`vanban.crossrefs.save_scans`)."""
_previous: dict = {}
"""{src_uri: (key, rendered)} of the previous build in this process (serve rebuilds)."""
_previous_archive_key = ""
_previous_attachments: set[str] = set()
_search_documents: dict[str, SearchPage] = {}
"""What Pagefind read for each directive page key, kept between `serve --dirty` rebuilds."""
_TEMPLATE_CODE = MemoryBytecodeCache()
_nav = None
_doc_files: list[File] = []
"""MkDocs' pages of the current build (the navigation's and the hand-written ones)."""
# What on_post_build wrote into the site folder, for the next `serve --dirty` rebuild (which keeps it):
_open_data = OpenDataWriter()
_feeds = FeedWriter()
_stubs: dict[str, str] = {}
_manifest_present: set[str] = set()
_search_data_stamp: list = ["", 0]
"""What the number map and the filter counts on disk were written from, and the number keys."""
_outputs_key = ""
"""Key of the archive's metadata and hand-written pages when redirects, stubs and manifest were written."""
SERVE_COLLECTION_DELAY = 2.0
"""Seconds from the end of a preview rebuild to its full garbage collection: the page reloads first."""
_collections = FullCollections()
"""Full garbage collections wait while the archive loads (a build) or until a rebuild is over (serve)."""


# ------------------------------------------------------------------------------------------------
# Hooks
# ------------------------------------------------------------------------------------------------

def on_startup(*, command: str, dirty: bool) -> None:
    global _dirty
    _dirty = command == "serve" and dirty
    _collections.delay = SERVE_COLLECTION_DELAY if command == "serve" else None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _plan, _lastmods, _search_documents
    _collections.pause()
    _plan = None
    _lastmods = None
    if not _dirty:
        _search_documents = {}  # kept between the rebuilds of serve --dirty only
    return config


def on_serve(server, *, config: MkDocsConfig, builder):
    # `watch: [directives]` in mkdocs.yml covers the project; VANBAN_DIRECTIVES may name another folder.
    folder = directives_dir_for(Path(config.config_file_path).parent)
    if folder.is_dir():
        server.watch(str(folder))
    return server


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    global _plan, _lastmods, _memo, _first_load, _streamed
    root = Path(config.config_file_path).parent
    directives, cache = directives_dir_for(root), cache_dir_for(root)
    stamp = stable_hash(code_fingerprint(), sys.version, str(root), str(directives))
    if _first_load and cache is not None:
        _memo = LoadMemo.read(cache / LOAD_MEMO, stamp)
        load_scans(cache / SCAN_MEMO, stamp)
    loaded = load_archive(directives, root, memo=_memo)
    if cache is not None and (_first_load or not _dirty):  # not on every preview rebuild
        _memo.write(cache / LOAD_MEMO, stamp)
        save_scans(cache / SCAN_MEMO, stamp, loaded.archive)
    _first_load = False
    _report(loaded.problems)
    duplicates = [p for p in loaded.errors if p.field == "slug" and "Trùng đường dẫn" in p.message]
    if duplicates:
        raise PluginError("\n".join(p.format() for p in duplicates))
    _plan = SitePlan(loaded.archive, config.site_name, RenderCache(cache), config.site_url or "")
    _lastmods = Lastmods(loaded.archive, last_commit_dates(directives))
    _plan.pages.update((spec.src_uri, spec) for spec in ambiguity_pages(_plan))
    _plan.reuse(_previous)
    if _collections.delay is None:  # a build: the archive is loaded, and workers fork from here on
        _collections.resume()
    _streamed = not _dirty and cache is not None
    _plan.prerender(only=(lambda spec: spec.in_nav) if _streamed else None)
    archive_changed = _plan.archive_key != _previous_archive_key
    if _dirty and archive_changed:
        # Hand-written pages may show the archive (the home page's latest directives).
        for file in files.documentation_pages():
            file.is_modified = _modified  # type: ignore[method-assign]
    for spec in _plan.pages.values():
        if not spec.in_nav:
            # Written by the archive itself (on_env, `_write_pages`): MkDocs' per-page work, repeated
            # for 13 000 pages on every preview rebuild, is kept for the pages of the navigation.
            _remove(files, spec.src_uri)
            continue
        file = File.generated(config, spec.src_uri, content="", inclusion=InclusionLevel.INCLUDED)
        if _unchanged_since_previous(spec):
            file.is_modified = _unchanged  # type: ignore[method-assign]
        _replace(files, file)
    for attachment in _plan.attachments():
        _replace(files, File.generated(config, attachment.dest_uri, abs_src_path=str(attachment.source)))
    return files


def on_pre_page(page: Page, *, config: MkDocsConfig, files: Files) -> Page:
    spec = _spec(page)
    if spec is not None:
        # The archive renders its pages itself: skip MkDocs' Markdown pass (a new parser per
        # page), which on a large archive costs as much as rendering the directive.
        page.render = lambda config, files: _release(page)  # type: ignore[method-assign]
        stamp = _lastmod(spec)
        if stamp:
            page.update_date = stamp  # the sitemap's lastmod
    return page


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    spec = _spec(page)
    if spec is None:
        return markdown
    # Material prints page.meta.title and .description unescaped: give it escaped text.
    page.meta["title"] = escape(spec.title)
    page.meta["description"] = escape(spec.description)
    if not spec.in_nav:
        # Material's nav links are relative: pages in the same folder share one rendering, pages at
        # the same depth in other folders do not ("so/x/" and "loai/x/" reach "loai/" differently).
        page.meta["vb_nav_key"] = "dir-" + spec.url.rstrip("/").rpartition("/")[0]
    return ""


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if _plan is not None and HOME_MARKER in html and _spec(page) is None:
        return html.replace(HOME_MARKER, _plan.home_html(page.url))
    return html


def on_page_context(context, *, page: Page, config: MkDocsConfig, nav):
    # Material's base.html prints page.meta.vb_head in {% block extrahead %} (docs/overrides/main.html).
    if _plan is not None:
        page.meta["vb_head"] = _head(page, config)
        spec = _spec(page)
        if spec is not None:
            _give_html(page, spec)  # held by MkDocs only while its template renders (see _release)
    return context


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    if _spec(page) is not None:
        _release(page)
    return output


def on_nav(nav, *, config: MkDocsConfig, files: Files):
    global _nav
    _nav = nav
    return nav


def on_env(env, *, config: MkDocsConfig, files: Files):
    env.globals["vb_nav_cache"] = {}
    # MkDocs makes a new environment per build: keep Material's compiled templates across the
    # rebuilds of `mkdocs serve` (Jinja checks each template's source before reusing its code).
    env.bytecode_cache = _TEMPLATE_CODE
    _write_pages(env, config, files)
    if _plan is not None and not _dirty:
        # A build (not a preview) needs a generated page's HTML once more only for the search page
        # of a directive: make those now and let go of the HTML (at 100 000 directives, ~1 GB
        # compressed). The pages of the navigation, which MkDocs renders next, keep theirs.
        _search_pages()
        _plan.release(lambda spec: spec.in_nav)
    return env


def on_post_build(*, config: MkDocsConfig) -> None:
    try:
        _post_build(config)
    finally:
        _collections.resume()


def on_build_error(*, error: Exception) -> None:
    _collections.resume()


def _post_build(config: MkDocsConfig) -> None:
    global _previous, _previous_archive_key, _previous_attachments, _outputs_key
    if _plan is None:
        return
    started = time.perf_counter()
    site = Path(config.site_dir)
    site_url = config.site_url or ""
    attachments = {a.dest_uri for a in _plan.attachments()}
    if _dirty:
        _remove_stale(site, set(_previous) - set(_plan.pages), _previous_attachments - attachments)
    else:  # MkDocs emptied the site folder: nothing of a previous build is there
        _open_data.forget()
        _feeds.forget()
        _stubs.clear()
        _manifest_present.clear()
        _outputs_key = ""
    _directives_changed = any(spec.kind == "directive" and _previous.get(uri, ("",))[0] != spec.key
                              for uri, spec in _plan.pages.items()) or any(
        uri not in _plan.pages for uri in _previous if uri.startswith("van-ban/"))
    _previous, _previous_archive_key, _previous_attachments = _plan.rendered_pages(), _plan.archive_key, attachments
    # What only the archive's metadata and the hand-written pages decide (an edit of a directive's
    # text under `serve --dirty` changes none of it): redirect pages, short links, feeds, the manifest.
    # (archive_key: the code, registries, site name and address, every directive's front matter.)
    outputs_key = stable_hash(_plan.archive_key, config.copyright or "", _docs_stamp(Path(config.docs_dir)))
    metadata_changed = outputs_key != _outputs_key
    if not _dirty:
        # The index first: Pagefind's processes (~400 MB at 100 000 directives) then run beside a
        # main process that has not yet grown by the exports' and the manifest's working memory
        # (~500 MB there, which Python keeps in its heap once freed).
        _write_search(site, _directives_changed, metadata_changed)
    if metadata_changed:
        _write_redirect_pages(site, site_url)
        # nginx: aliases and short links as HTTP 301 (and redirect pages for hosts without nginx).
        write_redirects(site, _plan.archive)
        for url in write_short_link_stubs(site, _plan.archive, site_url, _stubs):
            log.warning(f"Liên kết ngắn /{url} trùng với một trang đang có; không tạo trang chuyển hướng.")
        _forget_unless_dirty(_stubs.clear)
        # Each feed is written again only when its entries' front matter changed.
        _feeds.write(site, build_feeds(_plan.listings, config.site_name), site_url, config.copyright or "",
                     _code_and_registries_key(_plan.archive))
    directive_keys = {spec.directive.url: spec.key for spec in _plan.pages.values() if spec.kind == "directive"}
    _open_data.write(site, _plan.archive, site_url, directive_keys, cache=_plan.renderer.cache)
    _forget_unless_dirty(_open_data.forget)
    for source, copy in alias_copies(_plan.archive):
        # Attachments under an old directory address stay where links expect them.
        if (site / source).is_file():
            (site / copy).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(site / source, site / copy)
    if outputs_key != _outputs_key:
        # The manifest of public URLs (compared with published-urls.txt by `vanban links`).
        entries = public_urls(_plan, Path(config.docs_dir))
        for url in write_build_manifest(site, entries, _manifest_present):
            log.warning(f"Sổ đường dẫn ghi {url} nhưng bản dựng không tạo ra trang này.")
        del entries
        _forget_unless_dirty(_manifest_present.clear)
        _outputs_key = outputs_key
    _write_sitemap(site, config)
    if not _dirty:
        pruned = _plan.renderer.cache.prune()
        if pruned:
            log.info(f"Bộ đệm: bỏ {pruned} mục của phiên bản mã trước.")
    if _dirty:
        log.debug(f"on_post_build without search: {time.perf_counter() - started:.2f} s")
        _write_search(site, _directives_changed, metadata_changed)


# ------------------------------------------------------------------------------------------------
# Helper functions
# ------------------------------------------------------------------------------------------------

def _forget_unless_dirty(forget) -> None:
    # What a writer keeps serves only the next `serve --dirty` rebuild (any other build starts from
    # an empty site folder and forgets it then). Dropped at once, its memory is reused by the next
    # writer: at 100 000 directives the open-data records are ~290 MB, and the manifest that
    # follows peaked ~200 MB above them.
    if not _dirty:
        forget()


def _write_redirect_pages(site: Path, site_url: str) -> None:
    for rel, html in redirect_pages(_plan.archive, site_url).items():
        out = site / rel
        if out.exists() and out.read_text(encoding="utf-8", errors="replace") == html:
            continue  # written by the previous build of `mkdocs serve --dirty`
        if out.exists():
            log.error(f"Đường dẫn cũ /{rel} trùng với một trang đang có; bỏ đường dẫn này khỏi 'aliases'.")
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")


def _docs_stamp(docs_dir: Path) -> str:
    # The hand-written pages are in the manifest, and a redirect page may not take their place.
    return "\n".join(f"{p}\0{p.stat().st_mtime_ns}" for p in sorted(docs_dir.rglob("*.md")))


def _code_and_registries_key(archive) -> str:
    return stable_hash(code_fingerprint(), registries_stamp(archive))


def _write_pages(env, config: MkDocsConfig, files: Files) -> None:
    """Write the generated pages that are not in the navigation (directives, listing pages, short
    links) with the theme, as MkDocs' `_populate_page` and `_build_page` would.

    MkDocs would keep a page object for each of 13 000 pages and render their theme in one process,
    on every build; here forked workers render the theme when many pages are due, run the hooks'
    on_post_page and write the files, and a `serve --dirty` rebuild writes only the pages whose key
    changed. A hook whose on_post_page gathers something across pages defines `worker_state()`
    (what it gathered in this process since the last call) and `merge_worker_state(state)`.
    """
    global _doc_files
    _doc_files = files.documentation_pages()
    if _plan is None or _nav is None:
        return
    site = Path(config.site_dir)
    uris = [uri for uri, spec in _plan.pages.items()
            if not spec.in_nav and not (_unchanged_since_previous(spec) and os.path.isfile(f"{site}/{_dest(spec)}"))]
    theme = _Theme(env, config)
    workers = worker_count()
    if workers < 2 or len(uris) < PARALLEL_THRESHOLD or not can_fork():
        _write_chunk(uris, theme, config)
        return

    def write(chunk: list[str]) -> list[tuple[str, object]]:
        _write_chunk(chunk, theme, config)
        # What the other hooks' on_post_page gathered here, for their process-wide results.
        return [(name, hook.worker_state()) for name, hook in config.plugins.items() if hasattr(hook, "worker_state")]

    for name, state in fork_map(write, uris, workers):
        config.plugins[name].merge_worker_state(state)


WRITE_BATCH = 200
"""Pages a writer takes from the render cache, and gives back, at a time (`_streamed`)."""


def _write_chunk(uris: list[str], theme: "_Theme", config: MkDocsConfig) -> None:
    assert _plan is not None
    cache = _plan.renderer.cache
    for start in range(0, len(uris), WRITE_BATCH):
        specs = [_plan.pages[uri] for uri in uris[start:start + WRITE_BATCH]]
        fresh = _plan.fetch(specs) if _streamed else []
        indexed = cache.present(SEARCH_CACHE, [s.key for s in specs if s.kind == "directive"]) if _streamed else set()
        search = []
        for spec in specs:
            page = _page_for(spec, config)
            _finish_page(page, theme.output(page, spec), config)
            if _streamed and spec.kind == "directive" and spec.key not in indexed:
                search.append((spec.key, search_page(spec.directive, spec.html()[0], spec.key).packed))
        if _streamed:
            _plan.store(fresh)
            cache.put_many(SEARCH_CACHE, search)
            cache.flush()  # the directive bodies rendered here
            for spec in specs:
                spec.rendered = None
    _log_shells(theme.shells)


def _page_for(spec, config: MkDocsConfig) -> Page:
    page = Page(None, File.generated(config, spec.src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV), config)
    page.read_source(config)
    on_page_markdown("", page=page, config=config, files=None)  # type: ignore[arg-type]
    return page


def _render_page(page: Page, template, config: MkDocsConfig) -> str:
    # The steps of mkdocs.commands.build._build_page up to the template.
    page.active = True
    context = get_context(_nav, _doc_files, config, page)
    context = config.plugins.on_page_context(context, page=page, config=config, nav=_nav)
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
            self.shells = ShellBook()
            self._toc = env.get_template("partials/toc.html")
            self._lang = env.get_template("partials/language.html").make_module({"config": config})

    def output(self, page: Page, spec) -> str:
        if self.shells is None:
            return _render_page(page, self.template, self.config)
        _give_html(page, spec)
        values = {
            "title": page.meta["title"], "description": page.meta.get("description") or "",
            "head": _head(page, self.config), "content": page.content,
            "toc": self._toc.render(config=self.config, page=page, lang=self._lang),
            "canonical": page.canonical_url or "",
        }
        first = page.toc.items[0].url if page.toc.items else ""
        # What else a page's shape depends on: its folder (relative links, the cached navigation)
        # and which optional parts the template prints.
        key = (spec.url.rstrip("/").rpartition("/")[0], first, "<h1" in page.content,
               *(bool(values[slot]) for slot in ("description", "head", "canonical")))
        return self.shells.page(key, values, lambda: _render_page(page, self.template, self.config),
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
        context = get_context(_nav, _doc_files, self.config, page)
        context["vb_toc_slot"] = placeholder("toc")
        return self.template.render(context)


def _log_shells(shells: ShellBook | None) -> None:
    if shells is not None:
        log.debug(f"Trang dựng từ khuôn: {shells.filled}, dựng đủ: {shells.rendered}.")


def _finish_page(page: Page, output: str, config: MkDocsConfig) -> None:
    output = config.plugins.on_post_page(output, page=page, config=config)
    out = Path(page.file.abs_dest_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(output.encode("utf-8", errors="xmlcharrefreplace"))


def _dest(spec) -> str:
    return spec.url + "index.html"


def _unchanged_since_previous(spec) -> bool:
    """Under `serve --dirty`: the previous rebuild wrote this page with the same key."""
    return _dirty and bool(spec.key) and _previous.get(spec.src_uri, ("",))[0] == spec.key


def _write_sitemap(site: Path, config: MkDocsConfig) -> None:
    """Replace MkDocs' sitemap (its own pages only) with one of every page, dated as before."""
    assert _plan is not None
    site_url = config.site_url or ""
    entries = [(f.page.canonical_url or f.page.abs_url or "", f.page.update_date or None)
               for f in _doc_files if f.page is not None and not f.page.is_link]
    entries += [(_absolute(site_url, spec.url), _lastmod(spec)) for spec in _plan.pages.values() if not spec.in_nav]
    files = sitemap_files(entries, _absolute(site_url, ""))
    for name, xml in files.items():
        (site / name).write_text(xml, encoding="utf-8")
    dates = [d for _, d in entries if d]
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    newest = datetime.fromisoformat(max(dates)).replace(tzinfo=timezone.utc) if dates else None
    mtime = int(epoch) if epoch else int(newest.timestamp()) if newest else 0
    (site / "sitemap.xml.gz").write_bytes(gzipped(files["sitemap.xml"], "sitemap.xml.gz", mtime))


def _absolute(site_url: str, url: str) -> str:
    return (site_url.rstrip("/") + "/" + url) if site_url else "/" + url


def _unchanged() -> bool:
    return False


def _modified() -> bool:
    return True


def _remove_stale(site: Path, page_uris: set[str], attachment_uris: set[str]) -> None:
    """A dirty build never deletes: drop what a removed or renamed directive left in the preview."""
    for uri in page_uris:
        (site / uri).with_name("index.html").unlink(missing_ok=True)
    for uri in attachment_uris:
        (site / uri).unlink(missing_ok=True)


def _report(problems) -> None:
    # Errors count against `mkdocs build --strict`; without it the other directives still publish.
    # Warnings that --strict tolerates (citations of documents outside the archive) are information.
    for problem in problems:
        (log.error if problem.is_error else log.warning if problem.strict else log.info)(problem.format())


def _remove(files: Files, src_uri: str) -> None:
    existing = files.get_file_from_path(src_uri)
    if existing is not None:
        files.remove(existing)


def _replace(files: Files, file: File) -> None:
    existing = files.get_file_from_path(file.src_uri)
    if existing is not None:
        files.remove(existing)
    files.append(file)


def _write_search(site: Path, directives_changed: bool, metadata_changed: bool) -> None:
    # Pagefind reads the directive HTML the plan rendered, from memory (not the written pages).
    assert _plan is not None
    # The number map and the filter counts show numbers, addresses, types, issuers, topics and
    # statuses: under serve --dirty, a text or subject edit changes none of them.
    stamp = stable_hash(registries_stamp(_plan.archive), *(
        f"{d.url}\0{d.number.text}\0{d.type.key}\0{d.issuer.key}\0{[t.key for t in d.topics]}\0{d.effective_status}"
        for d in _plan.archive.directives))
    if metadata_changed and (not _dirty or stamp != _search_data_stamp[0]):
        _search_data_stamp[:] = [stamp, write_number_map(site, _plan.archive)]
        write_filter_counts(site, _plan.archive)
    keys = _search_data_stamp[1]
    pages = list(_search_documents.values()) if not _dirty and _search_documents else _search_pages()
    if _dirty and (site / PAGEFIND_DIR / BUCKETS_FILE).is_file():
        # Pagefind cannot update an index: under `mkdocs serve --dirty` the edited page is served at
        # once and the bucket(s) holding the changed directives are indexed again in the background.
        if directives_changed:
            _background_index.submit(site, pages)
        return
    stats = write_index(pages, site, cache_dir=_search_cache(), texts=_plan.renderer.cache)
    reused = f", {len(stats.cached)} phần lấy từ bộ đệm" if stats.cached else ""
    log.info(f"Tìm kiếm: {stats.pages} văn bản trong chỉ mục, chia {stats.buckets} phần theo năm{reused} "
             f"({stats.seconds:.1f} s), {keys} số ký hiệu.")


def _search_cache() -> Path | None:
    # Buckets indexed by an earlier build, by key, beside the render cache (the project root is the
    # folder of this hook's folder, where mkdocs.yml is).
    return cache_dir_for(Path(__file__).resolve().parent.parent)


def _search_pages() -> list[SearchPage]:
    # The page Pagefind reads is a function of the page's inputs, which its key hashes: under
    # `mkdocs serve` only edited directives are prepared again. A streamed build's writers stored
    # them in the render cache: Pagefind's feeder reads them from there, a bucket at a time.
    global _search_documents
    assert _plan is not None
    specs = [spec for spec in _plan.pages.values() if spec.kind == "directive"]
    assert all(spec.key for spec in specs)  # SitePlan keys every directive page
    stored = _plan.renderer.cache.present(SEARCH_CACHE, [spec.key for spec in specs]) if _streamed else set()
    documents = {}
    todo = []
    for spec in specs:
        key = spec.key
        if key in _search_documents:
            documents[key] = _search_documents[key]
        elif key in stored:
            documents[key] = SearchPage(f"/{spec.directive.url}", sort_value(spec.directive), key)
        else:
            todo.append((key, spec.directive, lambda spec=spec: spec.html()[0]))
    documents.update(prepare_pages(todo, _plan.renderer.cache))
    _search_documents = documents  # for on_post_build, and for the next rebuild of serve --dirty
    return list(documents.values())


class _BackgroundIndex:
    """One thread that brings the search index up to the latest preview build (only the buckets whose
    directives changed are indexed again); newer work replaces waiting work."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: tuple[Path, list[SearchPage]] | None = None
        self._thread: threading.Thread | None = None

    def submit(self, site: Path, pages: list[SearchPage]) -> None:
        with self._lock:
            self._waiting = (site, pages)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="vanban-search-index", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                job, self._waiting = self._waiting, None
                if job is None:
                    return
            try:
                stats = write_index(job[1], job[0], cache_dir=_search_cache())
                done = ", ".join(stats.indexed) or "không phần nào thay đổi"
                log.info(f"Tìm kiếm: đã cập nhật chỉ mục ({stats.pages} văn bản; lập lại: {done}; {stats.seconds:.1f} s).")
            except Exception as exc:  # the preview goes on; the next edit retries
                log.warning(f"Tìm kiếm: chưa cập nhật được chỉ mục: {exc}")


_background_index = _BackgroundIndex()


TITLE_ID = "vb-tieu-de"
"""id of the h1 of every generated page (templates in vanban/templates/)."""


def _release(page: Page) -> None:
    # MkDocs reads every page before it writes any, and under `serve --dirty` writes only a few:
    # a generated page gets its HTML and table of contents in on_page_context, just before its
    # template, and gives them back in on_post_page (`_give_html`), so that 100 000 pages are not
    # all held as text at once (the plan keeps them compressed).
    page.content = ""
    page.toc = get_toc([])


def _give_html(page: Page, spec) -> None:
    content, toc_tokens = spec.html()
    page.content = content
    if f'<h1 id="{TITLE_ID}"' in content:
        # Material's skip link goes to the first entry of the table of contents: make that the
        # page's title, so "Chuyển đến nội dung chính" lands on the h1 (not on the first body
        # heading, past the metadata) and exists on listings too. Material's toc partial then
        # lists only the title's children, as on hand-written pages.
        toc_tokens = [{"level": 1, "id": TITLE_ID, "name": escape(spec.title), "children": toc_tokens}]
    page.toc = get_toc(toc_tokens)


def _lastmod(spec) -> str | None:
    if _lastmods is None or _plan is None:
        return None
    if spec.directive is not None:
        return _lastmods.directive(spec.directive)
    if spec.listing is not None:
        return _lastmods.newest(spec.listing.url, spec.listing.directives)
    return _lastmods.newest("", _plan.archive.directives)


def _head(page: Page, config: MkDocsConfig) -> str:
    spec = _spec(page)
    site_name = config.site_name
    if spec is not None and spec.directive is not None:
        return directive_head(spec.directive, _plan.archive, config.site_url or "", site_name)
    alternates = []
    listing = spec.listing if spec is not None else None
    if listing is None and page.is_homepage:
        listing = _plan.listings[0]  # the whole archive
    if listing is not None and (path := feed_path(listing)):
        title = "Văn bản mới" if listing.kind == "all" else f"Văn bản mới — {listing.title}"
        alternates.append((ATOM_TYPE, relative_url(path, page.url), title))
    title = spec.title if spec is not None else (page.title or site_name)
    description = spec.description if spec is not None else (page.meta.get("description") or config.site_description or "")
    return head_html(title=title, description=description, url=page.canonical_url or "/" + page.url,
                     site_name=site_name, alternates=alternates)


def _spec(page: Page):
    return _plan.pages.get(page.file.src_uri) if _plan is not None else None
