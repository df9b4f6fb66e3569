"""One build of the site, and what the preview (`mkdocs serve`) keeps between its rebuilds.

`Build` is what the MkDocs adapter (`hooks/archive_hooks.py`) calls from its events: it loads the
archive, plans the generated pages, writes them in batches (in forked workers on a large archive),
and after MkDocs' own pages writes everything else: redirect pages and the nginx map, short links,
feeds, open data, the manifest of public URLs, the sitemap and the search index. It knows nothing of
MkDocs: the adapter passes the configuration as a `Site` and its page work as callables.

Under `mkdocs serve` the hook module, and so its one `Build`, lives across rebuilds: directives are
re-read only when their file changed (`LoadMemo`) and pages whose inputs are unchanged keep their HTML
(`SitePlan.reuse`). With `--dirty` (what `make serve` runs) MkDocs also skips writing every page whose
`is_modified()` is false; generated pages always claim to be modified, so the adapter answers for them
from the keys (`unchanged_since_previous`). `post_build` then writes again only what changed: a
directive's open data when its page key did, the exports when a record did, redirects, short links,
feeds and the manifest when the archive's metadata (`SitePlan.archive_key`) or the hand-written pages
did. What a rebuild keeps is `Build.kept` (`Kept`); the rest of a `Build` belongs to one build.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import Any, Callable, Mapping

import jinja2

from .cache import FolderBytecodeCache, MemoryBytecodeCache, RenderCache, cache_dir_for, stage_key
from .collector import FullCollections
from .crossrefs import load_scans, save_scans
from .feeds import FeedWriter, build_feeds
from .listings import ATOM_TYPE, feed_path
from .loader import LoadMemo
from .manifest import MANIFEST_NAME, deleted_directives, public_urls, write_build_manifest
from .opendata import OpenDataWriter
from .pagestore import PAGES_DIR, PageStore, page_key
from .parallel import can_fork, fork_map, spread, worker_count
from .precompress import gz_copy
from .preview import PreviewPages, banner_html
from .project import LOAD_MEMO, SCAN_MEMO, directives_dir_for, load_archive, memo_stamp
from .redirects import alias_copies, redirect_pages
from .rules import exit_status, log_level, outcome, summary_line
from .render import relative_url
from .search import (
    BUCKETS_FILE, PAGEFIND_DIR, SEARCH_DIGESTS, TITLES_BESIDE_MAX, IndexBeside, SearchPage, make_search_pages,
    prepare_pages, search_entry_key, stored_search_pages, title_opening, write_filter_counts, write_index,
    write_number_map, write_title_index,
)
from .seo import Lastmods, directive_head, head_html, last_commit_dates
from .shell import ShellBook
from .shortlinks import ambiguity_pages
from .site import HOME_MARKER, PARALLEL_THRESHOLD, PageSpec, SitePlan, registries_stamp, stable_hash
from .siteclean import moved_site
from .sitemap import gzipped, sitemap_files
from .webserver import STUBS_DIR, write_redirects, write_short_link_stubs

__all__ = ["Build", "ArchiveHasErrors", "Kept", "Site", "TITLE_ID", "write_page"]

# MkDocs counts the warnings of its own loggers ("mkdocs.*") against `mkdocs build --strict`.
log = logging.getLogger("mkdocs.hooks.vanban")

SERVE_COLLECTION_DELAY = 2.0
"""Seconds from the end of a preview rebuild to its full garbage collection: the page reloads first."""
WRITE_BATCH = 200
"""Pages a writer takes from the render cache, and gives back, at a time (`Build.streamed`)."""
TITLE_ID = "vb-tieu-de"
"""id of the h1 of every generated page (templates in vanban/templates/)."""


class ArchiveHasErrors(Exception):
    """Some files broke a rule (`vanban.rules`): the build wrote every valid directive, then fails as
    `vanban check` does (the adapter stops MkDocs with this message). Never raised by a preview."""


@dataclass(frozen=True)
class Site:
    """What a build reads of MkDocs' configuration."""

    root: Path
    """The folder of mkdocs.yml."""
    name: str
    url: str
    """site_url, or "" (relative addresses)."""
    description: str
    copyright: str
    site_dir: Path
    docs_dir: Path
    strict: bool = False
    """`mkdocs build --strict`: the warnings `--strict` makes errors (`rules.outcome`) fail the build."""


@dataclass
class Kept:
    """What survives a `mkdocs serve` rebuild, and why: MkDocs keeps the hook module, and so its one
    `Build`, between rebuilds, and a rebuild after one edit should redo only what the edit changed.
    It keeps the directives loaded (`memo`, re-read when their file changes), the pages rendered
    with their keys (`previous`: reused when the key is unchanged, and under `--dirty` not written
    again), the archive key and attachments of the previous build (what to delete, whether the
    hand-written pages show a changed archive), what Pagefind read per directive (`search_documents`,
    by search entry key, kept under `serve --dirty` only), Material's compiled templates, and what `post_build` wrote into
    the site folder (open data, feeds, short-link stubs, manifest, number map stamp, `outputs_key`),
    which `serve --dirty` keeps and a full build empties. `background_index` is the thread that
    brings the preview's search index up to date. Everything else on `Build` is reset per build."""

    memo: LoadMemo = field(default_factory=LoadMemo)
    first_load: bool = True
    """No build in this process yet: the load memo comes from the cache folder (`LOAD_MEMO`)."""
    previous: dict = field(default_factory=dict)
    """{src_uri: (key, rendered)} of the previous build in this process."""
    previous_archive_key: str = ""
    previous_attachments: set[str] = field(default_factory=set)
    search_documents: dict[str, SearchPage] = field(default_factory=dict)
    template_code: MemoryBytecodeCache = field(default_factory=MemoryBytecodeCache)
    open_data: OpenDataWriter = field(default_factory=OpenDataWriter)
    feeds: FeedWriter = field(default_factory=FeedWriter)
    stubs: dict[str, str] = field(default_factory=dict)
    manifest_present: set[str] = field(default_factory=set)
    title_openings: dict[str, str] = field(default_factory=dict)
    """{url: opening words} of the directives edited under `serve --dirty` since it started."""
    search_data_stamp: list = field(default_factory=lambda: ["", 0])
    """What the number map and the filter counts on disk were written from, and the number keys."""
    outputs_key: str = ""
    """Key of the archive's metadata and hand-written pages when redirects, stubs and manifest were written."""
    background_index: "_BackgroundIndex" = field(default_factory=lambda: _BackgroundIndex())
    preview: PreviewPages = field(default_factory=PreviewPages)
    """The preview's problem pages, and the address each directive had (`vanban.preview`)."""


class Build:
    """The archive's part of a build: `start`, `load`, write the pages, `post_build`."""

    def __init__(self, code_root: Path) -> None:
        self.code_root = code_root
        """The folder of the hooks folder: the search index's bucket cache lives there."""
        self.dirty = False
        self.serving = False
        """Under `mkdocs serve`: problems that stop a deploy build are reported, the preview goes on."""
        """True under `mkdocs serve --dirty`: only changed pages are written."""
        self.serving = False
        """True under `mkdocs serve`: problems are shown in the preview and never stop it (a failed
        rebuild leaves MkDocs' server waiting for ever)."""
        self.problems: list = []
        """The rulebook's problems of this build, as reported (`rules.outcome`)."""
        self.failed: dict[str, str | None] = {}
        """Files with errors → the address each asks for (`LoadedArchive.failed`)."""
        self.collections = FullCollections()
        """Full garbage collections wait while the archive loads (a build) or until a rebuild is over (serve)."""
        self.kept = Kept()
        """What survives a `mkdocs serve` rebuild (see `Kept`)."""
        self.site: Site | None = None
        self.plan: SitePlan | None = None
        self.lastmods: Lastmods | None = None
        self.streamed = False
        """A build with a render cache: the pages outside the navigation are rendered by the workers
        that write them, which store their HTML and search pages in the render cache; no process holds
        every page (at 100 000 directives, ~1 GB compressed). The preview keeps them all in memory
        instead, to write only what an edit changed."""
        self.page_store: tuple[PageStore, str, list[Any]] | None = None
        """This build's finished pages kept across builds: (store, frame key, hooks told of a page
        taken from it); `page_store_keys`: each page's entry, by src_uri (the others are pruned)."""
        self.page_store_keys: dict[str, str] = {}
        self.beside: IndexBeside | None = None
        """The indexer working beside this build's page writers, until `_write_search` takes over."""
        self.changed_directives: list = []
        """The directives whose page changed since the previous build in this process."""
        self.nav: Any = None
        self.doc_pages: list[Any] = []
        """MkDocs' navigation and pages (the navigation's and the hand-written ones) of this build,
        held for the adapter's templates and the sitemap."""

    # --------------------------------------------------------------------------------------------
    # Steps, in the order of MkDocs' events
    # --------------------------------------------------------------------------------------------

    def startup(self, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        self.dirty = command == "serve" and dirty
        self.serving = command == "serve"
        self.collections.delay = SERVE_COLLECTION_DELAY if command == "serve" else None

    def start(self) -> None:
        """A new build (MkDocs' on_config): forget the previous build's plan."""
        self.collections.pause()
        self.plan = None
        self.lastmods = None
        if not self.dirty:
            self.kept.search_documents = {}  # kept between the rebuilds of serve --dirty only

    def load(self, site: Site) -> SitePlan:
        """Load the archive, report its problems and plan its pages (rendering those of the
        navigation now, and under `mkdocs serve` every page)."""
        kept = self.kept
        self.site = site
        root = site.root
        directives, cache = directives_dir_for(root), cache_dir_for(root)
        stamp = memo_stamp(root, directives)  # the one `vanban check` keeps its memo under
        if kept.first_load and cache is not None:
            kept.memo = LoadMemo.read(cache / LOAD_MEMO, stamp)
            load_scans(cache / SCAN_MEMO, stamp)
        loaded = load_archive(directives, root, memo=kept.memo)
        if cache is not None and (kept.first_load or not self.dirty):  # not on every preview rebuild
            kept.memo.write(cache / LOAD_MEMO, stamp)
            save_scans(cache / SCAN_MEMO, stamp, loaded.archive)
        kept.first_load = False
        deleted = _deleted_directives(root, directives, loaded.archive)
        # One rulebook for `vanban check`, the build and the preview (`vanban.rules`).
        self.problems = outcome(loaded.problems + deleted, site.strict and not self.serving)
        self.failed = loaded.failed
        for problem in self.problems:
            log.log(log_level(problem), problem.format())
        plan = self.plan = SitePlan(loaded.archive, site.name, RenderCache(cache), site.url)
        # The archive's templates, for this process (their environment is shared): a build renders
        # the directive template 10 000 times, without a stat() of its files each time; the preview
        # still picks up a template edited while it runs.
        plan.renderer.env.auto_reload = self.serving
        plan.renderer.env.bytecode_cache = self.template_code("archive", stage_key("page"))
        self.lastmods = Lastmods(loaded.archive, last_commit_dates(directives))
        plan.pages.update((spec.src_uri, spec) for spec in ambiguity_pages(plan))
        plan.reuse(kept.previous)
        if self.collections.delay is None:  # a build: the archive is loaded, and workers fork from here on
            self.collections.resume()
        self.streamed = not self.dirty and cache is not None
        plan.prerender(only=(lambda spec: spec.in_nav) if self.streamed else None)
        return plan

    def template_code(self, name: str, key: str) -> jinja2.BytecodeCache:
        """Where environment `name` (configured by the code `key`) keeps its compiled templates: in a
        build with a cache folder, there (the forked page writers read them); in the preview, in
        this process's memory, across its rebuilds."""
        cache = cache_dir_for(self.site.root) if self.site is not None else None
        if self.serving or cache is None:
            return self.kept.template_code
        return FolderBytecodeCache(cache, name, key)

    def archive_changed(self) -> bool:
        """The archive's metadata differs from the previous build's (hand-written pages may show it)."""
        return self.plan is not None and self.plan.archive_key != self.kept.previous_archive_key

    def unchanged_since_previous(self, spec: PageSpec) -> bool:
        """Under `serve --dirty`: the previous rebuild wrote this page with the same key."""
        return self.dirty and bool(spec.key) and self.kept.previous.get(spec.src_uri, ("",))[0] == spec.key

    def spec(self, src_uri: str) -> PageSpec | None:
        """The generated page at `src_uri`, None for a hand-written page."""
        return self.plan.pages.get(src_uri) if self.plan is not None else None

    def page_meta(self, spec: PageSpec) -> dict[str, str]:
        """The page meta Material's templates read for a generated page."""
        # Material prints page.meta.title and .description unescaped: give it escaped text.
        meta = {"title": escape(spec.title), "description": escape(spec.description)}
        if not spec.in_nav:
            # Material's nav links are relative: pages in the same folder share one rendering, pages at
            # the same depth in other folders do not ("so/x/" and "loai/x/" reach "loai/" differently).
            meta["vb_nav_key"] = "dir-" + spec.url.rstrip("/").rpartition("/")[0]
        return meta

    def page_html(self, spec: PageSpec) -> tuple[str, list[dict[str, Any]]]:
        """A generated page's HTML and table-of-contents tokens."""
        content, toc_tokens = spec.html()
        if f'<h1 id="{TITLE_ID}"' in content:
            # Material's skip link goes to the first entry of the table of contents: make that the
            # page's title, so "Chuyển đến nội dung chính" lands on the h1 (not on the first body
            # heading, past the metadata) and exists on listings too. Material's toc partial then
            # lists only the title's children, as on hand-written pages.
            toc_tokens = [{"level": 1, "id": TITLE_ID, "name": escape(spec.title), "children": toc_tokens}]
        return content, toc_tokens

    def fill_home(self, html: str, src_uri: str, url: str) -> str:
        """A hand-written page with the home marker gets the archive's latest directives."""
        if self.plan is not None and HOME_MARKER in html and self.spec(src_uri) is None:
            return html.replace(HOME_MARKER, self.plan.home_html(url))
        return html

    def lastmod(self, spec: PageSpec) -> str | None:
        if self.lastmods is None or self.plan is None:
            return None
        if spec.directive is not None:
            return self.lastmods.directive(spec.directive)
        if spec.listing is not None:
            return self.lastmods.newest(spec.listing.url, spec.listing.directives)
        return self.lastmods.newest("", self.plan.archive.directives)

    def head(self, spec: PageSpec | None, *, url: str, canonical: str, is_homepage: bool,
             hand_written: Callable[[], tuple[str | None, str | None]]) -> str:
        """Head tags of a page (Open Graph, JSON-LD, feed links); `hand_written` gives the title and
        description (if any) of a page that is not generated."""
        assert self.plan is not None and self.site is not None
        site = self.site
        if spec is not None and spec.directive is not None:
            return directive_head(spec.directive, self.plan.archive, site.url, site.name)
        alternates = []
        listing = spec.listing if spec is not None else None
        if listing is None and is_homepage:
            listing = self.plan.listings[0]  # the whole archive
        if listing is not None and (path := feed_path(listing)):
            title = "Văn bản mới" if listing.kind == "all" else f"Văn bản mới — {listing.title}"
            alternates.append((ATOM_TYPE, relative_url(path, url), title))
        if spec is not None:
            title, description = spec.title, spec.description
        else:
            page_title, page_description = hand_written()
            title, description = page_title or site.name, page_description or site.description
        return head_html(title=title, description=description, url=canonical,
                         site_name=site.name, alternates=alternates, site_url=site.url)

    def pages_to_write(self) -> list[str]:
        """The generated pages outside the navigation that this build writes itself (under
        `serve --dirty`, those whose key changed or whose file is missing)."""
        assert self.plan is not None and self.site is not None
        site = self.site.site_dir
        return [uri for uri, spec in self.plan.pages.items()
                if not spec.in_nav and not (self.unchanged_since_previous(spec) and os.path.isfile(f"{site}/{_dest(spec)}"))]

    def write_pages(self, uris: list[str], write_page: Callable[[PageSpec], bool], shells: ShellBook | None,
                    hooks: Mapping[str, Any], frame: str = "") -> None:
        """Write the pages `uris` with `write_page`: in forked workers when many are due.

        `write_page` returns whether the page it wrote may be kept whole for the next build: with
        `frame` (`pagestore.frame_key`), a build with a render cache takes the pages whose key and
        frame are unchanged from `<cache>/pages/` (`vanban.pagestore`) and tells the hooks that
        define `reused_page(path=..., url=...)`.

        MkDocs would keep a page object for each of 13 000 pages and render their theme in one
        process, on every build; here forked workers render the theme, run the hooks' on_post_page
        and write the files, and a `serve --dirty` rebuild writes only the pages whose key changed.
        A hook whose on_post_page gathers something across pages defines `worker_state()` (what it
        gathered in this process since the last call) and `merge_worker_state(state)`; `hooks` are
        MkDocs' plugins and hooks by name."""
        assert self.plan is not None
        self.page_store = None
        cache = cache_dir_for(self.site.root) if self.site is not None else None
        if frame and self.streamed and not self.serving and cache is not None:
            self.page_store = (PageStore(cache / PAGES_DIR), frame,
                               [hook for hook in hooks.values() if hasattr(hook, "reused_page")])
            # Made once, before the workers fork (they inherit it): placing, keeping and pruning read it.
            self.page_store_keys = {uri: page_key(frame, spec.key, spec.url) for uri, spec in self.plan.pages.items()
                                    if not spec.in_nav and spec.key}
        workers = worker_count()
        if workers < 2 or len(uris) < PARALLEL_THRESHOLD or not can_fork():
            self._write_chunk(uris, write_page, shells)
            return

        def write(chunk: list[str]) -> list[tuple[str, object]]:
            self._write_chunk(chunk, write_page, shells)
            # What the other hooks' on_post_page gathered here, for their process-wide results; and
            # which pages are written (for the search buckets indexed beside the writers).
            return [("", chunk)] + [(name, hook.worker_state()) for name, hook in hooks.items() if hasattr(hook, "worker_state")]

        beside = self._index_beside()
        plan = self.plan
        # Pages of one kind cost alike in a build (all made again, or all taken from the page store).
        uris = spread(uris, lambda uri: plan.pages[uri].kind)
        for name, state in fork_map(write, uris, workers, in_order=beside is not None):
            if name:
                hooks[name].merge_worker_state(state)
            elif beside is not None:
                beside.written([search_entry_key(plan.pages[uri].key) for uri in state if plan.pages[uri].kind == "directive"])

    def _index_beside(self) -> IndexBeside | None:
        """A cold build's search buckets, indexed while its pages are written (`search.IndexBeside`),
        and its titles index up to `TITLES_BESIDE_MAX` directives; `VANBAN_INDEX_BESIDE=0` indexes
        them all after."""
        assert self.plan is not None and self.site is not None
        self.beside = None
        if self.streamed and os.environ.get("VANBAN_INDEX_BESIDE", "1") != "0":
            specs = [spec for spec in self.plan.pages.values() if spec.kind == "directive"]
            self.beside = IndexBeside([(search_entry_key(spec.key), spec.directive) for spec in specs],
                                      self.site.site_dir, self._search_cache(), self.plan.renderer.cache,
                                      titles=len(specs) <= TITLES_BESIDE_MAX)
        return self.beside

    def _write_chunk(self, uris: list[str], write_page: Callable[[PageSpec], bool], shells: ShellBook | None) -> None:
        """Write pages with `write_page`, a batch at a time; a streamed build takes finished pages
        from the page store, their HTML from the render cache, and stores what it made back there
        (the pages, their HTML, the search pages)."""
        assert self.plan is not None and self.site is not None
        plan, streamed = self.plan, self.streamed
        cache = plan.renderer.cache
        site = str(self.site.site_dir)
        for start in range(0, len(uris), WRITE_BATCH):
            specs = [plan.pages[uri] for uri in uris[start:start + WRITE_BATCH]]
            placed = self._place_stored(specs, site)
            indexed = cache.present(SEARCH_DIGESTS, [search_entry_key(s.key) for s in specs if s.kind == "directive"]) if streamed else set()
            # A page taken whole still needs its HTML when its search page is not stored yet.
            specs = [s for s in specs if s.src_uri not in placed or (s.kind == "directive" and search_entry_key(s.key) not in indexed)]
            fresh = plan.fetch(specs) if streamed else []
            plan.renderer.fetch_bodies([s.directive for s in fresh if s.directive is not None and s.kind == "directive"])
            search = []
            for spec in specs:
                if spec.src_uri not in placed and write_page(spec) and self.page_store is not None and spec.key:
                    self.page_store[0].keep(self.page_store_keys[spec.src_uri], f"{site}/{_dest(spec)}")
                if streamed and spec.kind == "directive" and search_entry_key(spec.key) not in indexed:
                    search.append((search_entry_key(spec.key), spec.directive, spec.data_key, spec.html()[0]))
            if streamed:
                plan.store(fresh)
                make_search_pages(cache, search)
                cache.flush()  # the directive bodies rendered here
            for spec in specs:
                spec.forget_text()
                if streamed:
                    spec.rendered = None
        if shells is not None:
            log.debug(f"Trang dựng từ khuôn: {shells.filled}, dựng đủ: {shells.rendered}.")

    def _place_stored(self, specs: list[PageSpec], site: str) -> set[str]:
        """Put the pages of `specs` that the page store holds into the site; returns their src_uri."""
        placed: set[str] = set()
        if self.page_store is None:
            return placed
        store, _, hooks = self.page_store
        for spec in specs:
            dest = f"{site}/{_dest(spec)}"
            if spec.key and store.place(self.page_store_keys[spec.src_uri], dest):
                placed.add(spec.src_uri)
                for hook in hooks:
                    hook.reused_page(path=dest, url=spec.url)
        return placed

    def drop_generated_html(self) -> None:
        """A build (not a preview) needs a generated page's HTML once more only for the search page
        of a directive: make those now and let go of the HTML (at 100 000 directives, ~1 GB
        compressed). The pages of the navigation, which MkDocs renders next, keep theirs."""
        if self.plan is not None and not self.dirty:
            self._search_pages()
            self.plan.release(lambda spec: spec.in_nav)

    def post_build(self, doc_entries: Callable[[], list[tuple[str, str | None]]],
                   finish_file: Callable[[str], str] | None = None) -> None:
        """Write what follows MkDocs' pages; `doc_entries` gives the sitemap entries (address, date)
        of MkDocs' own pages; `finish_file`, what the hooks make of an HTML file written outside
        MkDocs' pages (`webserver.write_short_link_stubs`)."""
        kept, plan, site_settings = self.kept, self.plan, self.site
        if plan is None or site_settings is None:
            return
        started = time.perf_counter()
        site = site_settings.site_dir
        site_url = site_settings.url
        attachments = {a.dest_uri for a in plan.attachments()}
        if self.dirty:
            _remove_stale(site, set(kept.previous) - set(plan.pages), kept.previous_attachments - attachments)
        else:  # MkDocs emptied the site folder: nothing of a previous build is there
            kept.open_data.forget()
            kept.feeds.forget()
            kept.stubs.clear()
            kept.manifest_present.clear()
            kept.outputs_key = ""
        self.changed_directives = [spec.directive for uri, spec in plan.pages.items()
                                   if spec.kind == "directive" and kept.previous.get(uri, ("",))[0] != spec.key]
        directives_changed = bool(self.changed_directives) or any(
            uri not in plan.pages for uri in kept.previous if uri.startswith("van-ban/"))
        kept.previous, kept.previous_archive_key, kept.previous_attachments = plan.rendered_pages(), plan.archive_key, attachments
        # What only the archive's metadata and the hand-written pages decide (an edit of a directive's
        # text under `serve --dirty` changes none of it): redirect pages, short links, feeds, the manifest.
        # (archive_key: the code, registries, site name and address, every directive's front matter.)
        outputs_key = stable_hash(plan.archive_key, site_settings.copyright, _docs_stamp(site_settings.docs_dir))
        metadata_changed = outputs_key != kept.outputs_key
        if not self.dirty:
            # The index first: Pagefind's processes (~400 MB at 100 000 directives) then run beside a
            # main process that has not yet grown by the exports' and the manifest's working memory
            # (~500 MB there, which Python keeps in its heap once freed).
            self._write_search(site, directives_changed, metadata_changed)
        if metadata_changed:
            self._write_redirect_pages(site, site_url)
            # nginx: aliases and short links as HTTP 301 (and redirect pages for hosts without nginx).
            write_redirects(site, plan.archive)
            # Stubs kept in the build cache wherever finished pages are (`write_pages`).
            stubs = PageStore(self.page_store[0].folder.parent / STUBS_DIR) if self.page_store is not None else None
            for url in write_short_link_stubs(site, plan.archive, site_url, kept.stubs, moved_site(site), stubs, finish_file):
                log.warning(f"Liên kết ngắn /{url} trùng với một trang đang có; không tạo trang chuyển hướng.")
            self._forget_unless_dirty(kept.stubs.clear)
            # Each feed is written again only when its entries' front matter changed.
            kept.feeds.write(site, build_feeds(plan.listings, site_settings.name), site_url, site_settings.copyright,
                             _code_and_registries_key(plan.archive))
        directive_keys = {spec.directive.url: spec.data_key for spec in plan.pages.values() if spec.kind == "directive"}
        kept.open_data.write(site, plan.archive, site_url, directive_keys, cache=plan.renderer.cache)
        self._forget_unless_dirty(kept.open_data.forget)
        for source, copy in alias_copies(plan.archive):
            # Attachments under an old directory address stay where links expect them.
            if (site / source).is_file():
                (site / copy).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(site / source, site / copy)
        if outputs_key != kept.outputs_key:
            # The manifest of public URLs (compared with published-urls.txt by `vanban links`).
            entries = public_urls(plan, site_settings.docs_dir)
            for url in write_build_manifest(site, entries, kept.manifest_present):
                log.warning(f"Sổ đường dẫn ghi {url} nhưng bản dựng không tạo ra trang này.")
            del entries
            self._forget_unless_dirty(kept.manifest_present.clear)
            kept.outputs_key = outputs_key
        self._write_sitemap(site, doc_entries())
        if not self.dirty:
            pruned = plan.renderer.cache.prune()
            if pruned:
                log.info(f"Bộ đệm: bỏ {pruned} mục của phiên bản mã trước.")
            if self.page_store is not None:
                self.page_store[0].prune(set(self.page_store_keys.values()), background=True)
                self.page_store, self.page_store_keys = None, {}
        if self.dirty:
            log.debug(f"on_post_build without search: {time.perf_counter() - started:.2f} s")
            self._write_search(site, directives_changed, metadata_changed)
        else:
            self._write_titles(site)
        self._show_or_fail_on_problems()

    def _show_or_fail_on_problems(self) -> None:
        """The preview lists the problems in pages; a build with an error fails, everything written."""
        assert self.plan is not None and self.site is not None
        if self.serving:
            published = {d.rel_path: d.url for d in self.plan.archive.directives}
            self.kept.preview.write(self.site.site_dir, self.problems, self.failed, published,
                                    len(self.plan.archive), self.base_path())
        elif exit_status(self.problems):
            raise ArchiveHasErrors(summary_line(self.problems, len(self.plan.archive) + len(
                {p.path for p in self.problems if p.is_error})))

    def base_path(self) -> str:
        """The site's path on its host ("/" for the preview at http://127.0.0.1:8000/)."""
        url = self.site.url if self.site is not None else ""
        return "/" + url.split("://", 1)[-1].partition("/")[2] if url else "/"

    def banner(self) -> str:
        """The preview's banner while the archive has problems ("" when it has none)."""
        return banner_html(self.problems, self.base_path()) if self.serving else ""

    # --------------------------------------------------------------------------------------------
    # Helpers of post_build
    # --------------------------------------------------------------------------------------------

    def _forget_unless_dirty(self, forget: Callable[[], None]) -> None:
        # What a writer keeps serves only the next `serve --dirty` rebuild (any other build starts from
        # an empty site folder and forgets it then). Dropped at once, its memory is reused by the next
        # writer: at 100 000 directives the open-data records are ~290 MB, and the manifest that
        # follows peaked ~200 MB above them.
        if not self.dirty:
            forget()

    def _write_redirect_pages(self, site: Path, site_url: str) -> None:
        assert self.plan is not None
        for rel, html in redirect_pages(self.plan.archive, site_url).items():
            out = site / rel
            if out.exists() and out.read_text(encoding="utf-8", errors="replace") == html:
                continue  # written by the previous build of `mkdocs serve --dirty`
            if out.exists():
                log.error(f"Đường dẫn cũ /{rel} trùng với một trang đang có; bỏ đường dẫn này khỏi 'aliases'.")
                continue
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(html, encoding="utf-8")

    def _write_sitemap(self, site: Path, doc_entries: list[tuple[str, str | None]]) -> None:
        """Replace MkDocs' sitemap (its own pages only) with one of every page, dated as before."""
        assert self.plan is not None and self.site is not None
        site_url = self.site.url
        entries = doc_entries + [(_absolute(site_url, spec.url), self.lastmod(spec))
                                 for spec in self.plan.pages.values() if not spec.in_nav]
        files = sitemap_files(entries, _absolute(site_url, ""))
        for name, xml in files.items():
            (site / name).write_text(xml, encoding="utf-8")
        dates = [d for _, d in entries if d]
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        newest = datetime.fromisoformat(max(dates)).replace(tzinfo=timezone.utc) if dates else None
        mtime = int(epoch) if epoch else int(newest.timestamp()) if newest else 0
        (site / "sitemap.xml.gz").write_bytes(gzipped(files["sitemap.xml"], "sitemap.xml.gz", mtime))

    def _write_search(self, site: Path, directives_changed: bool, metadata_changed: bool) -> None:
        # Pagefind reads the directive HTML the plan rendered, from memory (not the written pages).
        assert self.plan is not None
        plan, kept = self.plan, self.kept
        # The number map and the filter counts show numbers, addresses, types, issuers, topics and
        # statuses: under serve --dirty, a text or subject edit changes none of them.
        stamp = stable_hash(registries_stamp(plan.archive), *(
            f"{d.url}\0{d.number.text}\0{d.type.key}\0{d.issuer.key}\0{[t.key for t in d.topics]}\0{d.effective_status}"
            for d in plan.archive.directives))
        if metadata_changed and (not self.dirty or stamp != kept.search_data_stamp[0]):
            kept.search_data_stamp[:] = [stamp, write_number_map(site, plan.archive)]
            write_filter_counts(site, plan.archive)
        keys = kept.search_data_stamp[1]
        beside = self.beside.finish() if self.beside is not None else []
        pages = list(kept.search_documents.values()) if not self.dirty and kept.search_documents else self._search_pages()
        if self.dirty and (site / PAGEFIND_DIR / BUCKETS_FILE).is_file():
            # Pagefind cannot update an index: under `mkdocs serve --dirty` the edited page is served at
            # once, and the bucket(s) holding the changed directives and the titles index are indexed
            # again in the background (the titles' 10 000 records took 2.5 s to make, 8 s to index).
            if directives_changed:
                # The titles index reads the front matter and a text's opening words only: an edit
                # further down a text leaves it as it is (its records took 1–2.5 s to make again).
                openings = {d.url: title_opening(d) for d in self.changed_directives}
                titles_due = metadata_changed or any(kept.title_openings.get(url) != text for url, text in openings.items())
                kept.title_openings.update(openings)
                kept.background_index.submit(site, pages, self._search_cache(), plan.archive.directives, titles_due)
            return
        stats = write_index(pages, site, cache_dir=self._search_cache(), texts=plan.renderer.cache)
        reused = f", {len(stats.cached)} phần lấy từ bộ đệm" if stats.cached else ""
        reused += f", {len(beside)} phần lập trong lúc ghi trang" if beside else ""
        log.info(f"Tìm kiếm: {stats.pages} văn bản trong chỉ mục, chia {stats.buckets} phần theo năm{reused} "
                 f"({stats.seconds:.1f} s), {keys} số ký hiệu.")
        if self.dirty:  # the preview's first build (a build writes it last, `post_build`)
            self._write_titles(site)

    def _write_titles(self, site: Path) -> None:
        """The titles index, last: kept as it is unless a type, number or subject or an opening changed.
        The process beside the page writers made it meanwhile (its 10 000 records took Pagefind ~6 s
        of CPU, the longest part of a publish build); this waits for it and puts it in place."""
        assert self.plan is not None
        titles = self.beside.finish_titles() if self.beside is not None else []
        self.beside = None
        # A preview's later rebuilds make the records again: it remembers their opening words.
        write_title_index(site, self.plan.archive.directives, self._search_cache(), written=titles, remember=self.dirty)

    def _search_cache(self) -> Path | None:
        # Buckets indexed by an earlier build, by key, beside the render cache (the project root is the
        # folder of the hooks folder, where mkdocs.yml is).
        return cache_dir_for(self.code_root)

    def _search_pages(self) -> list[SearchPage]:
        # The page Pagefind reads is a function of the page's inputs, which its key hashes: under
        # `mkdocs serve` only edited directives are prepared again. A streamed build's writers stored
        # them in the render cache: Pagefind's feeder reads them from there, a bucket at a time.
        assert self.plan is not None
        plan, previous = self.plan, self.kept.search_documents
        specs = [spec for spec in plan.pages.values() if spec.kind == "directive"]
        assert all(spec.key for spec in specs)  # SitePlan keys every directive page
        entries = [(search_entry_key(spec.key), spec.directive) for spec in specs]
        stored = stored_search_pages(plan.renderer.cache, entries) if self.streamed else {}
        documents = {}
        todo = []
        for spec, (key, _) in zip(specs, entries):
            if key in previous:
                documents[key] = previous[key]
            elif key in stored:
                documents[key] = stored[key]
            else:
                todo.append((key, spec.directive, lambda spec=spec: _html_once(spec)))
        documents.update(prepare_pages(todo, plan.renderer.cache))
        self.kept.search_documents = documents  # for post_build, and for the next rebuild of serve --dirty
        return list(documents.values())


class _BackgroundIndex:
    """One thread that brings the search index up to the latest preview build (only the buckets whose
    directives changed are indexed again, then the titles index if a title or an opening changed);
    newer work replaces waiting work."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: tuple[Path, list[SearchPage], Path | None] | None = None
        self._thread: threading.Thread | None = None

    def submit(self, site: Path, pages: list[SearchPage], cache_dir: Path | None, directives: list, titles: bool) -> None:
        with self._lock:
            # Newer work replaces waiting work, and takes over its titles index if that was due.
            titles = titles or (self._waiting is not None and self._waiting[4])
            self._waiting = (site, pages, cache_dir, directives, titles)
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
                stats = write_index(job[1], job[0], cache_dir=job[2])
                if job[4]:
                    write_title_index(job[0], job[3], job[2])
                done = ", ".join(stats.indexed) or "không phần nào thay đổi"
                log.info(f"Tìm kiếm: đã cập nhật chỉ mục ({stats.pages} văn bản; lập lại: {done}; {stats.seconds:.1f} s).")
            except Exception as exc:  # the preview goes on; the next edit retries
                log.warning(f"Tìm kiếm: chưa cập nhật được chỉ mục: {exc}")


def write_page(out: Path, html: str, compressed: bool = False) -> None:
    """Write a page as MkDocs would (a character UTF-8 cannot hold as a reference); an error names the file.
    A file already there is replaced, never written in place: it may be a link into the page store.
    `compressed`: its `.gz` copy too, written after it (`vanban.precompress` then only looks at it)
    while the bytes are at hand, in the worker that framed the page, not re-read after the build."""
    # Plain os calls, and the folder made only when the page is its first file: 0.43 against 0.46 ms
    # of CPU a page with pathlib's mkdir(exist_ok=True), unlink and write_bytes (30 KB page and its copy).
    path = os.fspath(out)
    copy = path + ".gz"
    try:
        _unlink(path)
        _unlink(copy)
        data = html.encode("utf-8", errors="xmlcharrefreplace")
        _write_new(path, data)
        packed = gz_copy(data) if compressed else None
        if packed is not None:
            _write_new(copy, packed)
    except OSError as error:  # a full disk fails the write, not the open: name the file (guard_hooks)
        error.filename = error.filename or path
        raise


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _write_new(path: str, data: bytes) -> None:
    try:
        file = open(path, "wb")
    except FileNotFoundError:  # the page's folder is new (a cold build's pages)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        file = open(path, "wb")
    with file:
        file.write(data)


def _html_once(spec: PageSpec) -> str:
    """A page's HTML, read for its search page only: nothing of it is kept as text."""
    html = spec.html()[0]
    spec.forget_text()
    return html


def _deleted_directives(root: Path, directives: Path, archive) -> list:
    """Errors for published directives whose file is gone (`published-urls.txt` beside mkdocs.yml)."""
    manifest = root / MANIFEST_NAME
    if not manifest.is_file():
        return []
    produced = {"/" + d.url for d in archive.directives} | {"/" + a.lstrip("/") for d in archive.directives for a in d.aliases}
    return deleted_directives(manifest.read_text(encoding="utf-8"), produced, root, directives)


def _dest(spec: PageSpec) -> str:
    return spec.url + "index.html"


def _absolute(site_url: str, url: str) -> str:
    return (site_url.rstrip("/") + "/" + url) if site_url else "/" + url


def _remove_stale(site: Path, page_uris: set[str], attachment_uris: set[str]) -> None:
    """A dirty build never deletes: drop what a removed or renamed directive left in the preview."""
    for uri in page_uris:
        (site / uri).with_name("index.html").unlink(missing_ok=True)
    for uri in attachment_uris:
        (site / uri).unlink(missing_ok=True)


def _docs_stamp(docs_dir: Path) -> str:
    # The hand-written pages are in the manifest, and a redirect page may not take their place.
    return "\n".join(f"{p}\0{p.stat().st_mtime_ns}" for p in sorted(docs_dir.rglob("*.md")))


def _code_and_registries_key(archive) -> str:
    return stable_hash(stage_key("feeds"), registries_stamp(archive))
