"""The render cache: a warm build is byte-identical to a cold one, and edits invalidate the right pages."""

import ast
import filecmp
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BuildResult, fixture_text, fragments_text, make_archive, run_build


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.is_file() and not _pagefind_unstable(p.relative_to(site).as_posix())}


def _pagefind_unstable(rel: str) -> bool:
    # Pagefind itself chunks filters in hash-map order, different on every run even for the same
    # pages (its fragments and word index are stable and stay compared); the entry file and the
    # meta file name those chunks. The same in the primary index and in every bucket.
    name = rel.rsplit("/", 1)[-1]
    return rel.startswith("pagefind/") and ("/filter/" in rel or name == "pagefind-entry.json" or name.endswith(".pf_meta"))


def test_warm_build_is_byte_identical_to_cold(tmp_path):
    cache = tmp_path / "cache"
    cold = run_build(tmp_path / "cold", extra_env={"VANBAN_CACHE": str(cache)})
    assert cold.returncode == 0, cold.output
    # Directive bodies by text, whole generated pages, search pages and open data by page key: a
    # warm build renders none of them again.
    buckets = json.loads((cold.site / "pagefind" / "buckets.json").read_text(encoding="utf-8"))["buckets"]
    directive_pages = sum(b["pages"] for b in buckets)
    with sqlite3.connect(cache / "entries.sqlite") as db:
        stored = dict(db.execute("SELECT kind, COUNT(*) FROM entries GROUP BY kind").fetchall())
    assert stored["pages"] > directive_pages and stored["search"] == directive_pages == stored["opendata"]
    assert stored["body"] > 0  # metadata-only entries have no body to cache
    warm = run_build(tmp_path / "warm", extra_env={"VANBAN_CACHE": str(cache)})
    uncached = run_build(tmp_path / "off", extra_env={"VANBAN_CACHE": "off"})
    assert site_files(cold.site) == site_files(warm.site) == site_files(uncached.site)
    # The warm build copied every search bucket from the cache instead of indexing it again.
    assert "6 phần lấy từ bộ đệm" in warm.output and "bộ đệm" not in cold.output + uncached.output


def test_editing_a_directive_changes_only_its_pages(tmp_path):
    cache = tmp_path / "cache"
    folder = make_archive(tmp_path / "d", {"a.md": fixture_text("ke-hoach-hop-le.md"),
                                           "b.md": fixture_text("cong-van-hop-le.md")})
    before = run_build(tmp_path / "s1", folder, extra_env={"VANBAN_CACHE": str(cache)})
    (folder / "b.md").write_text(fixture_text("cong-van-hop-le.md").replace("Thực hiện chỉ đạo", "Thực hiện ý kiến chỉ đạo"),
                                 encoding="utf-8")
    after = run_build(tmp_path / "s2", folder, extra_env={"VANBAN_CACHE": str(cache)})
    old, new = site_files(before.site), site_files(after.site)
    changed = {k for k in old if old[k] != new.get(k)}
    # The page and its open-data twin (which carries the text); the whole-archive export has no text.
    # The search index changes with the text too: only the 2022 bucket is new (its folder is named by
    # its content), and the list of buckets names it. (Each file's .gz copy changes with it.)
    assert {k.removesuffix(".gz") for k in changed if not k.startswith("pagefind/")} == {
        "van-ban/2022/1562-ubnd-kt/index.html", "van-ban/2022/1562-ubnd-kt/index.json"}
    # The titles index is new too: it carries the opening words of each text (the excerpt of a
    # title match), and this edit is in the opening; `tieu-de.json` names it.
    lists = {"pagefind/buckets.json", "pagefind/tieu-de.json"}
    gone = {k.split("/")[1] for k in changed if k.startswith("pagefind/") and k not in lists}
    added = {k.split("/")[1] for k in set(new) - set(old) if k.startswith("pagefind/")}
    assert sorted(name.rsplit("-", 1)[0] for name in gone) == ["nam-2022", "tieu-de"]
    assert sorted(name.rsplit("-", 1)[0] for name in added) == ["nam-2022", "tieu-de"]
    assert lists <= changed
    assert "Thực hiện ý kiến chỉ đạo" in after.page("van-ban/2022/1562-ubnd-kt/")


def test_editing_a_registry_entry_changes_the_pages_that_show_it(tmp_path):
    cache = tmp_path / "cache"
    folder = make_archive(tmp_path / "d", {"a.md": fixture_text("ke-hoach-hop-le.md"),
                                           "b.md": fixture_text("cong-van-hop-le.md").replace("ubnd-tinh", "stttt")
                                           .replace("1562/UBND-KT", "1562/STTTT-KT")})
    before = run_build(tmp_path / "s1", folder, extra_env={"VANBAN_CACHE": str(cache)})
    topics = folder / "_registries" / "topics.yml"
    topics.write_text(topics.read_text(encoding="utf-8").replace("{name: Cải cách hành chính}", "{name: Cải cách hành chính nhà nước}"),
                      encoding="utf-8")
    after = run_build(tmp_path / "s2", folder, extra_env={"VANBAN_CACHE": str(cache)})
    assert "Cải cách hành chính nhà nước" in after.page("van-ban/2023/02-kh-ubnd/")
    assert filecmp.cmp(before.site / "van-ban/2022/1562-stttt-kt/index.html", after.site / "van-ban/2022/1562-stttt-kt/index.html",
                       shallow=False)


def test_adding_the_cited_directive_changes_the_citing_page(tmp_path):
    # The body's links depend on other files: the cache key must cover where they point.
    cache = tmp_path / "cache"
    citing = fixture_text("cong-van-hop-le.md").replace("Thực hiện chỉ đạo", "Thực hiện Kế hoạch số 02/KH-UBND ngày 04/01/2023 và chỉ đạo")
    folder = make_archive(tmp_path / "d", {"b.md": citing})
    before = run_build(tmp_path / "s1", folder, extra_env={"VANBAN_CACHE": str(cache)})
    assert before.returncode == 0, before.output
    assert 'class="vb-ref"' not in before.page("van-ban/2022/1562-ubnd-kt/")
    (folder / "a.md").write_text(fixture_text("ke-hoach-hop-le.md"), encoding="utf-8")
    after = run_build(tmp_path / "s2", folder, extra_env={"VANBAN_CACHE": str(cache)})
    assert '<a class="vb-ref" href="../../2023/02-kh-ubnd/">Kế hoạch số 02/KH-UBND ngày 04/01/2023</a>' in after.page("van-ban/2022/1562-ubnd-kt/")


def test_parallel_rendering_writes_the_same_site_as_one_process(tmp_path):
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate import generate

    folder = tmp_path / "d"
    generate(folder, 320, seed=3)  # above the threshold where pages are rendered on all cores
    # One process rendering Material's template for every page, against workers filling page
    # shells (vanban/shell.py), running the hooks' on_post_page and writing: the same bytes, the
    # Content-Security-Policy (gathered from every page, in the workers) included.
    serial = run_build(tmp_path / "one", folder, strict=False,
                       extra_env={"VANBAN_CACHE": "off", "VANBAN_WORKERS": "1", "VANBAN_PAGE_SHELLS": "0"})
    parallel = run_build(tmp_path / "two", folder, strict=False, extra_env={"VANBAN_CACHE": "off", "VANBAN_WORKERS": "2"},
                         args=["--verbose"])
    # With a render cache, the workers that write the pages also render them, and store them and
    # the search pages in the cache (no process holds every page); Pagefind's feeder reads them back.
    streamed = run_build(tmp_path / "three", folder, strict=False,
                         extra_env={"VANBAN_CACHE": str(tmp_path / "cache"), "VANBAN_WORKERS": "2"})
    assert serial.returncode == 0 and parallel.returncode == 0 and streamed.returncode == 0, parallel.output + streamed.output
    filled = [int(n) for n in re.findall(r"Trang dựng từ khuôn: (\d+)", parallel.output)]
    assert sum(filled) > 300, "most pages were filled into shells"
    one, two = site_files(serial.site), site_files(parallel.site)
    assert len([k for k in one if k.startswith("van-ban/") and k.endswith("index.html")]) >= 320
    three = site_files(streamed.site)
    assert one.keys() == two.keys() == three.keys()
    assert [k for k in one if one[k] != two[k]] == [] and [k for k in one if one[k] != three[k]] == []
    with sqlite3.connect(tmp_path / "cache" / "entries.sqlite") as db:
        stored = dict(db.execute("SELECT kind, COUNT(*) FROM entries GROUP BY kind").fetchall())
    directives = sum(b["pages"] for b in json.loads((streamed.site / "pagefind" / "buckets.json").read_bytes())["buckets"])
    assert directives >= 320 and stored["search"] == directives and stored["pages"] > directives
    # The streamed build indexed search buckets while its pages were being written (the same bytes).
    beside = re.search(r"(\d+) phần lập trong lúc ghi trang", streamed.output)
    assert beside and int(beside.group(1)) > 0, streamed.output


def test_a_short_link_choice_page_changes_only_with_the_directives_it_lists(tmp_path):
    # /so/02-kh-ubnd/ lists the two plans numbered 02/KH-UBND (2023 and 2024). Editing another
    # directive's subject leaves it as it was; editing one of the two plans' subjects changes it.
    cache = tmp_path / "cache"
    plan = fixture_text("ke-hoach-hop-le.md")
    folder = make_archive(tmp_path / "d", {"a.md": plan, "a2024.md": plan.replace("date: 2023-01-04", "date: 2024-01-04"),
                                           "b.md": fixture_text("cong-van-hop-le.md")})
    choice = "so/02-kh-ubnd/index.html"
    first = run_build(tmp_path / "s1", folder, extra_env={"VANBAN_CACHE": str(cache)})
    assert "Có 2 văn bản mang số 02/KH-UBND" in (first.site / choice).read_text(encoding="utf-8")
    (folder / "b.md").write_text(fixture_text("cong-van-hop-le.md").replace("chữa cháy rừng", "chữa cháy rừng năm 2023"),
                                 encoding="utf-8")
    second = run_build(tmp_path / "s2", folder, extra_env={"VANBAN_CACHE": str(cache)})
    assert filecmp.cmp(first.site / choice, second.site / choice, shallow=False)
    assert "chữa cháy rừng năm 2023" in second.page("van-ban/2022/1562-ubnd-kt/")
    (folder / "a2024.md").write_text(plan.replace("date: 2023-01-04", "date: 2024-01-04")
                                     .replace("năm 2023", "năm 2024"), encoding="utf-8")
    third = run_build(tmp_path / "s3", folder, extra_env={"VANBAN_CACHE": str(cache)})
    assert "Cải cách hành chính tỉnh Lạng Sơn năm 2024" in (third.site / choice).read_text(encoding="utf-8")


def test_entries_of_other_code_are_pruned(tmp_path):
    from vanban.cache import DATABASE, RenderCache

    cache = RenderCache(tmp_path)
    cache.put_many("pages", [("a", b"current")])
    cache.put("body-key", ["<p>x</p>", []])
    cache.flush()
    with sqlite3.connect(tmp_path / DATABASE) as db:  # as an earlier version of the code left them
        db.execute("INSERT INTO entries (kind, key, code, value) VALUES ('pages', 'old', 'other-code', x'00')")
    assert set(cache.get_many("pages", ["a", "old"])) == {"a", "old"}
    assert cache.prune() == 1
    assert cache.get_many("pages", ["a", "old"]) == {"a": b"current"}
    assert cache.get("body-key") == ["<p>x</p>", []]


# ------------------------------------------------------------------------------------------------
# Stage keys: an upgrade re-makes only the products of the stage whose code changed
# ------------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "hooks" / "vanban"


def _copy_project(dest: Path) -> Path:
    """The project as a department deploys it (config, hooks, pages, the sample archive)."""
    ignore = shutil.ignore_patterns("__pycache__")
    for part in ("hooks", "docs", "directives"):
        shutil.copytree(ROOT / part, dest / part, ignore=ignore)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def _build_project(project: Path, site: Path, cache: Path) -> BuildResult:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", VANBAN_CACHE=str(cache))
    env.pop("VANBAN_DIRECTIVES", None)  # the copy's own directives/
    proc = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "--site-dir", str(site),
                           "--config-file", str(project / "mkdocs.yml")],
                          cwd=project, env=env, capture_output=True, text=True, timeout=600)
    return BuildResult(proc.returncode, proc.stdout + proc.stderr, site)


def _entries(cache: Path) -> dict[str, set[str]]:
    with sqlite3.connect(cache / "entries.sqlite") as db:
        rows = db.execute("SELECT kind, key FROM entries").fetchall()
    found: dict[str, set[str]] = {}
    for kind, key in rows:
        found.setdefault(kind, set()).add(key)
    return found


@pytest.fixture(scope="module")
def built_project(tmp_path_factory):
    """A copy of the project built once with a cache: (project, cache, site, entries)."""
    base = tmp_path_factory.mktemp("stages")
    project = _copy_project(base / "project")
    result = _build_project(project, base / "site", base / "cache")
    assert result.returncode == 0, result.output
    return project, base / "cache", base / "site", _entries(base / "cache")


def _upgrade(built_project, tmp_path: Path, edit) -> tuple[BuildResult, dict[str, int]]:
    """Copy the built project and its cache, `edit(package folder)`, build again: the build and
    how many entries of each kind it made (what it rendered or prepared again)."""
    project, cache, _, before = built_project
    copy = tmp_path / "project"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("__pycache__"))
    _copy_cache(cache, tmp_path / "cache")
    edit(copy / "hooks" / "vanban")
    result = _build_project(copy, tmp_path / "site", tmp_path / "cache")
    assert result.returncode == 0, result.output
    after = _entries(tmp_path / "cache")
    return result, {kind: len(after.get(kind, set()) - before.get(kind, set()))
                    for kind in ("body", "pages", "search", "search-text", "opendata")}


def _copy_cache(cache: Path, dest: Path) -> None:
    """The cache as one consistent copy: its database's journal written into the database first,
    then left out (SQLite deletes the journal files when its last connection closes, which a
    process of an earlier build may do while the folder is being copied)."""
    db = sqlite3.connect(cache / "entries.sqlite")
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    shutil.copytree(cache, dest, ignore=shutil.ignore_patterns("entries.sqlite-wal", "entries.sqlite-shm"))


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _buckets_reused(output: str) -> int:
    found = re.search(r"chia (\d+) phần theo năm(?:, (\d+) phần lấy từ bộ đệm)?", output)
    assert found, output
    return int(found.group(2) or 0) if int(found.group(1)) else -1


def _bucket_count(site: Path) -> int:
    return len(json.loads((site / "pagefind" / "buckets.json").read_text(encoding="utf-8"))["buckets"])


def test_a_feed_writer_change_makes_nothing_but_the_feeds_again(built_project, tmp_path):
    # An upgrade that changes no output (a comment in the feed writer): every body, page, search page,
    # open-data record and search bucket comes from the cache, and the site is the same.
    _, _, site, _ = built_project
    result, made = _upgrade(built_project, tmp_path, lambda pkg: _append(pkg / "feeds.py", "\n# upgraded\n"))
    assert made == {"body": 0, "pages": 0, "search": 0, "search-text": 0, "opendata": 0}
    assert _buckets_reused(result.output) == _bucket_count(site)
    assert (tmp_path / "site" / "van-ban" / "atom.xml").read_bytes() == (site / "van-ban" / "atom.xml").read_bytes()
    assert site_files(tmp_path / "site") == site_files(site)


def test_a_listing_template_change_makes_the_listing_pages_only(built_project, tmp_path):
    # The listing template changes what listing pages show: those are made again (Material's frame
    # around every page is rendered on every build anyway); no directive page, body, search page,
    # open-data record or search bucket is.
    _, _, site, before = built_project
    result, made = _upgrade(built_project, tmp_path, lambda pkg: _append(
        pkg / "templates" / "listing.html", '<p class="vb-upgrade">Danh sách cập nhật theo phiên bản mới.</p>\n'))
    listing_pages = len([k for k in site_files(site) if k.endswith("index.html")]) - len(before["search"])
    assert made == {"body": 0, "pages": made["pages"], "search": 0, "search-text": 0, "opendata": 0}
    assert 0 < made["pages"] < listing_pages  # not the hand-written pages, indexes and statistics either
    assert _buckets_reused(result.output) == _bucket_count(site)
    assert "Danh sách cập nhật theo phiên bản mới." in result.page("van-ban/")
    assert "Danh sách cập nhật theo phiên bản mới." not in result.page("van-ban/2023/02-kh-ubnd/")
    old, new = site_files(site), site_files(tmp_path / "site")
    changed = {k for k in old if old[k] != new.get(k)}
    # Listing pages only (and their gzipped copies): no directive page, no feed, no open data, no search file.
    assert changed and all(k.endswith(("index.html", "index.html.gz")) and not re.match(r"van-ban/\d{4}/[^/]+/", k)
                           for k in changed), changed


def test_a_directive_template_change_reindexes_only_what_it_changes(built_project, tmp_path):
    # A Jinja comment changes the template's file but not one byte of any page: directive pages are
    # made again from the cached bodies, their search pages are taken from the earlier ones made of
    # the same text (`search.text_key`), so nothing is indexed again.
    _, _, site, before = built_project
    def edit(pkg: Path) -> None:
        template = pkg / "templates" / "directive.html"
        template.write_text("{# upgraded #}" + template.read_text(encoding="utf-8"), encoding="utf-8")

    result, made = _upgrade(built_project, tmp_path, edit)
    assert made["body"] == 0 and made["opendata"] == 0 and made["pages"] == made["search"] == len(before["search"])
    assert made["search-text"] == 0
    assert _buckets_reused(result.output) == _bucket_count(site)
    assert site_files(tmp_path / "site") == site_files(site)


def test_a_directive_template_change_outside_the_searchable_part_reindexes_nothing(built_project, tmp_path):
    # A visible paragraph after the element Pagefind reads (`data-pagefind-body`): every directive
    # page shows it and is framed again from its cached body, its search page is the earlier one of
    # the same text (the search page holds only that element), so no bucket is indexed again.
    _, _, site, before = built_project
    result, made = _upgrade(built_project, tmp_path, lambda pkg: _append(
        pkg / "templates" / "directive.html", '<p class="vb-upgrade">Bản cập nhật của khung trang.</p>\n'))
    directives = len(before["search"])
    assert made["body"] == 0 and made["opendata"] == 0 and made["pages"] == made["search"] == directives
    # Stored under the pages' new keys, but taken from the earlier search pages of the same text.
    assert made["search-text"] == 0
    assert "Bản cập nhật của khung trang." in result.page("van-ban/2023/02-kh-ubnd/")
    assert "Bản cập nhật của khung trang." not in fragments_text(tmp_path / "site")
    assert _buckets_reused(result.output) == _bucket_count(site)


def test_a_directive_template_change_inside_the_searchable_part_reindexes_the_buckets(built_project, tmp_path):
    # The same paragraph in the paper's body, which Pagefind reads, is text a query can find: every
    # bucket with a directive's full text is indexed again, and the index (not only the page) has it.
    _, _, site, _ = built_project
    def edit(pkg: Path) -> None:
        template = pkg / "templates" / "directive.html"
        text = template.read_text(encoding="utf-8")
        start = text.index('<div class="vb-paper__body">') + len('<div class="vb-paper__body">')
        template.write_text(text[:start] + '\n<p class="vb-upgrade">Bản cập nhật trong phần tìm kiếm.</p>' + text[start:],
                            encoding="utf-8")

    result, made = _upgrade(built_project, tmp_path, edit)
    assert made["body"] == 0 and made["search"] == made["pages"] > 0
    assert 0 < made["search-text"] <= made["search"]  # made again: those with a paper body, whose text changed
    assert _buckets_reused(result.output) < _bucket_count(site)  # those of metadata-only directives (no paper) are kept
    assert "Bản cập nhật trong phần tìm kiếm." in result.page("van-ban/2023/stttt-ttbcxb-tuyen-truyen-cchc-sap-nhap-thon/")
    assert "Bản cập nhật trong phần tìm kiếm." in fragments_text(tmp_path / "site")


def test_an_open_data_change_remakes_the_open_data_only(built_project, tmp_path):
    _, _, site, before = built_project
    result, made = _upgrade(built_project, tmp_path, lambda pkg: _append(pkg / "opendata.py", "\n# upgraded\n"))
    assert made == {"body": 0, "pages": 0, "search": 0, "search-text": 0, "opendata": len(before["opendata"])}
    assert _buckets_reused(result.output) == _bucket_count(site)
    assert site_files(tmp_path / "site") == site_files(site)


def test_a_body_renderer_change_renders_the_bodies_again(built_project, tmp_path):
    # render.py renders bodies: their HTML, the pages and the search pages are made again; the open
    # data (fields and Markdown text, no HTML) is not.
    _, _, site, before = built_project
    result, made = _upgrade(built_project, tmp_path, lambda pkg: _append(pkg / "render.py", "\n# upgraded\n"))
    assert made["body"] == len(before["body"]) > 0 and made["pages"] == len(before["pages"])
    assert made["opendata"] == 0
    assert site_files(tmp_path / "site") == site_files(site)


def _template_folders(cache: Path) -> dict[str, str]:
    return {p.name.split("-")[0]: p.name for p in (cache / "templates").iterdir()}


def test_compiled_templates_are_kept_and_never_served_stale(built_project, tmp_path):
    # Each template environment keeps its compiled templates in the cache (forked page writers read
    # them instead of compiling them). An edited template is compiled again; a change to the code
    # that configures an environment moves it to a new folder, and the old one is deleted.
    _, cache, _, _ = built_project
    kept = _template_folders(cache)
    assert set(kept) == {"archive", "theme"}
    assert all(any((cache / "templates" / name).iterdir()) for name in kept.values())

    def edit(pkg: Path) -> None:
        _append(pkg / "seo.py", "\n# upgraded\n")  # frame code: the theme's environment moves
        _append(pkg / "templates" / "listing.html", '<p class="vb-upgrade">Mẫu danh sách mới.</p>\n')

    result, _ = _upgrade(built_project, tmp_path, edit)
    # The archive's environment kept its folder, and compiled the edited template again.
    assert "Mẫu danh sách mới." in result.page("van-ban/")
    now = _template_folders(tmp_path / "cache")
    assert now["archive"] == kept["archive"] and now["theme"] != kept["theme"]
    assert len(list((tmp_path / "cache" / "templates").iterdir())) == 2


def test_a_damaged_compiled_template_is_compiled_again(built_project, tmp_path):
    # A cache left half-written (a full disk, a killed build): every kept compiled template cut in
    # half. The build compiles them again and writes the same site.
    _, _, site, _ = built_project

    def damage(pkg: Path) -> None:
        files = [f for f in (tmp_path / "cache" / "templates").rglob("*") if f.is_file()]
        assert files
        for f in files:
            f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])

    _upgrade(built_project, tmp_path, damage)
    assert site_files(tmp_path / "site") == site_files(site)


def test_each_stage_key_follows_its_own_inputs(monkeypatch):
    # Injecting the key inputs: a new Python-Markdown changes the body and page keys (and the keys of
    # what is made from pages: search pages are keyed by page key), not the others.
    from importlib import metadata

    from vanban import cache

    def keys() -> dict[str, str]:
        cache.stage_key.cache_clear()
        return {name: cache.stage_key(name) for name in cache.STAGES}

    before = keys()
    real = metadata.version
    monkeypatch.setattr(cache.metadata, "version", lambda dist: "99.0" if dist == "Markdown" else real(dist))
    after = keys()
    monkeypatch.undo()
    cache.stage_key.cache_clear()
    # The frame takes the page stage as input: a page framed around a new body is a new page.
    assert {name for name in before if before[name] != after[name]} == {"body", "page", "page:home", "frame", *cache.PAGE_STAGES}


def _imports(module: Path) -> set[str]:
    """The package files `module` imports ("model.py"; every file of a sub-package such as
    "frontmatter/fields.py"), at any level of the file."""
    found = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.ImportFrom) and node.level >= 1):
            continue
        base = module.parent
        for _ in range(node.level - 1):
            base = base.parent
        names = [node.module.split(".")[0]] if node.module else [alias.name for alias in node.names]
        for name in names:
            target = base / name
            files = sorted(target.glob("*.py")) if target.is_dir() else [target.with_suffix(".py")]
            found.update(f.relative_to(PACKAGE).as_posix() for f in files if f.is_file() and f != module)
    return found


def test_every_stage_lists_the_modules_its_modules_import():
    # A module missing from a stage would let a cached product outlive a change of its code. Only
    # cache.py (the keys themselves) and parallel.py (which process does the work) are in none.
    # render.py is in the body stage for the body's Markdown; what else it imports renders pages.
    from vanban.cache import STAGES

    def files(name: str) -> set[str]:
        stage = STAGES[name]
        return set(stage.files).union(*(files(upstream) for upstream in stage.inputs))

    for name in STAGES:
        listed = files(name)
        for rel in listed:
            assert (PACKAGE / rel).is_file(), f"{name}: {rel}"
        # build.py is in the frame stage for the values it hands Material (page meta, HTML, head, with
        # seo, shell, listings and site); what else it imports writes other products, each under its own stage.
        modules = [rel for rel in listed if rel.endswith(".py") and not (name == "body" and rel == "render.py")
                   and not (name == "frame" and rel == "build.py")]
        missing = set().union(*(_imports(PACKAGE / rel) for rel in modules)) - listed - {"cache.py", "parallel.py"}
        assert not missing, f"stage {name} lacks {sorted(missing)}"
    templates = {f"templates/{p.name}" for p in (PACKAGE / "templates").glob("*.html")}
    assert templates <= set().union(*(files(name) for name in STAGES)), "every template is some stage's"
