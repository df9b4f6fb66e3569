"""Search (Pagefind): what the build indexes, the đ folds, the number map, and the files it writes."""

from __future__ import annotations

import gzip
import json
import re
from urllib.parse import quote

import pytest
from conftest import ROOT, WATCH_CSP, fixture_text, make_archive

from vanban.text import fold
from vanban.project import load_archive
from vanban.search import (
    NUMBER_MAP_DIR, NUMBER_SHARDS, TITLES_FILE, SearchPage, d_folds, filter_counts, number_lookup_key, number_map,
    number_shard, plan_buckets, search_data, searchable_part, sort_value, write_number_map,
)

PLAN = fixture_text("ke-hoach-hop-le.md")
LETTER = fixture_text("cong-van-hop-le.md")


def archive_of(tmp_path, files):
    loaded = load_archive(make_archive(tmp_path / "d", files))
    assert not loaded.errors, [p.format() for p in loaded.errors]
    return loaded.archive


# ------------------------------------------------------------------------------------------------
# Pure parts
# ------------------------------------------------------------------------------------------------

def test_d_folds_lists_each_word_with_d_stroke_once_in_ascii():
    assert d_folds("Đầu tư xây dựng đường điện; rà soát đất đai, ĐẤT ĐAI.") == "dau duong dien dat dai"
    assert d_folds("Cải cách hành chính") == ""  # Pagefind folds these marks itself: nothing to add
    assert d_folds("Đảng bộ", "", "Nghị định 30/2020/NĐ-CP") == "dang dinh nd"


def test_d_folds_cover_the_look_alike_eth():
    assert d_folds("\u00d0ất đai") == "dat dai"  # Ð (U+00D0) typed for Đ


@pytest.mark.parametrize("raw, key", [
    ("1562/UBND-KT", "1562/UBND-KT"),
    ("1562/ubnd-kt", "1562/UBND-KT"),
    (" 1562 / UBND - KT ", "1562/UBND-KT"),
    ("02/KH-UBND", "2/KH-UBND"),
    ("2/kh-ubnd", "2/KH-UBND"),
    ("Số: 02/KH-UBND", "2/KH-UBND"),
    ("số 02/KH-UBND", "2/KH-UBND"),
    ("30/2020/NĐ-CP", "30/2020/ND-CP"),
    ("30/2020/nd-cp", "30/2020/ND-CP"),
    ("30/2020/n\u00d0-cp", "30/2020/ND-CP"),
    ("37/NQ-HĐND", "37/NQ-HDND"),
    ("01/CT-TTg", "1/CT-TTG"),
    ("15a/QĐ-STTTT", "15A/QD-STTTT"),
])
def test_number_lookup_key_meets_every_way_of_typing_a_number(raw, key):
    assert number_lookup_key(raw) == key


@pytest.mark.parametrize("raw", ["cải cách hành chính", "/STTTT-TTBCXB", "UBND-KT", "1562", "12/", "a/b/c/d"])
def test_text_that_is_not_a_numbered_document_number_has_no_key(raw):
    assert number_lookup_key(raw) is None


def test_the_search_page_holds_only_what_pagefind_reads():
    # The breadcrumbs before the searchable element and a paragraph a template upgrade adds after it
    # are left out: changing them leaves the search page, and so its bucket, as it was.
    body = '<div class="vb-directive" data-pagefind-body><h1>Kế hoạch</h1><div class="vb-paper">Nội dung</div></div>'
    assert searchable_part('<nav class="vb-breadcrumbs">Trang chủ</nav>\n' + body + '\n<p>Bản cập nhật.</p>') == body


@pytest.mark.parametrize("content", [
    '<div data-pagefind-body>Nội dung</div><p data-pagefind-meta="x">y</p>',  # Pagefind reads this too
    '<div data-pagefind-filter="loai">Kế hoạch</div><div data-pagefind-body>Nội dung</div>',
    '<div class="vb-directive">Nội dung</div>',  # no searchable element
])
def test_the_search_page_keeps_everything_when_pagefind_may_read_beyond_the_element(content):
    assert searchable_part(content) == content


def test_number_shard_is_the_numeral_modulo_the_shard_count():
    assert number_shard("1562/UBND-KT") == 1562 % NUMBER_SHARDS
    assert number_shard("2/KH-UBND") == 2
    assert 0 <= number_shard("15A/QD-STTTT") < NUMBER_SHARDS


def test_sort_value_orders_partial_dates_and_is_never_missing(tmp_path):
    archive = archive_of(tmp_path, {
        "a.md": PLAN,
        "b.md": LETTER.replace("date: 2022-12-27", "date: 2023-01"),
        "c.md": PLAN.replace("number: 02/KH-UBND", "number: 09/KH-UBND").replace("date: 2023-01-04", "date: 2023"),
    })
    values = {d.number.text: sort_value(d) for d in archive.directives}
    assert values == {"02/KH-UBND": "2023-01-04", "1562/UBND-KT": "2023-01-00", "09/KH-UBND": "2023-00-00"}
    assert sorted(values.values()) == ["2023-00-00", "2023-01-00", "2023-01-04"]


def test_search_data_gives_what_a_result_shows_and_the_filters(tmp_path):
    archive = archive_of(tmp_path, {"a.md": PLAN})
    data = search_data(archive.directives[0])
    assert data["meta"]["type"] == "Kế hoạch" and data["meta"]["number"] == "02/KH-UBND"
    assert data["meta"]["date"] == "04/01/2023" and data["meta"]["subject"].startswith("Cải cách hành chính")
    assert data["filters"]["loai"] == ["Kế hoạch"] and data["filters"]["nam"] == ["2023"]
    assert data["sort"] == {"date": "2023-01-04"}


def test_number_map_lists_a_reused_number_once_per_year(tmp_path):
    later = PLAN.replace("date: 2023-01-04", "date: 2026-01-09")
    archive = archive_of(tmp_path, {"2023.md": PLAN, "2026.md": later, "cv.md": LETTER})
    shards = number_map(archive)
    assert [e[0] for e in shards[2]["2/KH-UBND"]] == ["van-ban/2026/02-kh-ubnd/", "van-ban/2023/02-kh-ubnd/"]
    assert shards[1562 % NUMBER_SHARDS]["1562/UBND-KT"][0][:2] == ["van-ban/2022/1562-ubnd-kt/", "Công văn 1562/UBND-KT"]


def test_every_shard_is_written_even_empty(tmp_path):
    archive = archive_of(tmp_path, {"a.md": PLAN})
    assert write_number_map(tmp_path / "site", archive) == 1
    files = sorted((tmp_path / "site" / NUMBER_MAP_DIR).glob("*.json"))
    assert len(files) == NUMBER_SHARDS
    assert json.loads((tmp_path / "site" / NUMBER_MAP_DIR / "2.json").read_text())["2/KH-UBND"]
    assert json.loads((tmp_path / "site" / NUMBER_MAP_DIR / "3.json").read_text()) == {}


def pages_on(*dates: str) -> list[SearchPage]:
    return [SearchPage.of(f"/van-ban/{i}/", "<p>x</p>", date) for i, date in enumerate(dates)]


def test_buckets_are_years_newest_first_and_undated_last():
    buckets = plan_buckets(pages_on("2023-01-04", "2025-03-00", "0000-00-00", "2023-12-31", "2024-00-00"))
    assert [(b.name, b.label, b.year, len(b.pages)) for b in buckets] == [
        ("nam-2025", "năm 2025", "2025", 1), ("nam-2024", "năm 2024", "2024", 1),
        ("nam-2023", "năm 2023", "2023", 2), ("khong-ro-nam", "không rõ năm", "", 1)]


def test_a_year_over_the_limit_is_split_by_quarter_then_by_month():
    # Blank month (sort value "2023-00-00") goes with January.
    quarters = plan_buckets(pages_on("2023-00-00", "2023-02-01", "2023-05-01", "2023-12-01", "2022-01-01"), limit=2)
    assert [(b.name, b.label, len(b.pages)) for b in quarters] == [
        ("nam-2023-quy-4", "quý 4 năm 2023", 1), ("nam-2023-quy-2", "quý 2 năm 2023", 1),
        ("nam-2023-quy-1", "quý 1 năm 2023", 2), ("nam-2022", "năm 2022", 1)]
    months = plan_buckets(pages_on("2023-00-00", "2023-01-05", "2023-02-01", "2023-03-01"), limit=2)
    assert [b.name for b in months] == ["nam-2023-thang-03", "nam-2023-thang-02", "nam-2023-thang-01"]
    assert [len(b.pages) for b in months] == [1, 1, 2]


def test_every_page_is_in_one_bucket_and_their_dates_never_overlap():
    dates = [f"{2015 + i % 9:04d}-{i % 13:02d}-{i % 28:02d}" for i in range(400)] + ["0000-00-00"] * 5
    buckets = plan_buckets(pages_on(*dates), limit=20)
    urls = [p.url for b in buckets for p in b.pages]
    assert sorted(urls) == sorted(p.url for p in pages_on(*dates))
    assert max(len(b.pages) for b in buckets) <= 20
    ranges = [(min(p.sort for p in b.pages), max(p.sort for p in b.pages)) for b in buckets]
    assert all(older[1] < newer[0] for newer, older in zip(ranges, ranges[1:])), ranges


def test_a_bucket_key_follows_its_pages_only():
    one = plan_buckets(pages_on("2023-01-04", "2024-01-01"))
    two = plan_buckets(pages_on("2023-01-04", "2024-01-01"))
    assert [b.folder for b in one] == [b.folder for b in two]
    edited = plan_buckets([SearchPage.of("/van-ban/0/", "<p>sửa</p>", "2023-01-04"), *pages_on("2023-01-04", "2024-01-01")[1:]])
    assert edited[0].folder == one[0].folder and edited[1].folder != one[1].folder  # 2024 kept, 2023 new


def test_a_bucket_key_follows_the_page_keys_when_the_text_is_in_the_render_cache():
    # A build keeps no search page's text in memory: its key (the directive page's key, which hashes
    # every input of the page) names its content.
    kept = [SearchPage(f"/van-ban/{i}/", "2023-01-04", f"key-{i}") for i in range(2)]
    assert plan_buckets(kept)[0].folder == plan_buckets(list(kept))[0].folder
    edited = [kept[0], kept[1]._replace(key="key-1-edited")]
    assert plan_buckets(edited)[0].folder != plan_buckets(kept)[0].folder


def test_pages_kept_in_the_render_cache_are_indexed_as_the_same_pages_in_memory(tmp_path):
    from vanban.cache import RenderCache
    from vanban.search import SEARCH_CACHE, write_index

    html = ("<html lang='vi'><body><main data-pagefind-body><h1>Kế hoạch {0}</h1><p>Cải cách hành chính {0}.</p>"
            "<span data-pagefind-sort='date'>2023-01-0{0}</span></main></body></html>")
    in_memory = [SearchPage.of(f"/van-ban/2023/{i}/", html.format(i), f"2023-01-0{i}", f"k{i}") for i in (1, 2, 3)]
    cache = RenderCache(tmp_path / "cache")
    cache.put_many(SEARCH_CACHE, [(p.key, p.packed) for p in in_memory])
    kept = [p._replace(packed=None) for p in in_memory]
    write_index(in_memory, tmp_path / "a")
    write_index(kept, tmp_path / "b", texts=cache)
    [folder] = [p.name for p in (tmp_path / "a" / "pagefind").iterdir() if p.name.startswith("nam-2023")]
    a, b = tmp_path / "a" / "pagefind" / folder, tmp_path / "b" / "pagefind" / folder
    fragments = sorted(p.relative_to(a) for p in (a / "fragment").iterdir())
    assert len(fragments) == 4  # the three pages and the bucket's floor record
    assert fragments == sorted(p.relative_to(b) for p in (b / "fragment").iterdir())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in fragments)
    # A page the cache lost stops the build with its address, rather than leaving it out of search.
    with pytest.raises(RuntimeError, match="/van-ban/2023/2/"):
        write_index([kept[1]._replace(key="lost")], tmp_path / "c", texts=cache)


def test_the_index_can_be_written_from_code_that_runs_an_event_loop(tmp_path):
    # asyncio.run refuses to start inside a running loop (async code, a browser driver's loop).
    import asyncio
    import threading

    from vanban.search import BUCKETS_FILE, PAGEFIND_DIR, write_index

    page = SearchPage.of("/van-ban/2023/1/", "<html lang='vi'><body><main data-pagefind-body><p>Đất đai.</p></main></body></html>",
                         "2023-01-04")

    async def caller() -> None:
        write_index([page], tmp_path / "site")

    # In a thread of its own: the browser tests leave a loop running in this one.
    failures: list[BaseException] = []
    thread = threading.Thread(target=lambda: _collect(failures, lambda: asyncio.run(caller())))
    thread.start()
    thread.join()
    assert failures == []
    listed = json.loads((tmp_path / "site" / PAGEFIND_DIR / BUCKETS_FILE).read_text(encoding="utf-8"))
    assert [b["pages"] for b in listed["buckets"]] == [1]


def _collect(failures: list[BaseException], call) -> None:
    try:
        call()
    except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
        failures.append(exc)


def test_filter_counts_count_each_value_over_the_archive(tmp_path):
    later = PLAN.replace("date: 2023-01-04", "date: 2026-01-09")
    archive = archive_of(tmp_path, {"2023.md": PLAN, "2026.md": later, "cv.md": LETTER})
    counts = filter_counts(archive)
    assert counts["loai"] == {"Công văn": 1, "Kế hoạch": 2}
    assert counts["nam"] == {"2022": 1, "2023": 1, "2026": 1}


# ------------------------------------------------------------------------------------------------
# The built sample site
# ------------------------------------------------------------------------------------------------

def directive_pages(site):
    return sorted(p for p in (site / "van-ban").rglob("index.html") if "data-vb-url=" in p.read_text("utf-8"))


def entry_pages(folder) -> int:
    return json.loads((folder / "pagefind-entry.json").read_text())["languages"]["vi"]["page_count"]


def test_the_build_writes_a_pagefind_index_of_every_directive(sample_site):
    manifest = json.loads((sample_site.site / "pagefind/buckets.json").read_text())
    # Each bucket is an index of its directives plus the floor record; the primary holds no directive.
    assert sum(b["pages"] for b in manifest["buckets"]) == len(directive_pages(sample_site.site))
    for bucket in manifest["buckets"]:
        assert entry_pages(sample_site.site / "pagefind" / bucket["path"]) == bucket["pages"] + 1
    assert entry_pages(sample_site.site / "pagefind") == 1
    assert "Tìm kiếm:" in sample_site.output and "văn bản trong chỉ mục" in sample_site.output


def bucket_fragments(folder) -> dict[str, dict]:
    """One index's per-page records, by URL: Pagefind writes each as gzip("pagefind_dcd" + JSON)."""
    records = {}
    for path in (folder / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        record = json.loads(data[len(b"pagefind_dcd"):])
        records[record["url"]] = record
    return records


def fragments(site) -> dict[str, dict]:
    """The records of every bucket, by URL, without the placeholder."""
    manifest = json.loads((site / "pagefind/buckets.json").read_text())
    records = {}
    for bucket in manifest["buckets"]:
        records.update(bucket_fragments(site / "pagefind" / bucket["path"]))
    records.pop(manifest["placeholder"])
    return records


def test_buckets_json_lists_the_buckets_and_every_directive_is_in_exactly_one(sample_site):
    manifest = json.loads((sample_site.site / "pagefind/buckets.json").read_text())
    buckets = manifest["buckets"]
    # The sample spans several years: 2025, 2024, 2023, 2022, 2020 and an undated resolution.
    assert [b["label"] for b in buckets] == ["năm 2025", "năm 2024", "năm 2023", "năm 2022", "năm 2020", "không rõ năm"]
    seen: dict[str, str] = {}
    for bucket in buckets:
        urls = set(bucket_fragments(sample_site.site / "pagefind" / bucket["path"])) - {manifest["placeholder"]}
        assert len(urls) == bucket["pages"]
        for url in urls:
            assert url not in seen, f"{url} in {seen.get(url)} and {bucket['path']}"
            seen[url] = bucket["path"]
            assert url.split("/")[2] == (bucket["year"] or "khong-ro-nam"), (url, bucket)
    urls = {"/" + p.parent.relative_to(sample_site.site).as_posix() + "/" for p in directive_pages(sample_site.site)}
    assert set(seen) == urls
    # The search page needs only these of a bucket; the script and WebAssembly are the primary's.
    folder = sample_site.site / "pagefind" / buckets[0]["path"]
    assert {p.name for p in folder.iterdir() if not p.name.endswith(".pf_meta")} == {"pagefind-entry.json", "fragment", "index", "filter"}
    assert (sample_site.site / "pagefind/pagefind.js").is_file() and (sample_site.site / "pagefind/wasm.unknown.pagefind").is_file()


def test_the_filter_lists_come_from_a_small_file_of_counts(sample_site):
    counts = json.loads((sample_site.site / "pagefind/bo-loc.json").read_text())
    assert counts["nam"] == {"2020": 1, "2022": 1, "2023": 4, "2024": 2, "2025": 4}
    assert sum(counts["loai"].values()) == len(directive_pages(sample_site.site))
    assert (sample_site.site / "pagefind/bo-loc.json").stat().st_size < 2000


def test_only_the_directive_content_is_marked_for_the_index(sample_site):
    page = sample_site.page("van-ban/2022/1562-ubnd-kt/")
    assert page.count("data-pagefind-body") == 1
    body = page[page.index("data-pagefind-body"):]
    assert 'class="vb-breadcrumbs"' not in body and "md-footer" not in body.split("</article>")[0]
    for listing in ("van-ban/", "loai/cong-van/", "", "huong-dan/dang-van-ban/"):
        assert "data-pagefind-body" not in sample_site.page(listing), listing


def test_the_index_holds_each_directive_with_what_a_result_shows(sample_site):
    records = fragments(sample_site.site)
    urls = {"/" + p.parent.relative_to(sample_site.site).as_posix() + "/" for p in directive_pages(sample_site.site)}
    assert set(records) == urls
    record = records["/van-ban/2022/1562-ubnd-kt/"]
    assert record["meta"]["type"] == "Công văn" and record["meta"]["number"] == "1562/UBND-KT"
    assert record["meta"]["date"] == "27/12/2022" and record["meta"]["subject"].startswith("Tăng cường công tác")
    assert record["filters"]["loai"] == ["Công văn"] and record["filters"]["nam"] == ["2022"]
    # Text of the directive, not of the chrome: no breadcrumbs, labels, motto or search data.
    assert "phòng cháy, chữa cháy rừng" in record["content"]
    for chrome in ("Trang chủ", "Trích yếu", "Độc lập - Tự do", "Tình trạng", "dd"):
        assert chrome not in record["content"], chrome


def test_a_result_carries_no_anchors_nor_pins_and_leaves_the_attachment_heading_out(sample_site):
    # Pagefind copies every element with an id, with its text, into the result's fragment as an
    # "anchor" (for sub-results the search page never shows): the search page leaves those ids out,
    # and the "¶" links, so a reader's phone downloads smaller fragments. The attachments' heading,
    # left out by a selector, is still no part of the text.
    records = fragments(sample_site.site)
    assert all(record["anchors"] == [] for record in records.values())
    assert not any("¶" in record["content"] for record in records.values())
    seed = records["/van-ban/2023/stttt-ttbcxb-tuyen-truyen-cchc-sap-nhap-thon/"]
    assert "Tệp đính kèm" not in seed["content"] and "Kế hoạch số 02/KH-UBND" in seed["content"]
    page = sample_site.page("van-ban/2023/stttt-ttbcxb-tuyen-truyen-cchc-sap-nhap-thon/")
    assert 'class="vb-pin"' in page and 'id="vb-attachments-title"' in page  # the published page keeps both


def test_a_page_with_d_stroke_words_carries_their_folds_in_the_index_only(sample_site):
    record = fragments(sample_site.site)["/van-ban/2025/245-stttt-vp/"]
    folds = record["meta"]["dd"].split()
    assert {"dat", "dai", "duong", "dien"} <= set(folds)
    assert len(folds) == len(set(folds))
    assert "đất đai" in record["content"] and "dat dai" not in record["content"]
    assert "data-pagefind-meta" not in sample_site.page("van-ban/2025/245-stttt-vp/")
    assert "nd" in fragments(sample_site.site)["/van-ban/2020/30-2020-nd-cp/"]["meta"]["dd"].split()  # NĐ-CP


def test_every_page_has_the_header_search_box_and_the_search_page_its_script(sample_site):
    for url in ("", "van-ban/", "van-ban/2022/1562-ubnd-kt/", "gioi-thieu/ve-kho-van-ban/"):
        page = sample_site.page(url)
        form = re.search(r'<form class="vb-header-search"[^>]*>', page).group(0)
        assert "method=" not in form and re.search(r'action="(\.\./)*tim-kiem/"', form), url  # GET
        assert 'name="q"' in page
    search = sample_site.page("tim-kiem/")
    assert '<script src="../assets/javascripts/vanban-search.js" defer></script>' in search
    assert (sample_site.site / "assets/javascripts/vanban-search.js").exists()


def test_the_number_map_of_the_sample_site(sample_site):
    shard = json.loads((sample_site.site / NUMBER_MAP_DIR / f"{1562 % NUMBER_SHARDS}.json").read_text())
    assert shard["1562/UBND-KT"][0][0] == "van-ban/2022/1562-ubnd-kt/"
    shard = json.loads((sample_site.site / NUMBER_MAP_DIR / "30.json").read_text())
    assert shard["30/2020/ND-CP"][0][0].endswith("/30-2020-nd-cp/")


# ------------------------------------------------------------------------------------------------
# In the browser (headless Chromium against the served sample site)
# ------------------------------------------------------------------------------------------------

@pytest.fixture
def search_page(browser, served_sample):
    """A page that records every request; `open(query_string)` loads /tim-kiem/ and waits for results."""
    context = browser.new_context()
    page = context.new_page()
    page.requests = []
    page.on("request", lambda r: page.requests.append(r.url))

    def open_search(qs: str = ""):
        page.goto(f"{served_sample}tim-kiem/{qs}")
        page.wait_for_function("() => window.VanbanSearch && window.VanbanSearch.done")
        page.evaluate("window.VanbanSearch.done")
        return page

    page.open_search = open_search
    yield page
    context.close()


def result_urls(page) -> list[str]:
    return [a.get_attribute("href") for a in page.locator(".vb-result__title a").all()]


def status(page) -> str:
    return page.locator("#vb-search-status").text_content()


@pytest.mark.browser
@pytest.mark.parametrize("query, first", [
    # Relevance by default: the plan whose subject is the phrase, above newer ones that mention it.
    ("cai cach hanh chinh", "/van-ban/2023/02-kh-ubnd/"),
    ("cai cach hanh chinh&sap-xep=moi-nhat", "/van-ban/2025/12-kh-stttt/"),
    ("dat dai", "/van-ban/2025/245-stttt-vp/"),                 # "đất đai": d finds đ
    ("đất đai", "/van-ban/2025/245-stttt-vp/"),
    ("duong dien", "/van-ban/2025/245-stttt-vp/"),              # "đường điện"
    ("DUONG DIEN", "/van-ban/2025/245-stttt-vp/"),
    ("dau tu&sap-xep=moi-nhat", "/van-ban/2025/245-stttt-vp/"),  # "đầu tư"
    ("chua chay rung", "/van-ban/2022/1562-ubnd-kt/"),
    ("chua chay rung&sap-xep=moi-nhat", "/van-ban/2023/stttt-ttbcxb-tuyen-truyen-cchc-sap-nhap-thon/"),
    ("chua chay rung&sap-xep=cu-nhat", "/van-ban/2022/1562-ubnd-kt/"),
    # The decree whose subject is "Về công tác văn thư"; "phu-hop", the former name, still works.
    ("cong tac van thu", "/van-ban/2020/30-2020-nd-cp/"),
    ("cong tac van thu&sap-xep=phu-hop", "/van-ban/2020/30-2020-nd-cp/"),
    ("sap nhap thon", "/van-ban/khong-ro-nam/37-nq-hdnd/"),
    ("tiep cong dan", "/van-ban/2024/05-tb-stttt/"),
    ("trang thong tin dien tu", "/van-ban/2025/40-qd-stttt/"),
    ("Nguyên đán&sap-xep=cu-nhat", "/van-ban/2022/1562-ubnd-kt/"),
])
def test_queries_find_the_expected_directive_first(search_page, query, first):
    page = search_page.open_search("?q=" + query.replace(" ", "+"))
    assert result_urls(page)[0] == first, status(page)
    assert status(page).startswith("Tìm thấy")


@pytest.mark.browser
def test_results_show_type_number_date_and_subject(search_page):
    page = search_page.open_search("?q=duong+dien")
    first = page.locator(".vb-result").first
    assert first.locator(".vb-result__type").text_content() == "Công văn"
    assert first.locator(".vb-result__number").text_content() == "245/STTTT-VP"
    assert first.locator(".vb-result__date").text_content() == "ngày 18/03/2025"
    assert "rà soát, cập nhật dữ liệu đất đai" in first.locator(".vb-result__title").text_content()
    # The excerpt is the real text, the folded query's words marked: "duong dien" → "đường điện".
    marks = first.locator(".vb-result__excerpt mark").all_text_contents()
    assert "đường" in marks and "điện" in marks


@pytest.mark.browser
def test_default_order_is_newest_first_and_results_never_include_chrome(search_page):
    page = search_page.open_search("?q=lang+son")
    urls = result_urls(page)
    years = [u.split("/")[2] for u in urls if u.split("/")[2].isdigit()]
    assert years == sorted(years, reverse=True) and len(years) > 3
    assert all(u.startswith("/van-ban/") for u in urls)
    # Words that only the chrome carries (navigation, metadata labels, the motto) are not in the index.
    # A one-year index may lack a word as written, and Pagefind then matches it without its marks
    # ("phúc" → "phuc"): whatever such a query finds, the chrome's phrase is not in its text.
    for chrome in ("khả năng tiếp cận", "Độc lập Tự do Hạnh phúc", "Tệp đính kèm"):
        page = search_page.open_search("?q=" + quote(chrome))
        assert not any(chrome.lower() in t.lower() for t in page.locator(".vb-result__excerpt").all_text_contents()), chrome
    assert not any("khả năng tiếp cận" in t for t in page.locator(".vb-result__excerpt").all_text_contents())


def bucket_requests(page, site) -> list[str]:
    """Labels of the buckets whose files the page fetched, in the order first fetched."""
    manifest = json.loads((site / "pagefind/buckets.json").read_text())
    labels = {b["path"]: b["label"] for b in manifest["buckets"]}
    fetched = []
    for url in page.requests:
        match = re.search(r"/pagefind/([^/]+)/", url)
        if match and match.group(1) in labels and labels[match.group(1)] not in fetched:
            fetched.append(labels[match.group(1)])
    return fetched


def result_years(page) -> list[str]:
    return [u.split("/")[2] for u in result_urls(page)]


@pytest.mark.browser
def test_newest_first_reads_the_newest_years_and_more_reaches_older_ones(search_page, sample_site):
    # A date range alone lists its directives newest first: the 12 dated ones here. The first page
    # of 10 needs 2025, 2024 and 2023; the page reads the newest buckets first and not all of them.
    page = search_page.open_search("?tu=2000-01-01")
    fetched = bucket_requests(page, sample_site.site)
    assert fetched[:3] == ["năm 2025", "năm 2024", "năm 2023"] and "năm 2020" not in fetched
    years = result_years(page)
    assert len(years) == 10 and years == sorted(years, reverse=True) and years[-1] == "2023"
    assert re.fullmatch(rf"Tìm thấy (\d+) văn bản từ {fetched[-1]} đến nay\.", status(page)), status(page)
    assert page.locator("#vb-search-all").is_visible()
    page.click("#vb-search-more")
    page.wait_for_function("() => document.querySelectorAll('.vb-result').length > 10")
    page.evaluate("window.VanbanSearch.done")
    older = result_years(page)[10:]
    assert older and older == sorted(older, reverse=True) and all(y < "2023" for y in older)
    # Undated directives are outside every date range: their bucket is never read.
    assert bucket_requests(page, sample_site.site) == ["năm 2025", "năm 2024", "năm 2023", "năm 2022", "năm 2020"]
    assert status(page) == "Tìm thấy 12 văn bản." and len(result_urls(page)) == 12
    assert page.locator("#vb-search-more").is_hidden() and page.locator("#vb-search-all").is_hidden()


@pytest.mark.browser
def test_oldest_first_starts_from_the_oldest_bucket(search_page, sample_site):
    page = search_page.open_search("?q=ke+hoach&sap-xep=cu-nhat")
    years = result_years(page)
    assert years and years == sorted(years, key=lambda y: "0000" if not y.isdigit() else y)
    assert bucket_requests(page, sample_site.site)[:3] == ["không rõ năm", "năm 2020", "năm 2022"]


@pytest.mark.browser
def test_searching_all_years_at_once_gives_the_full_count(search_page, sample_site):
    page = search_page.open_search("?tu=2000-01-01&sap-xep=moi-nhat")
    page.click("#vb-search-all")
    page.wait_for_function("() => document.getElementById('vb-search-all').hidden")
    assert status(page) == "Tìm thấy 12 văn bản." and len(bucket_requests(page, sample_site.site)) == 5
    page.click("#vb-search-more")
    page.wait_for_function("() => document.querySelectorAll('.vb-result').length == 12")


@pytest.mark.browser
def test_a_year_filter_reads_only_that_years_bucket(search_page, sample_site):
    page = search_page.open_search("?q=lang+son&nam=2023")
    assert result_urls(page) and all(u.startswith("/van-ban/2023/") for u in result_urls(page))
    assert bucket_requests(page, sample_site.site) == ["năm 2023"]
    assert status(page).startswith("Tìm thấy 4 văn bản")


def titles_folder(site) -> str:
    (folder,) = json.loads((site / "pagefind" / TITLES_FILE).read_text())["paths"]  # one part up to 20 000
    return folder


def test_a_large_titles_index_is_in_parts_and_an_edit_or_a_new_directive_indexes_one_part_again(tmp_path, monkeypatch):
    """Pagefind holds every record of an index in memory until it writes it: 100 000 directives made
    a 1.9 GB process. The parts are written one after the other; a directive's part follows from its
    address, so a publish build indexes one part again, not the whole archive's titles."""
    import dataclasses

    from vanban import search

    directives = load_archive(ROOT / "directives").archive.directives
    monkeypatch.setattr(search, "TITLES_PART", 5)
    site, cache = tmp_path / "site", tmp_path / "cache"
    folders = search.write_title_index(site, directives, cache)
    assert len(folders) == -(-len(directives) // 5) == -(-(len(directives) + 1) // 5) == 3
    assert json.loads((site / "pagefind" / TITLES_FILE).read_text()) == {"paths": folders}
    parts = [bucket_fragments(site / "pagefind" / f) for f in folders]
    assert all(parts) and sorted(u for p in parts for u in p) == sorted(f"/{d.url}#vb-tieu-de" for d in directives)

    def written(names):
        return {f: (site / "pagefind" / f / "pagefind-entry.json").stat().st_mtime_ns for f in names}

    def changed(before: list[str], after: list[str]) -> list[str]:
        assert len(after) == len(before)
        kept = set(before) & set(after)
        assert all(written([f])[f] == stamps[f] for f in kept)  # left as they were, not indexed again
        return sorted(set(after) - kept)

    # A subject edited: its part only.
    stamps = written(folders)
    edited = list(directives)
    edited[0] = dataclasses.replace(edited[0], subject="Về việc thử chỉ mục tiêu đề chia phần")
    again = search.write_title_index(site, edited, cache)
    assert len(changed(folders, again)) == 1
    assert any("chia phần" in json.dumps(bucket_fragments(site / "pagefind" / f), ensure_ascii=False)
               for f in changed(folders, again))

    # A new directive (a copy under another number): one part again.
    stamps = written(again)
    plan = next(d for d in directives if d.number.text == "02/KH-UBND")
    new = dataclasses.replace(plan, slug="02-kh-ubnd-ban-sao", subject="Bản sao để thử một văn bản mới")
    assert new.url != plan.url
    published = search.write_title_index(site, [*edited, new], cache)
    assert len(changed(again, published)) == 1
    assert sorted(p.name for p in (site / "pagefind").iterdir() if p.name.startswith("tieu-de-")) == sorted(published)
    assert sorted(p.name for p in (cache / "pagefind").iterdir() if p.name.startswith("tieu-de-")) == sorted(published)


def test_the_buckets_leave_a_titles_part_being_written_alone(tmp_path):
    """The titles index is written beside the buckets (`IndexBeside`), each part into a temporary
    folder of the site's `pagefind/`. The buckets' clean-up removed it while Pagefind wrote there:
    Pagefind never answered, and a build waited 300 s (issue 23's benchmarks, 2026-12-03 and 04)."""
    from vanban import search

    site = tmp_path / "site"
    writing = site / "pagefind" / ".tmp-tieu-de-0123456789-4242"
    stale_bucket = site / "pagefind" / ".tmp-nam-2023-0123456789"
    for folder in (writing, stale_bucket):
        folder.mkdir(parents=True)
        (folder / "pagefind-entry.json").write_text("{}")
    page = SearchPage.of("/van-ban/2023/1/", "<html lang='vi'><body><main data-pagefind-body><p>Đất đai.</p></main></body></html>",
                         "2023-01-04")
    search.write_index([page], site)
    assert (writing / "pagefind-entry.json").is_file() and not stale_bucket.exists()
    # The titles writer, once done, removes what a stopped build left of its own.
    folders = search.write_title_index(site, load_archive(ROOT / "directives").archive.directives)
    assert not writing.exists()
    assert sorted(p.name for p in (site / "pagefind").iterdir() if p.name.startswith((".tmp", "tieu-de-"))) == sorted(folders)


@pytest.mark.browser
def test_a_titles_index_in_parts_answers_as_one(browser, sample_site, tmp_path, monkeypatch):
    """The search page merges every part: the same results, in the same order, as from one index."""
    import shutil

    from conftest import serve_dir
    from vanban import search

    split = tmp_path / "site"
    shutil.copytree(sample_site.site, split)
    monkeypatch.setattr(search, "TITLES_PART", 4)
    parts = search.write_title_index(split, load_archive(ROOT / "directives").archive.directives)
    assert len(parts) > 2
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))

    def results(base: str, query: str) -> tuple[list[str], str]:
        page.goto(f"{base}tim-kiem/?q={query}")
        page.wait_for_function("() => window.VanbanSearch && window.VanbanSearch.done")
        page.evaluate("window.VanbanSearch.done")
        return result_urls(page), status(page)

    try:
        for query in ("cai+cach+hanh+chinh", "van+thu", "dat+dai"):
            with serve_dir(sample_site.site) as one, serve_dir(split) as many:
                expected = results(one, query)
                requests.clear()
                assert results(many, query) == expected and expected[0]
                assert {f for f in parts if any(f"/pagefind/{f}/" in u for u in requests)} == set(parts)
    finally:
        page.close()


def test_the_titles_index_holds_title_words_only_and_carries_what_a_result_shows(sample_site):
    """Pagefind indexes every meta value as words: the opening of a text, its date or its issuer in
    the titles index's meta made a first query download their postings too (issue 18)."""
    folder = sample_site.site / "pagefind" / titles_folder(sample_site.site)
    records = bucket_fragments(folder)
    record = records["/van-ban/2022/1562-ubnd-kt/#vb-tieu-de"]
    assert set(record["meta"]) <= {"dd"}
    shown = json.loads(record["filters"]["hien_thi"][0])
    assert shown["type"] == "Công văn" and shown["number"] == "1562/UBND-KT" and shown["date"] == "27/12/2022"
    assert shown["subject"].startswith("Tăng cường công tác") and shown["issuer"]
    assert record["content"] == "Công văn 1562/UBND-KT " + shown["subject"]
    # A word of every opening but of no title is in no chunk of the titles index.
    titles = fold(" ".join(r["content"] for r in records.values()))  # Pagefind keeps the folded words too
    opening_only = {w for r in records.values() for w in re.findall(r"\b[a-z]{4,}\b", json.loads(r["filters"]["hien_thi"][0])["mo_dau"].lower())
                    if w not in titles}
    assert opening_only
    chunks = b"".join(gzip.decompress(p.read_bytes()) for p in (folder / "index").iterdir())
    assert [w for w in opening_only if w.encode() in chunks] == []


@pytest.mark.browser
def test_relevance_reads_the_titles_first_then_the_newest_buckets(search_page, sample_site):
    page = search_page.open_search("?q=van+thu")
    titles = [i for i, u in enumerate(page.requests) if f"/pagefind/{titles_folder(sample_site.site)}/" in u]
    buckets = [i for i, u in enumerate(page.requests) if re.search(r"/pagefind/(nam-|khong-ro-nam)", u)]
    assert titles and (not buckets or titles[0] < buckets[0])
    # The two documents whose subject holds "văn thư" come first, the shorter subject first; then
    # those that have it only in their text.
    assert result_urls(page)[:2] == ["/van-ban/2020/30-2020-nd-cp/", "/van-ban/2025/20-gm-stttt/"]
    assert {"/van-ban/2025/40-qd-stttt/", "/van-ban/2024/15-qd-stttt/"} <= set(result_urls(page))
    assert len(result_urls(page)) == len(set(result_urls(page)))  # a title match is not listed again


@pytest.mark.browser
@pytest.mark.parametrize("order", ["", "&sap-xep=cu-nhat", "&sap-xep=phu-hop"])
def test_every_word_counts_though_a_bucket_lacks_one(search_page, order):
    # Pagefind drops a word its index does not have; over buckets that would make a rare word
    # optional wherever a year lacks it. "lang son" is in most directives, "xyzzy" in none.
    assert result_urls(search_page.open_search("?q=lang+son" + order))
    page = search_page.open_search("?q=lang+son+xyzzy" + order)
    assert result_urls(page) == [] and status(page).startswith("Không tìm thấy văn bản nào")


@pytest.mark.browser
def test_nothing_of_the_index_loads_before_a_query(search_page):
    page = search_page.open_search()
    options = page.locator("select[name=nam] option").all_text_contents()
    assert options == ["Tất cả", "2025 (4)", "2024 (2)", "2023 (4)", "2022 (1)", "2020 (1)"]
    assert [u for u in page.requests if "/pagefind/" in u] == [u for u in page.requests if u.endswith("/pagefind/bo-loc.json")]


@pytest.mark.browser
@pytest.mark.parametrize("query, target", [
    ("1562/UBND-KT", "/van-ban/2022/1562-ubnd-kt/"),
    ("1562/ubnd-kt", "/van-ban/2022/1562-ubnd-kt/"),
    ("02/KH-UBND", "/van-ban/2023/02-kh-ubnd/"),
    ("2/kh-ubnd", "/van-ban/2023/02-kh-ubnd/"),
    ("Số: 02/KH-UBND", "/van-ban/2023/02-kh-ubnd/"),
    ("30/2020/nd-cp", "/van-ban/2020/30-2020-nd-cp/"),
    ("37/NQ-HĐND", "/van-ban/khong-ro-nam/37-nq-hdnd/"),
])
def test_a_number_is_answered_with_its_document_alone(search_page, query, target):
    page = search_page.open_search("?q=" + quote(query))
    assert result_urls(page) == [target]
    assert status(page).startswith("Văn bản số ") and "Tìm thấy" not in status(page)
    # Answered from the number map: no index is read.
    assert not [u for u in page.requests if re.search(r"/pagefind/(nam-|khong-ro-nam|tieu-de-)", u)]
    page.locator(".vb-result__title a").first.click()
    page.wait_for_url("**" + target)
    assert page.locator("h1.vb-title").is_visible()


@pytest.mark.browser
def test_a_word_that_is_not_a_number_is_searched_as_text(search_page):
    page = search_page.open_search("?q=UBND-KT")
    assert status(page).startswith("Tìm thấy") and result_urls(page)
    assert page.locator("#vb-search-near").is_hidden()


@pytest.mark.browser
def test_filters_narrow_the_results_and_live_in_the_url(search_page):
    page = search_page.open_search("?q=cai+cach+hanh+chinh")
    everything = result_urls(page)
    page.locator("select[name=nam]").select_option("2025")  # submits the form
    page.wait_for_url("**nam=2025**")
    page.wait_for_function("() => window.VanbanSearch && window.VanbanSearch.done")
    page.evaluate("window.VanbanSearch.done")
    narrowed = result_urls(page)
    assert narrowed and set(narrowed) < set(everything)
    assert all(u.startswith("/van-ban/2025/") for u in narrowed)
    assert "q=cai+cach+hanh+chinh" in page.url and "loai=" not in page.url  # empty filters stay out


@pytest.mark.browser
def test_filters_alone_list_directives_of_a_type_and_the_options_show_counts(search_page, sample_site):
    # Which directives are of a type, read from their pages' metadata tables.
    of_type = {t: ["/" + p.parent.relative_to(sample_site.site).as_posix() + "/" for p in directive_pages(sample_site.site)
                   if re.search(rf'Loại văn bản</th><td><a [^>]*>{t}</a>', p.read_text("utf-8"))]
               for t in ("Kế hoạch", "Công văn")}
    page = search_page.open_search("?loai=K%E1%BA%BF+ho%E1%BA%A1ch")  # Kế hoạch
    urls = result_urls(page)
    assert of_type["Kế hoạch"] and sorted(urls) == sorted(of_type["Kế hoạch"])
    options = page.locator("select[name=loai] option").all_text_contents()
    assert f"Kế hoạch ({len(of_type['Kế hoạch'])})" in options and f"Công văn ({len(of_type['Công văn'])})" in options
    page = search_page.open_search("?tinh-trang=H%E1%BA%BFt+hi%E1%BB%87u+l%E1%BB%B1c")  # Hết hiệu lực
    assert result_urls(page) == ["/van-ban/2025/20-gm-stttt/"]
    # A status no one wrote: 40/QĐ-STTTT (2025) replaces 15/QĐ-STTTT (2024), which is then "Đã bị thay thế".
    page = search_page.open_search("?tinh-trang=%C4%90%C3%A3+b%E1%BB%8B+thay+th%E1%BA%BF")  # Đã bị thay thế
    assert result_urls(page) == ["/van-ban/2024/15-qd-stttt/"]


@pytest.mark.browser
def test_the_header_box_searches_from_any_page(search_page, served_sample):
    page = search_page
    page.goto(served_sample + "van-ban/2022/1562-ubnd-kt/")
    page.fill("#vb-header-q", "dat dai")
    page.press("#vb-header-q", "Enter")
    page.wait_for_url("**/tim-kiem/?q=dat+dai")
    page.wait_for_function("() => window.VanbanSearch && window.VanbanSearch.done")
    page.evaluate("window.VanbanSearch.done")
    assert result_urls(page)[0] == "/van-ban/2025/245-stttt-vp/"
    assert page.input_value("#vb-q") == "dat dai" and page.input_value("#vb-header-q") == "dat dai"


@pytest.mark.browser
def test_no_request_leaves_localhost_and_nothing_is_missing(search_page, served_sample):
    page = search_page
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.open_search("?q=1562%2Fubnd-kt&nam=2022")
    assert result_urls(page)
    assert any("/pagefind/" in u for u in page.requests) and any("/so-ky-hieu/" in u for u in page.requests)
    assert all(u.startswith(served_sample) for u in page.requests), page.requests
    assert failed == []


@pytest.mark.browser
def test_no_results_says_so_in_vietnamese(search_page):
    page = search_page.open_search("?q=xyzzyqwerty")
    assert status(page).startswith("Không tìm thấy văn bản nào cho “xyzzyqwerty”")
    assert result_urls(page) == []


# ------------------------------------------------------------------------------------------------
# What a person sees on a phone (390 × 844): typing into the search page
# ------------------------------------------------------------------------------------------------

@pytest.fixture
def phone(browser, served_sample):
    """A 390 × 844 page on the search page; `ask(text)` types a query and presses Enter."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.requests = []
    page.on("request", lambda r: page.requests.append(r.url))

    def settle():
        page.wait_for_function("() => window.VanbanSearch && window.VanbanSearch.done")
        page.evaluate("window.VanbanSearch.done")

    def ask(text: str):
        page.goto(f"{served_sample}tim-kiem/")
        settle()
        page.fill("#vb-q", text)
        page.press("#vb-q", "Enter")
        page.wait_for_url("**/tim-kiem/?q=*")
        settle()
        return page

    page.settle, page.ask, page.base = settle, ask, served_sample
    yield page
    context.close()


def shown_results(page) -> list[str]:
    return [t.strip() for t in page.locator(".vb-result__title a:visible").all_text_contents()]


@pytest.mark.browser
def test_an_archive_with_no_directive_yet_builds_and_its_search_says_nothing_matches(browser, tmp_path):
    from conftest import run_build, serve_dir
    site = tmp_path / "site"
    result = run_build(site, make_archive(tmp_path / "d", {}))
    assert result.returncode == 0, result.output  # Pagefind writes no titles index of nothing
    assert json.loads((site / "pagefind" / "buckets.json").read_text())["buckets"] == []
    assert not (site / "pagefind" / TITLES_FILE).exists()
    with serve_dir(site) as base:
        page = browser.new_page()
        page.goto(f"{base}tim-kiem/?q=cai+cach+hanh+chinh")
        page.wait_for_function("() => window.VanbanSearch && window.VanbanSearch.done")
        page.evaluate("window.VanbanSearch.done")
        assert page.locator("#vb-search-status").text_content().startswith("Không tìm thấy văn bản nào")
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("typed, subject", [
    ("so 1562/ubnd-kt", "Tăng cường công tác quản lý bảo vệ, phòng cháy"),
    ("Số: 1562 / UBND - KT", "Tăng cường công tác quản lý bảo vệ, phòng cháy"),
    ("30/2020/n\u00d0-cp", "Về công tác văn thư"),
    ("15/qd-stttt", "Ban hành Quy chế quản lý, vận hành Trang thông tin điện tử của Sở Thông tin"),
    ("245/STTTT-VP năm 2025", "rà soát, cập nhật dữ liệu đất đai"),
])
def test_a_typed_number_shows_its_document_first(phone, typed, subject):
    page = phone.ask(typed)
    assert shown_results(page)[0].startswith(subject)
    assert page.locator("#vb-search-status").text_content().startswith("Văn bản số ")


@pytest.mark.browser
@pytest.mark.parametrize("typed, said", [
    ("217/qd-ubnd", "Không có văn bản số 217/qd-ubnd trong kho."),
    ("217", "Không có văn bản số 217 trong kho."),
    ("4711/STTTT-VP", "Không có văn bản số 4711/STTTT-VP trong kho."),
])
def test_a_number_no_document_has_is_said_plainly(phone, typed, said):
    page = phone.ask(typed)
    assert page.locator("#vb-search-status").text_content() == said
    assert shown_results(page) == []
    assert "Tìm thấy" not in page.locator("main").inner_text()


@pytest.mark.browser
def test_a_number_of_another_year_lists_the_near_matches_under_their_own_heading(phone):
    page = phone.ask("02/KH-UBND năm 2024")
    assert page.locator("#vb-search-status").text_content() == "Không có văn bản số 02/KH-UBND năm 2024 trong kho."
    assert shown_results(page) == []
    near = page.locator("#vb-search-near")
    assert near.is_visible() and near.locator("h2").text_content() == "Văn bản có số gần giống"
    assert near.locator("a").first.get_attribute("href") == "/van-ban/2023/02-kh-ubnd/"
    assert "Kế hoạch 02/KH-UBND" in near.inner_text() and "04/01/2023" in near.inner_text()


@pytest.mark.browser
def test_words_no_document_holds_say_so(phone):
    page = phone.ask("bong da the gioi")  # Pagefind would match "the" in "thể", "thế"…
    assert page.locator("#vb-search-status").text_content().startswith("Không tìm thấy văn bản nào cho “bong da the gioi”")
    assert shown_results(page) == []


@pytest.mark.browser
def test_a_quoted_phrase_finds_the_words_side_by_side_only(phone):
    page = phone.ask('"giai the thon"')
    titles = shown_results(page)
    assert titles[0].startswith("Sáp nhập, giải thể thôn")  # 37/NQ-HĐND: the phrase is its subject
    for item in page.locator(".vb-result").all():
        text = fold(item.inner_text()).replace(",", "")
        assert "giai the thon" in text or item.locator(".vb-result__excerpt").count() == 0
    # The same words in another order are no phrase of any document.
    page = phone.ask('"thon giai the"')
    assert shown_results(page) == []
    assert page.locator("#vb-search-status").text_content().startswith("Không tìm thấy văn bản nào")


@pytest.mark.browser
def test_excerpts_start_at_the_match_and_never_show_letterhead_or_signature(phone):
    page = phone.ask("dau tu")
    excerpt = page.locator(".vb-result__excerpt").first.inner_text()
    assert fold(excerpt.lstrip("… ")).startswith(("dau tu", "thuc hien")), excerpt  # the match, or its sentence
    for query in ("lang son", "so thong tin va truyen thong", "giam doc"):
        page = phone.ask(query)
        for text in page.locator(".vb-result__excerpt").all_inner_texts():
            for chrome in ("CỘNG HÒA XÃ HỘI", "Độc lập - Tự do", "Nơi nhận", "(Đã ký)", "Số: ", "SỞ THÔNG TIN"):
                assert chrome not in text, (query, text)


@pytest.mark.browser
def test_on_a_phone_the_filters_fold_and_their_counts_load_when_opened(phone):
    page = phone.ask("cai cach hanh chinh")
    summary = page.locator("#vb-search-options > summary")
    assert summary.is_visible() and summary.inner_text().strip() == "Lọc và sắp xếp"
    assert page.locator("select[name=loai]").is_hidden()
    assert not [u for u in page.requests if u.endswith("/bo-loc.json")]
    summary.click()
    page.wait_for_function("() => document.getElementById('vb-search').dataset.counts")
    assert page.locator("select[name=loai]").is_visible()
    assert "Kế hoạch (4)" in page.locator("select[name=loai] option").all_text_contents()


@pytest.mark.browser
def test_the_example_queries_are_links_that_search(phone):
    page = phone
    page.goto(page.base + "tim-kiem/")
    page.settle()
    page.locator("#vb-search-hint a", has_text="cai cach hanh chinh").click()
    page.wait_for_url("**/tim-kiem/?q=cai+cach+hanh+chinh")
    page.settle()
    assert page.input_value("#vb-q") == "cai cach hanh chinh"
    assert shown_results(page)[0] == "Cải cách hành chính tỉnh Lạng Sơn năm 2023"


@pytest.mark.browser
def test_every_setting_lives_in_the_url_and_comes_back_from_it(phone):
    page = phone.ask("van thu")
    page.locator("#vb-search-options > summary").click()
    page.fill("input[name=tu]", "2024-01-01")  # a date field submits when it changes
    page.wait_for_url("**tu=2024-01-01**")
    page.settle()
    page.locator("select[name=sap-xep]").select_option("cu-nhat")
    page.wait_for_url("**sap-xep=cu-nhat**")
    page.settle()
    assert "q=van+thu" in page.url and "tu=2024-01-01" in page.url and "den=" not in page.url
    oldest_first = result_urls(page)
    assert oldest_first[0] == "/van-ban/2024/15-qd-stttt/" and all(u.split("/")[2] >= "2024" for u in oldest_first)
    # A link to this search gives the same page: the settings come back from the address.
    page.goto(page.url)
    page.settle()
    assert page.input_value("#vb-q") == "van thu" and page.input_value("input[name=tu]") == "2024-01-01"
    assert page.input_value("select[name=sap-xep]") == "cu-nhat" and result_urls(page) == oldest_first
    assert page.locator("#vb-search-options").get_attribute("open") is not None  # chosen settings show


NUMBER_INPUTS = ["1562/UBND-KT", "1562/ubnd-kt", " 1562 / UBND - KT ", "02/KH-UBND", "Số: 02/KH-UBND",
                 "30/2020/NĐ-CP", "30/2020/nd-cp", "30/2020/n\u00d0-cp", "37/NQ-HĐND", "01/CT-TTg",
                 "15a/QĐ-STTTT", "/STTTT-TTBCXB", "UBND-KT", "cải cách", "12/", "a/b/c/d", "1562/UBND-\u200bKT"]


@pytest.mark.browser
def test_the_page_computes_the_same_number_keys_and_folds_as_the_build(search_page):
    from vanban.text import fold
    page = search_page.open_search()
    keys = page.evaluate("xs => xs.map(x => VanbanSearch.numberKey(x))", NUMBER_INPUTS)
    assert keys == [number_lookup_key(x) for x in NUMBER_INPUTS]
    shards = page.evaluate("xs => xs.map(x => VanbanSearch.numberShard(x))", [k for k in keys if k])
    assert shards == [number_shard(k) for k in keys if k]
    words = ["Đất đai", "ĐƯỜNG ĐIỆN", "Hoà bình", "Thủy lợi", "\u00d0ảng", "cải cách"]
    assert page.evaluate("xs => xs.map(x => VanbanSearch.fold(x))", words) == [fold(w) for w in words]


# ------------------------------------------------------------------------------------------------
# Behind the shipped nginx, under the site's Content-Security-Policy
# ------------------------------------------------------------------------------------------------



@pytest.fixture(scope="module")
def nginx_sample(sample_site, tmp_path_factory):
    from test_webserver import running_nginx
    with running_nginx(sample_site.site, tmp_path_factory.mktemp("nginx-search")) as base:
        yield base


@pytest.mark.browser
@pytest.mark.parametrize("query, first", [
    ("?q=duong+dien&nam=2025", "/van-ban/2025/245-stttt-vp/"),
    ("?q=1562%2Fubnd-kt", "/van-ban/2022/1562-ubnd-kt/"),
])
def test_the_search_page_runs_under_the_csp_without_violation(browser, nginx_sample, query, first):
    context = browser.new_context()
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    console = []
    page.on("console", lambda m: console.append(m.text))
    response = page.goto(f"{nginx_sample}/tim-kiem/{query}")
    assert "'wasm-unsafe-eval'" in response.headers["content-security-policy"]
    page.wait_for_function("() => window.VanbanSearch && window.VanbanSearch.done")
    page.evaluate("window.VanbanSearch.done")
    page.wait_for_load_state("networkidle")
    assert page.locator("#vb-search-direct a, .vb-result__title a").first.get_attribute("href") == first
    assert page.evaluate("window.__cspViolations") == []
    assert [m for m in console if "Content Security Policy" in m or "Refused" in m] == []
    context.close()


# ------------------------------------------------------------------------------------------------
# mkdocs serve
# ------------------------------------------------------------------------------------------------

def test_mkdocs_serve_writes_the_index_too(sample_site, tmp_path):
    import os
    import socket
    import subprocess
    import time
    import urllib.request

    from conftest import ROOT, VENV_BIN

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (tmp_path / "serve.log").open("w")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", VANBAN_CACHE=str(tmp_path / "cache"))
    proc = subprocess.Popen([str(VENV_BIN / "mkdocs"), "serve", "--dirty", "-a", f"127.0.0.1:{port}",
                             "--config-file", str(ROOT / "mkdocs.yml")], cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        def fetch(path: str):
            # The index is written in the background: a file may be absent or half-written at first.
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text()
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=2) as r:
                        return json.loads(r.read())
                except (OSError, ValueError):
                    time.sleep(0.5)
            pytest.fail((tmp_path / "serve.log").read_text())

        entry = fetch("pagefind/pagefind-entry.json")
        expected = json.loads((sample_site.site / "pagefind/pagefind-entry.json").read_text())
        assert entry["languages"]["vi"]["page_count"] == expected["languages"]["vi"]["page_count"]
        assert "2/KH-UBND" in fetch("pagefind/so-ky-hieu/2.json")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_a_build_makes_the_title_records_without_keeping_their_opening_words():
    # The process beside a build's page writers makes each record once: the preview's cache of opening
    # words only held memory there (46 of its 141 MB at 10 000 directives). Same records either way.
    from vanban import search

    directives = load_archive(ROOT / "directives").archive.directives
    search._remembered_words.cache_clear()
    once = search.title_records(directives, remember=False)
    assert search._remembered_words.cache_info().currsize == 0
    assert once == search.title_records(directives)
    assert search._remembered_words.cache_info().currsize > 0
    assert all(r["filters"][search.SHOWN_FILTER] for r in once)


def test_a_pagefind_failure_in_several_senders_is_one_error_without_a_traceback(caplog):
    # Pagefind exiting fails every sender: the first one's error ends the run, the others (cancelled
    # as the run shuts down) fail with the same error, which asyncio used to print as a traceback.
    import asyncio
    import logging

    from vanban import search

    async def run() -> None:
        async def sibling() -> None:
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                raise search.PagefindError("Tìm kiếm: Pagefind dừng giữa chừng (ConnectionResetError).") from None

        asyncio.get_running_loop().create_task(sibling())
        await asyncio.sleep(0)
        raise search.PagefindError("Tìm kiếm: Pagefind dừng giữa chừng (BrokenPipeError).")

    caplog.set_level(logging.DEBUG)
    with pytest.raises(search.PagefindError, match="BrokenPipeError"):
        search._run_async(run())
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert any("ConnectionResetError" in r.getMessage() for r in caplog.records)


def test_the_titles_process_beside_the_writers_never_reads_a_directive(tmp_path, monkeypatch):
    # Reading a directive writes its reference counts, copying the memory page it is on: a titles
    # process that read the archive kept most of it for as long as it lived (479 MB at 100 000
    # directives). A short-lived process makes the records; the titles process writes the same index.
    import os

    from vanban import search
    from vanban.cache import RenderCache

    directives = load_archive(ROOT / "directives").archive.directives
    readers = tmp_path / "readers"
    made = search.title_records

    def recorded(part, remember=True):
        with readers.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return made(part, remember)

    monkeypatch.setattr(search, "title_records", recorded)
    beside = search.IndexBeside([(d.url, d) for d in directives], tmp_path / "site", None, RenderCache(None))
    titles_pid, maker_pid = beside._titles.pid, beside._records.pid
    assert beside.finish() == []
    folders = beside.finish_titles()
    assert set(readers.read_text().split()) == {str(maker_pid)} and str(titles_pid) != str(maker_pid)
    assert folders and folders == search.write_title_index(tmp_path / "again", directives)
    for folder in folders:
        assert (tmp_path / "site" / "pagefind" / folder / "pagefind-entry.json").is_file()


def test_records_that_cannot_be_made_beside_the_writers_leave_the_titles_to_the_build(tmp_path, monkeypatch, capfd):
    # The maker fails: the titles process sees its pipe end instead of waiting for ever, no
    # traceback reaches the build's output, and the build writes the titles itself (`_write_titles`).
    from vanban import search
    from vanban.cache import RenderCache

    def fails(part, remember=True):
        raise ValueError("hỏng")

    directives = load_archive(ROOT / "directives").archive.directives
    monkeypatch.setattr(search, "title_records", fails)
    beside = search.IndexBeside([(d.url, d) for d in directives], tmp_path / "site", None, RenderCache(None))
    beside.finish()
    assert beside.finish_titles() == []
    assert not (tmp_path / "site" / "pagefind" / search.TITLES_FILE).exists()
    assert "Traceback" not in capfd.readouterr().err


def test_without_the_titles_beside_the_writers_the_build_writes_the_same_titles_index_after(tmp_path):
    # Beyond TITLES_BESIDE_MAX directives the indexer beside the writers leaves the titles alone (no
    # process of theirs runs beside the writers) and `_write_titles` writes them after the pages.
    from vanban import search
    from vanban.cache import RenderCache

    directives = load_archive(ROOT / "directives").archive.directives
    beside = search.IndexBeside([(d.url, d) for d in directives], tmp_path / "site", None, RenderCache(None), titles=False)
    assert beside._titles is None and beside._records is None
    assert beside.finish() == []
    assert beside.finish_titles() == []
    assert not (tmp_path / "site" / "pagefind" / search.TITLES_FILE).exists()
    after = search.write_title_index(tmp_path / "site", directives)
    assert after and after == search.write_title_index(tmp_path / "again", directives)
    assert json.loads((tmp_path / "site" / "pagefind" / search.TITLES_FILE).read_text(encoding="utf-8"))
