"""Cross references across an archive: resolution, "cited by", relations both ways, computed status,
and what `vanban check` says about references it cannot resolve."""

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, fixture_text, make_archive
from vanban.project import load_archive

VANBAN = str(Path(sys.executable).parent / "vanban")


# The issuer whose abbreviation the number carries (the rulebook checks they agree).
ISSUERS = {"STTTT": "stttt", "CP": "chinh-phu", "HĐND": "hdnd-tinh"}


def directive(number: str, date: str, body: str = "", type_: str = "ke-hoach", extra: str = "") -> str:
    issuer = next((key for abbr, key in ISSUERS.items() if abbr in number.split("/")[-1].split("-")), "ubnd-tinh")
    return (f"---\nnumber: {number}\ntype: {type_}\ndate: {date}\nissuer: {issuer}\n"
            f"subject: Văn bản {number}\n{extra}---\n\n{body}\n")


def load(tmp_path, files):
    folder = make_archive(tmp_path / "d", files)
    loaded = load_archive(folder, tmp_path)
    return loaded, {d.number.text + (f"@{d.year}" if d.year else ""): d for d in loaded.archive.directives}


def test_citation_resolves_by_normalised_number_and_year(tmp_path):
    loaded, by = load(tmp_path, {
        "a.md": directive("02/KH-UBND", "2023-01-04"),
        "a2.md": directive("02/KH-UBND", "2024-01-08"),
        "n.md": directive("155/2020/NĐ-CP", "2020-12-31", type_="nghi-dinh"),
        "b.md": directive("10/KH-STTTT".replace("STTTT", "UBND"), "2024-02-01",
                          "Thực hiện kế hoạch số 2/kh-ubnd ngày 04/01/2023 và Nghị định số 155/2020/NÐ-CP."),
    })
    cites = loaded.archive.links.cites(by["10/KH-UBND@2024"])
    assert [c.target for c in cites] == [by["02/KH-UBND@2023"], by["155/2020/NĐ-CP@2020"]]
    assert loaded.archive.links.cited_by(by["02/KH-UBND@2023"]) == [by["10/KH-UBND@2024"]]
    assert loaded.archive.links.cited_by(by["02/KH-UBND@2024"]) == []


def test_scans_kept_by_one_build_serve_the_next_and_only_under_the_same_code(tmp_path, monkeypatch):
    from vanban import crossrefs
    files = {"a.md": directive("02/KH-UBND", "2023-01-04"),
             "b.md": directive("10/KH-UBND", "2024-02-01", "Thực hiện Kế hoạch số 02/KH-UBND ngày 04/01/2023.")}
    monkeypatch.setattr(crossrefs, "_SCANNED", {})
    loaded, by = load(tmp_path, files)
    memo = tmp_path / "cache" / "citations.pickle"
    crossrefs.save_scans(memo, "code-1", loaded.archive)

    # A new process: nothing scanned; the kept scans are read, and no body is scanned again.
    monkeypatch.setattr(crossrefs, "_SCANNED", {})
    crossrefs.load_scans(memo, "code-1")
    monkeypatch.setattr(crossrefs, "find_citations", lambda text: (_ for _ in ()).throw(AssertionError(text)))
    again, by = load(tmp_path, files)
    assert [c.target for c in again.archive.links.cites(by["10/KH-UBND@2024"])] == [by["02/KH-UBND@2023"]]
    assert again.archive.links.cites(by["10/KH-UBND@2024"])[0].line == 9  # the body starts on line 9

    # Other code: the kept scans are not used.
    monkeypatch.setattr(crossrefs, "_SCANNED", {})
    crossrefs.load_scans(memo, "code-2")
    assert crossrefs._SCANNED == {}


def test_ambiguous_citation_without_date_is_not_guessed(tmp_path):
    loaded, by = load(tmp_path, {
        "a.md": directive("02/KH-UBND", "2023-01-04"),
        "a2.md": directive("02/KH-UBND", "2024-01-08"),
        "b.md": directive("10/KH-UBND", "2024-02-01", "Dòng đầu.\n\nThực hiện Kế hoạch số 02/KH-UBND của UBND tỉnh."),
    })
    [cited] = loaded.archive.links.cites(by["10/KH-UBND@2024"])
    assert cited.target is None and cited.resolution.ambiguous
    [warning] = [p for p in loaded.problems if p.path.endswith("b.md")]
    assert not warning.is_error and warning.line == 11
    assert "khớp với 2 văn bản" in warning.message and "d/a.md" in warning.message and "d/a2.md" in warning.message


def test_unresolved_citation_is_a_tolerated_warning(tmp_path):
    loaded, by = load(tmp_path, {"b.md": directive("10/KH-UBND", "2024-02-01", "Căn cứ Luật số 80/2015/QH13;")})
    [cited] = loaded.archive.links.cites(by["10/KH-UBND@2024"])
    assert cited.target is None and not cited.resolution.ambiguous
    [warning] = loaded.problems
    assert "“Luật số 80/2015/QH13” chưa có trong kho" in warning.message and not warning.strict


def test_each_document_is_listed_once_and_self_citation_ignored(tmp_path):
    body = ("Quyết định số 40/QĐ-STTTT này thay thế Kế hoạch số 02/KH-UBND ngày 04/01/2023.\n\n"
            "Bãi bỏ nội dung trái với Kế hoạch số 02/KH-UBND ngày 04/01/2023.")
    loaded, by = load(tmp_path, {"a.md": directive("02/KH-UBND", "2023-01-04"),
                                 "q.md": directive("40/QĐ-STTTT", "2025-06-02", body, type_="quyet-dinh")})
    assert [c.target for c in loaded.archive.links.cites(by["40/QĐ-STTTT@2025"])] == [by["02/KH-UBND@2023"]]


def test_relations_have_inverses_and_give_status(tmp_path):
    loaded, by = load(tmp_path, {
        "old.md": directive("15/QĐ-STTTT", "2024-03-12", type_="quyet-dinh"),
        "gone.md": directive("16/QĐ-STTTT", "2024-03-13", type_="quyet-dinh"),
        "kept.md": directive("17/QĐ-STTTT", "2024-03-14", type_="quyet-dinh", extra="status: con-hieu-luc\n"),
        "new.md": directive("40/QĐ-STTTT", "2025-06-02", type_="quyet-dinh", extra=(
            "relations:\n  replaces: [{number: 15/QĐ-STTTT, year: 2024}]\n"
            "  repeals: [16/QĐ-STTTT, 17/QĐ-STTTT]\n")),
    })
    links = loaded.archive.links
    old, gone, kept, new = by["15/QĐ-STTTT@2024"], by["16/QĐ-STTTT@2024"], by["17/QĐ-STTTT@2024"], by["40/QĐ-STTTT@2025"]
    assert [(r.predicate.reverse_label, r.source) for r in links.inverse_relations(old)] == [("Bị thay thế bởi", new)]
    assert loaded.archive.status_of(old) == "bi-thay-the" and links.status_reason(old).source is new
    assert loaded.archive.status_of(gone) == "bi-bai-bo"
    # A written "con-hieu-luc" is a claim of the day it was written; a repeal in the archive is a later fact.
    assert loaded.archive.status_of(kept) == "bi-bai-bo"
    assert loaded.archive.status_of(new) == "khong-ro"  # no dates, no status: never a guess
    assert [(p.path, p.field, p.severity, p.strict) for p in loaded.problems] == [("d/kept.md", "status", "warning", False)]
    summary = links.summary(old)
    assert summary["status"] == "bi-thay-the"
    assert summary["related_by"] == [{"kind": "replaces", "url": "/van-ban/2025/40-qd-stttt/"}]
    json.dumps(links.summary(new))


def test_attachment_titled_as_a_citation_links_to_it(tmp_path):
    folder = make_archive(tmp_path / "d", {
        "a.md": directive("02/KH-UBND", "2023-01-04"),
        "x/cv.md": directive("20/UBND-KT", "2023-02-01", type_="cong-van", extra=(
            "attachments:\n  - {file: kh.pdf, title: Kế hoạch số 02/KH-UBND ngày 04/01/2023}\n"
            "  - {file: kh.pdf, title: Phụ lục}\n")),
        "x/kh.pdf": b"%PDF-1.4\n",
    })
    archive = load_archive(folder, tmp_path).archive
    cv = next(d for d in archive.directives if d.number.text == "20/UBND-KT")
    targets = [archive.links.attachment_target(cv, a) for a in cv.attachments]
    assert [t.number.text if t else None for t in targets] == ["02/KH-UBND", None]


def run(*args, cwd=ROOT):
    return subprocess.run([VANBAN, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_unknown_references_are_warnings_even_under_strict(tmp_path):
    citing = directive("10/KH-UBND", "2024-02-01", "Căn cứ Luật số 80/2015/QH13;")
    folder = make_archive(tmp_path / "d", {"a.md": citing})
    proc = run("check", "--directives", str(folder), cwd=tmp_path)
    assert proc.returncode == 0
    assert "d/a.md:9: cảnh báo VB511: Văn bản được dẫn chiếu “Luật số 80/2015/QH13” chưa có trong kho" in proc.stdout
    assert run("check", "--strict", "--directives", str(folder), cwd=tmp_path).returncode == 0

    related = directive("11/KH-UBND", "2024-02-02", extra="relations:\n  implements: [{number: 99/KH-UBND, year: 2023}]\n")
    folder = make_archive(tmp_path / "e", {"b.md": related})
    proc = run("check", "--directives", str(folder), cwd=tmp_path)
    assert proc.returncode == 0
    assert "e/b.md:8: cảnh báo VB501 [relations.implements[0]]: Quan hệ “Thực hiện” 99/KH-UBND năm 2023" in proc.stdout
    # The importer writes relations to national documents the archive will never hold: a warning
    # everywhere (the deploy's strict build included), never a failure.
    strict = run("check", "--strict", "--directives", str(folder), cwd=tmp_path)
    assert strict.returncode == 0 and "e/b.md:8: cảnh báo VB501 [relations.implements[0]]" in strict.stdout


def test_sample_archive_resolves_everything_the_seed_cites():
    loaded = load_archive(ROOT / "directives", ROOT)
    seed = next(d for d in loaded.archive.directives if d.rel_path.endswith("stttt-tuyen-truyen-cchc-sap-nhap-thon.md"))
    links = loaded.archive.links
    assert [(c.citation.number.text, c.target.rel_path) for c in links.cites(seed)] == [
        ("02/KH-UBND", "directives/2023/02-kh-ubnd.md"),
        ("07/KH-UBND", "directives/2023/07-kh-ubnd.md"),
        ("1562/UBND-KT", "directives/2022/1562-ubnd-kt.md"),
        ("08/KH-UBND", "directives/2023/08-kh-ubnd.md"),
        ("37/NQ-HĐND", "directives/khac/37-nq-hdnd.md"),
    ]
    assert [r.target.rel_path for r in links.relations(seed)] == [
        "directives/2023/02-kh-ubnd.md", "directives/2023/07-kh-ubnd.md",
        "directives/2022/1562-ubnd-kt.md", "directives/2023/08-kh-ubnd.md"]
    assert not [p for p in loaded.problems if "dẫn chiếu" in p.message or "Quan hệ" in p.message]


# -- built HTML ------------------------------------------------------------------------------------

import re  # noqa: E402

from conftest import run_build  # noqa: E402
from test_build import SEED_URL, meta_row, text_of  # noqa: E402

PLANS = {"../02-kh-ubnd/": "Kế hoạch số 02/KH-UBND ngày 04/01/2023",
         "../07-kh-ubnd/": "Kế hoạch số 07/KH-UBND ngày 10/01/2023",
         "../../2022/1562-ubnd-kt/": "Công văn số 1562/UBND-KT ngày 27/12/2022",
         "../08-kh-ubnd/": "Kế hoạch số 08/KH-UBND ngày 10/01/2023",
         "../../khong-ro-nam/37-nq-hdnd/": "Nghị quyết số 37/NQ-HĐND"}


def section(html: str, title_id: str) -> str:
    start = html.index(f'id="{title_id}"')
    return html[start:html.index("</section>", start)]


def body_links(html: str) -> list[tuple[str, str]]:
    body = html[html.index('class="vb-paper__body"'):html.index('class="vb-paper__foot"')]
    return [(href, text_of(t)) for href, t in re.findall(r'<a class="vb-ref" href="([^"]+)">(.*?)</a>', body, re.S)]


def test_seed_body_links_its_four_plans_and_the_resolution(sample_site):
    links = body_links(sample_site.page(SEED_URL))
    # The opening paragraph cites the four plans, section 2 the resolution, the closing line the four again.
    assert links == list(PLANS.items())[:4] + [list(PLANS.items())[4]] + list(PLANS.items())[:4]
    for href in PLANS:
        target = (sample_site.site / SEED_URL / href / "index.html").resolve()
        assert target.exists(), href


def test_seed_lists_each_related_document_once_under_its_most_specific_heading(sample_site):
    html = sample_site.page(SEED_URL)
    relations = section(html, "vb-relations-title")
    implemented = re.findall(r'<dd><a href="([^"]+)">', relations)
    assert implemented == list(PLANS)[:4]  # "Thực hiện": the four plans
    assert "Kế hoạch 02/KH-UBND ngày 04/01/2023: Cải cách hành chính tỉnh Lạng Sơn năm 2023" in text_of(relations)
    # The text cites those four too; "Văn bản dẫn chiếu" keeps only what no relation names.
    cites = section(html, "vb-cites-title")
    assert re.findall(r'<li><a href="([^"]+)">', cites) == list(PLANS)[4:]
    assert "chưa có trong kho" not in cites
    listed = re.findall(r'<(?:dd|li)><a href="([^"]+)">', relations + cites)
    assert sorted(listed) == sorted(PLANS)


def test_cited_plan_lists_who_cites_it_and_implements_it(sample_site):
    html = sample_site.page("van-ban/2023/02-kh-ubnd/")
    # Both documents that cite the plan also implement it: listed once, under "Được thực hiện bởi",
    # and no "cited by" list repeats them.
    relations = section(html, "vb-relations-title")
    assert sorted(re.findall(r'<dd><a href="([^"]+)">', relations)) == [
        "../../2025/12-kh-stttt/", "../stttt-ttbcxb-tuyen-truyen-cchc-sap-nhap-thon/"]
    assert "Được thực hiện bởi Kế hoạch 12/KH-STTTT ngày 10/02/2025" in text_of(relations)
    assert 'id="vb-cited-by-title"' not in html
    assert "Công văn (chưa ghi số) /STTTT-TTBCXB năm 2023: Tuyên truyền" in text_of(relations)


def test_replaced_directive_shows_status_on_page_and_in_listings(sample_site):
    html = sample_site.page("van-ban/2024/15-qd-stttt/")
    assert meta_row(html, "Tình trạng hiệu lực") == "Đã bị thay thế"
    assert "Văn bản này đã bị thay thế bởi Quyết định 40/QĐ-STTTT ngày 02/06/2025." in text_of(html)
    assert 'href="../../2025/40-qd-stttt/"' in section(html, "vb-relations-title")
    listing = sample_site.page("loai/quyet-dinh/")
    row = re.search(r"<tr>\s*<td class=\"vb-list__number\"><a[^>]*>15/QĐ-STTTT</a>.*?</tr>", listing, re.S).group()
    assert 'class="vb-status vb-status--bi-thay-the">Đã bị thay thế</span>' in row
    # The replacing one has no effective date nor status: unknown, said so rather than guessed;
    # the manual status of 20/GM stays.
    assert meta_row(sample_site.page("van-ban/2025/40-qd-stttt/"), "Tình trạng hiệu lực") == "Không rõ"
    assert meta_row(sample_site.page("van-ban/2025/20-gm-stttt/"), "Tình trạng hiệu lực") == "Hết hiệu lực"


def test_relation_diagram_links_to_each_related_directive(sample_site):
    html = sample_site.page(SEED_URL)
    svg = re.search(r"<svg class=\"vb-diagram__svg\".*?</svg>", html, re.S).group()
    assert re.findall(r'<a href="([^"]+)">', svg) == [h for h in PLANS if "37-nq" not in h]
    assert svg.count("thực hiện</text>") == 4
    assert "văn bản này thực hiện Kế hoạch 02/KH-UBND (2023)" in svg  # <desc> for screen readers
    assert "style=" not in svg and "<script" not in svg
    assert "vb-diagram" not in sample_site.page("van-ban/2024/05-tb-stttt/")  # no relations, no diagram


CITING = """---
number: 20/UBND-KT
type: cong-van
date: 2023-02-01
issuer: ubnd-tinh
subject: "V/v thực hiện kế hoạch"
---

Thực hiện Kế hoạch số 02/KH-UBND ngày 04/01/2023 của UBND tỉnh và Luật số 80/2015/QH13.

## Kế hoạch số 02/KH-UBND ngày 04/01/2023

Ví dụ: `Kế hoạch số 02/KH-UBND ngày 04/01/2023`; đã có [Kế hoạch số 02/KH-UBND ngày 04/01/2023](https://example.gov.vn/kh).
"""


def test_never_links_inside_headings_code_or_links_and_marks_missing(tmp_path):
    folder = make_archive(tmp_path / "d", {"a.md": fixture_text("ke-hoach-hop-le.md"), "b.md": CITING})
    result = run_build(tmp_path / "site", folder)
    assert result.returncode == 0, result.output
    html = result.page("van-ban/2023/20-ubnd-kt/")
    assert body_links(html) == [("../02-kh-ubnd/", "Kế hoạch số 02/KH-UBND ngày 04/01/2023")]
    assert "<code>Kế hoạch số 02/KH-UBND ngày 04/01/2023</code>" in html
    assert '<a href="https://example.gov.vn/kh">Kế hoạch số 02/KH-UBND ngày 04/01/2023</a>' in html
    assert re.search(r"<h2 [^>]*>Kế hoạch số 02/KH-UBND ngày 04/01/2023 ?<", html)  # plain text, not a link
    cites = text_of(section(html, "vb-cites-title"))
    assert "Luật số 80/2015/QH13 chưa có trong kho" in cites
    # A citation of a document outside the archive is information, not a failure of the strict build.
    assert "Luật số 80/2015/QH13" in result.output


def test_strict_build_publishes_relations_to_unknown_and_external_documents(tmp_path):
    text = fixture_text("ke-hoach-hop-le.md").replace("topics:", "relations:\n  replaces: [{number: 01/KH-UBND, year: 2022}]\n"
                                                      "  based_on: [{number: 30/2020/NĐ-CP, issuer: chinh-phu}]\ntopics:")
    folder = make_archive(tmp_path / "d", {"a.md": text})
    result = run_build(tmp_path / "site", folder)
    assert result.returncode == 0, result.output
    assert "a.md:14: cảnh báo VB501 [relations.replaces[0]]: Quan hệ “Thay thế” 01/KH-UBND năm 2022" in result.output
    assert "30/2020" not in result.output  # declared outside the archive: nothing to report
    relations = text_of(section(result.page("van-ban/2023/02-kh-ubnd/"), "vb-relations-title"))
    assert "01/KH-UBND (năm 2022) chưa có trong kho" in relations
    assert "30/2020/NĐ-CP của Chính phủ" in relations and "30/2020/NĐ-CP của Chính phủ chưa có" not in relations


def test_computed_status_reaches_open_data_and_json_ld(sample_site):
    record = json.loads((sample_site.site / "van-ban/2024/15-qd-stttt/index.json").read_text(encoding="utf-8"))
    assert (record["status"], record["status_label"]) == ("bi-thay-the", "Đã bị thay thế")
    html = sample_site.page("van-ban/2024/15-qd-stttt/")
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert ld["legislationLegalForce"] == "https://schema.org/NotInForce"


def test_a_much_cited_directive_lists_the_newest_and_points_to_search(tmp_path):
    files = {"a.md": fixture_text("ke-hoach-hop-le.md")}
    for n in range(1, 33):
        files[f"c{n}.md"] = directive(f"{n}/UBND-KT", f"2023-03-{n % 28 + 1:02d}", "Thực hiện Kế hoạch số 02/KH-UBND ngày 04/01/2023.",
                                      type_="cong-van")
    folder = make_archive(tmp_path / "d", files)
    result = run_build(tmp_path / "site", folder)
    assert result.returncode == 0, result.output
    cited_by = section(result.page("van-ban/2023/02-kh-ubnd/"), "vb-cited-by-title")
    assert cited_by.count("<li>") == 31
    assert "và 2 văn bản khác" in text_of(cited_by)
    assert 'href="../../../tim-kiem/?q=02/KH-UBND"' in cited_by
