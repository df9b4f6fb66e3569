"""The render cache: a warm build is byte-identical to a cold one, and edits invalidate the right pages."""

import filecmp
import json
import re
import sqlite3
from pathlib import Path

from conftest import fixture_text, make_archive, run_build


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
