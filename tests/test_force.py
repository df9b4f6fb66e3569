"""Withdrawal, correction and the status in force (force.py): what staff write, what `check` says,
and what the built site shows — pages, listings, feeds, open data, JSON-LD, search data.

The fixture archive (tests/fixtures/hieu-luc/) is built as of 20/06/2024 (SOURCE_DATE_EPOCH):
16/QĐ-STTTT withdrawn by 45/QĐ-STTTT; 30/KH-STTTT (in force 06/05–31/12/2024) corrected by
52/QĐ-STTTT; 60/QĐ-STTTT in force from 01/07/2024; 52/QĐ-STTTT has no dates (unknown).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import quote_plus

import pytest

from conftest import FIXTURES, REGISTRIES, ROOT, make_archive, run_build
from test_build import meta_row, text_of
from test_cache import site_files
from vanban.archive import build_archive
from vanban.force import legal_force
from vanban.model import Directive, PartialDate
from vanban.project import load_archive
from vanban.statements import build_date

VANBAN = str(Path(sys.executable).parent / "vanban")
HIEU_LUC = FIXTURES / "hieu-luc"
AS_OF = date(2024, 6, 20)
WITHDRAWN = "van-ban/2024/16-qd-stttt/"
WITHDRAWING = "van-ban/2024/45-qd-stttt/"
CORRECTED = "van-ban/2024/30-kh-stttt/"
CORRECTING = "van-ban/2024/52-qd-stttt/"
NOT_YET = "van-ban/2024/60-qd-stttt/"


def epoch(day: date) -> str:
    return str(int(datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc).timestamp()))


def fixture_archive(folder: Path) -> Path:
    shutil.copytree(HIEU_LUC, folder)
    shutil.copytree(REGISTRIES, folder / "_registries")
    return folder


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hieu-luc")
    result = run_build(tmp / "site", fixture_archive(tmp / "d"), extra_env={"SOURCE_DATE_EPOCH": epoch(AS_OF)})
    assert result.returncode == 0, result.output
    return result


def json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def listed_urls(html: str) -> list[str]:
    return re.findall(r'<td class="vb-list__number"><a href="([^"]+)"', html)


# ---- the status in force ------------------------------------------------------------------------

def directive(**fields) -> Directive:
    from vanban.numbers import DocumentNumber
    return Directive(source=Path("x.md"), rel_path="x.md", number=DocumentNumber.parse("1/QĐ-STTTT"), type=None,  # type: ignore[arg-type]
                     issuer=None, subject="x", date=PartialDate(2024, 1, 2), **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("fields, relations, expected", [
    ({}, None, "khong-ro"),
    ({"status": "con-hieu-luc"}, None, "con-hieu-luc"),
    ({"effective_from": PartialDate(2024, 7, 1)}, None, "chua-co-hieu-luc"),
    ({"effective_from": PartialDate(2024, 6, 20)}, None, "con-hieu-luc"),  # from that very day
    ({"effective_from": PartialDate(2024, 6)}, None, "khong-ro"),  # June 2024, on 20 June: not known
    ({"effective_from": PartialDate(2024, 5)}, None, "con-hieu-luc"),
    ({"effective_from": PartialDate(2024)}, None, "khong-ro"),
    ({"effective_from": PartialDate(2024, 1, 1), "effective_until": PartialDate(2024, 6, 19)}, None, "het-hieu-luc"),
    ({"effective_from": PartialDate(2024, 1, 1), "effective_until": PartialDate(2024, 6, 20)}, None, "con-hieu-luc"),
    ({"effective_from": PartialDate(2024, 1, 1), "effective_until": PartialDate(2024, 6)}, None, "khong-ro"),
    ({"effective_until": PartialDate(2024, 5)}, None, "het-hieu-luc"),  # no start needed to have ended
    ({"effective_until": PartialDate(2024, 12, 31)}, None, "khong-ro"),  # not ended, not known to have begun
    # Dates outrank a written "con-hieu-luc"; a written end of force outranks dates.
    ({"status": "con-hieu-luc", "effective_until": PartialDate(2024, 1, 31)}, None, "het-hieu-luc"),
    ({"status": "het-hieu-luc", "effective_from": PartialDate(2024, 1, 1)}, None, "het-hieu-luc"),
    # Relations outrank both; withdrawal outranks everything.
    ({"status": "con-hieu-luc"}, "bi-thay-the", "bi-thay-the"),
    ({"effective_from": PartialDate(2024, 1, 1)}, "bi-bai-bo", "bi-bai-bo"),
    ({"status": "thu-hoi"}, "bi-thay-the", "thu-hoi"),
])
def test_status_in_force_as_of_a_day(fields, relations, expected):
    assert legal_force(directive(**fields), relations, AS_OF) == expected


def test_a_withdrawn_or_not_yet_effective_directive_replaces_nothing(tmp_path):
    head = "---\ntype: quyet-dinh\nissuer: stttt\nsubject: Quy chế\n"
    folder = make_archive(tmp_path / "d", {
        "old.md": head + "number: 10/QĐ-STTTT\ndate: 2024-01-02\neffective_from: 2024-01-02\n---\n\nx\n",
        "new.md": head + ("number: 70/QĐ-STTTT\ndate: 2024-06-10\neffective_from: 2024-08-01\n"
                          "relations: {replaces: [{number: 10/QĐ-STTTT, year: 2024}]}\n---\n\nx\n"),
    })
    loaded = load_archive(folder, tmp_path)
    assert loaded.errors == []
    by = {d.number.text: d for d in loaded.archive.directives}
    # Written "con-hieu-luc" and repealed: the repeal shows, and check asks to drop the stale line.
    folder = make_archive(tmp_path / "e", {
        "old.md": head + "number: 11/QĐ-STTTT\ndate: 2024-01-02\nstatus: con-hieu-luc\neffective_until: 2024-03-31\n---\n\nx\n"})
    problems = load_archive(folder, tmp_path).problems
    assert [(p.format(), p.strict) for p in problems] == [(
        "e/old.md: cảnh báo VB219 [status]: Trường status ghi 'con-hieu-luc' nhưng tính đến ngày "
        f"{build_date():%d/%m/%Y}, văn bản có tình trạng “Hết hiệu lực” (theo ngày hiệu lực hoặc văn bản khác trong "
        "kho) và trang hiện tình trạng này. Bỏ dòng status để trang tự tính.", False)]
    # On 20 June the replacement has not taken effect: the old one is still in force...
    archive, _ = build_archive(loaded.archive.directives, loaded.archive.registries, as_of=AS_OF)
    assert (by["10/QĐ-STTTT"].force, by["70/QĐ-STTTT"].force) == ("con-hieu-luc", "chua-co-hieu-luc")
    assert archive.links.status_reason(by["10/QĐ-STTTT"]) is None
    # ...on 1 August it is replaced.
    archive, _ = build_archive(loaded.archive.directives, loaded.archive.registries, as_of=date(2024, 8, 1))
    assert (by["10/QĐ-STTTT"].force, by["70/QĐ-STTTT"].force) == ("bi-thay-the", "con-hieu-luc")


# ---- what staff write, and what check says ------------------------------------------------------

BASE = "---\nnumber: 16/QĐ-STTTT\ntype: quyet-dinh\ndate: 2024-03-13\nissuer: stttt\nsubject: Quy định\n"


def check_output(tmp_path, text: str) -> tuple[int, str]:
    folder = make_archive(tmp_path / "d", {"2024/16-qd-stttt.md": text})
    proc = subprocess.run([VANBAN, "check", "--directives", str(folder)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.mark.parametrize("front, expected", [
    ("status: thu-hoi\n", "d/2024/16-qd-stttt.md:7: lỗi VB263 [status]: Văn bản thu hồi (status: thu-hoi) cần trường "
                          "'withdrawal' ghi ngày thu hồi (date), lý do (reason)"),
    ("status: thu-hoi\nwithdrawal:\n  reason: Sai thẩm quyền\n  by: 45/QĐ-STTTT\n",
     "d/2024/16-qd-stttt.md:8: lỗi VB267 [withdrawal.date]: Thiếu ngày thu hồi 'withdrawal.date'"),
    ("status: thu-hoi\nwithdrawal:\n  date: 2024-04-02\n  by: 45/QĐ-STTTT\n",
     "d/2024/16-qd-stttt.md:8: lỗi VB269 [withdrawal.reason]: Thiếu lý do thu hồi 'withdrawal.reason'"),
    ("status: thu-hoi\nwithdrawal:\n  by: 45/QĐ-STTTT\n  date: 2024-02-30\n  reason: Sai\n",
     "d/2024/16-qd-stttt.md:10: lỗi VB267 [withdrawal.date]: Ngày thu hồi '2024-02-30' không tồn tại"),
    ("status: thu-hoi\nwithdrawal:\n  reason: Sai\n  date: 2023-12-01\n",
     "d/2024/16-qd-stttt.md:10: lỗi VB268 [withdrawal.date]: Ngày thu hồi 01/12/2023 trước ngày ban hành 13/03/2024"),
    ("withdrawal:\n  date: 2024-04-02\n  reason: Sai\n",
     "d/2024/16-qd-stttt.md:7: lỗi VB264 [withdrawal]: Có trường 'withdrawal' nhưng chưa ghi 'status: thu-hoi'"),
    ("status: chua-co-hieu-luc\n", "lỗi VB217 [status]: Không ghi 'status: chua-co-hieu-luc'"),
    ("effective_from: 01/07/2024\n", "d/2024/16-qd-stttt.md:7: lỗi VB261 [effective_from]: Ngày có hiệu lực '01/07/2024' "
                                     "không đúng dạng: cần dạng năm-tháng-ngày như 2025-07-01"),
    ("effective_from: 2024-07-01\neffective_until: 2024-06\n",
     "d/2024/16-qd-stttt.md:8: lỗi VB262 [effective_until]: Ngày hết hiệu lực 06/2024 trước ngày có hiệu lực 01/07/2024"),
])
def test_check_names_file_line_and_field(tmp_path, front, expected):
    code, out = check_output(tmp_path, BASE + front + "---\n\nĐiều 1.\n")
    assert code == 1 and expected in out, out


def test_withdrawal_without_its_document_is_a_warning_and_an_unknown_one_is_named(tmp_path):
    code, out = check_output(tmp_path, BASE + "status: thu-hoi\nwithdrawal:\n  date: 2024-04-02\n  reason: Sai\n---\n\nx\n")
    assert code == 0 and "cảnh báo VB270 [withdrawal.by]: Chưa ghi văn bản thu hồi" in out, out
    code, out = check_output(tmp_path / "2", BASE + "status: thu-hoi\nwithdrawal:\n  date: 2024-04-02\n  reason: Sai\n"
                                                    "  by: 45/QĐ-STTTT\n---\n\nx\n")
    assert "[withdrawal.by]: Quan hệ “Bị thu hồi bởi” 45/QĐ-STTTT: văn bản này chưa có trong kho" in out, out


def test_hostile_withdrawal_text_is_escaped(tmp_path):
    from vanban.site import SitePlan
    folder = make_archive(tmp_path / "d", {"a.md": BASE + (
        "status: thu-hoi\nwithdrawal:\n  date: 2024-04-02\n  reason: \"<script>alert(1)</script> & <b>x</b>\"\n"
        "  by: 45/QĐ-STTTT\n---\n\nx\n"),
        "b.md": BASE.replace("16/", "17/") + (
        "status: thu-hoi\nwithdrawal:\n  date: 2024-04-02\n  reason: Sai\n  by: \"45/QĐ-STTTT<img src=x>\"\n---\n\nx\n")})
    loaded = load_archive(folder, tmp_path)
    assert [p.format() for p in loaded.errors] == [
        "d/b.md:11: lỗi VB506 [withdrawal.by]: '45/QĐ-STTTT<img src=x>' không phải số ký hiệu văn bản: ghi số như trên bản gốc, "
        "ví dụ 02/KH-UBND hoặc {number: 02/KH-UBND, year: 2023}."]
    html = SitePlan(loaded.archive).pages["van-ban/2024/16-qd-stttt/index.md"].html()[0]
    notice = re.search(r'id="vb-thu-hoi">(.*?)</div>', html, re.S).group(1)
    assert "<script>" not in notice and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;." in notice


def test_fixture_archive_loads_without_problems(tmp_path):
    loaded = load_archive(fixture_archive(tmp_path / "d"), tmp_path)
    assert [p.format() for p in loaded.problems] == []


# ---- the built pages -----------------------------------------------------------------------------

def test_withdrawn_page_stays_as_a_marked_record(site):
    html = site.page(WITHDRAWN)
    notice = re.search(r'<div class="vb-notice vb-notice--withdrawn" role="note" id="vb-thu-hoi">(.*?)</div>', html, re.S)
    assert notice, "no withdrawal notice"
    assert text_of(notice.group(1)) == (
        "Văn bản đã bị thu hồi Văn bản này đã bị thu hồi ngày 02/04/2024 theo Quyết định 45/QĐ-STTTT ngày 02/04/2024. "
        "Lý do thu hồi: Ban hành không đúng thẩm quyền. Trang được giữ lại để tra cứu; văn bản không còn giá trị thi "
        "hành và không có trong các danh sách văn bản.")
    assert 'href="../45-qd-stttt/"' in notice.group(1)
    assert meta_row(html, "Tình trạng hiệu lực") == "Đã bị thu hồi"
    assert "Quy định tạm thời chế độ báo cáo định kỳ" in html  # the text is still there
    # The withdrawing decision says what it withdrew.
    relations = text_of(re.search(r'<section class="vb-relations".*?</section>', site.page(WITHDRAWING), re.S).group())
    assert "Thu hồi Quyết định 16/QĐ-STTTT ngày 13/03/2024" in relations


def test_withdrawn_directive_is_out_of_listings_home_and_feeds(site):
    for url in ("van-ban/", "van-ban/2024/", "loai/quyet-dinh/", "co-quan/stttt/", "linh-vuc/chuyen-doi-so/"):
        urls = listed_urls(site.page(url))
        assert "../../" + WITHDRAWN not in urls and not any("16-qd-stttt" in u for u in urls), url
        assert any("45-qd-stttt" in u for u in urls), url  # the listing itself is there
    home = site.page("")
    assert "16-qd-stttt" not in home.split('id="moi-ban-hanh"')[1]
    assert "Kho hiện có <strong>4</strong> văn bản (và" in home and 'href="van-ban/thu-hoi/">1 văn bản đã thu hồi</a>' in home
    for feed in ("van-ban/atom.xml", "loai/quyet-dinh/atom.xml", "co-quan/stttt/atom.xml"):
        xml = (site.site / feed).read_text(encoding="utf-8")
        assert "45-qd-stttt" in xml and "16-qd-stttt" not in xml, feed
    # A group whose only directive is withdrawn keeps its published page, which says why it is empty.
    archive_list = site.page("linh-vuc/van-thu-luu-tru/")
    assert listed_urls(archive_list) == []
    assert "Không còn văn bản nào trong danh sách này: các văn bản của danh sách đã bị thu hồi (xem" in text_of(archive_list)
    assert '(xem <a href="../../van-ban/thu-hoi/">Văn bản đã thu hồi</a>).' in archive_list
    assert "Văn thư, lưu trữ</a> <span class=\"vb-groups__count\">0 văn bản</span>" in site.page("linh-vuc/")
    # Its own list, without a feed.
    assert [u.rstrip("/").rsplit("/", 1)[1] for u in listed_urls(site.page("van-ban/thu-hoi/"))] == ["16-qd-stttt"]
    assert not (site.site / "van-ban/thu-hoi/atom.xml").exists()


def test_withdrawn_directive_is_searchable_with_its_status(site):
    from vanban.search import filter_counts, index_document, search_data
    loaded = load_archive(fixture_archive(site.site.parent / "again"), site.site.parent)
    archive, _ = build_archive(loaded.archive.directives, loaded.archive.registries, as_of=AS_OF)
    withdrawn = archive.by_url[WITHDRAWN]
    doc = index_document(withdrawn, "<p>Toàn văn</p>")
    assert '<span data-pagefind-filter="tinh_trang">Đã bị thu hồi</span>' in doc
    assert search_data(withdrawn)["meta"]["status"] == "Đã bị thu hồi"
    counts = json.loads((site.site / "pagefind" / "bo-loc.json").read_text(encoding="utf-8"))["tinh_trang"]
    assert counts == {"Chưa có hiệu lực": 1, "Còn hiệu lực": 2, "Không rõ": 1, "Đã bị thu hồi": 1}
    # And the index holds it: Pagefind's filter list of its bucket names the value.
    assert withdrawn.url in {d.url for d in archive.directives}


def test_correction_links_both_ways_with_a_notice(site):
    corrected = site.page(CORRECTED)
    notice = re.search(r'<p class="vb-notice vb-notice--correction" role="note">(.*?)</p>', corrected, re.S)
    assert notice and text_of(notice.group(1)) == (
        "Văn bản này đã được đính chính bởi Quyết định 52/QĐ-STTTT ngày 20/05/2024: xem nội dung đính chính tại văn bản đó.")
    assert 'href="../52-qd-stttt/"' in notice.group(1)
    relations = text_of(re.search(r'<section class="vb-relations".*?</section>', site.page(CORRECTING), re.S).group())
    assert "Đính chính Kế hoạch 30/KH-STTTT ngày 06/05/2024" in relations
    assert "vb-notice--correction" not in site.page(CORRECTING)


def test_status_and_effective_dates_on_pages(site):
    assert meta_row(site.page(CORRECTED), "Tình trạng hiệu lực") == "Còn hiệu lực"
    assert meta_row(site.page(CORRECTED), "Ngày có hiệu lực") == "06/05/2024"
    assert meta_row(site.page(CORRECTED), "Ngày hết hiệu lực") == "31/12/2024"
    assert meta_row(site.page(NOT_YET), "Tình trạng hiệu lực") == "Chưa có hiệu lực"
    assert meta_row(site.page(CORRECTING), "Tình trạng hiệu lực") == "Không rõ"
    listing = site.page("loai/quyet-dinh/")
    row = re.search(r'<tr>\s*<td class="vb-list__number"><a[^>]*>60/QĐ-STTTT</a>.*?</tr>', listing, re.S).group()
    assert '<span class="vb-status vb-status--chua-co-hieu-luc">Chưa có hiệu lực</span>' in row


def test_open_data_json_csv_and_json_ld(site):
    record = json.loads((site.site / WITHDRAWN / "index.json").read_text(encoding="utf-8"))
    assert (record["status"], record["status_label"], record["status_computed"]) == ("thu-hoi", "Đã bị thu hồi", False)
    assert record["withdrawal"] == {"date": "2024-04-02", "reason": "Ban hành không đúng thẩm quyền",
                                    "by": {"number": "45/QĐ-STTTT", "year": 2024,
                                           "url": "https://vanban.example.gov.vn/" + WITHDRAWING}}
    corrected = json.loads((site.site / CORRECTED / "index.json").read_text(encoding="utf-8"))
    assert (corrected["effective_from"], corrected["effective_until"]) == ("2024-05-06", "2024-12-31")
    assert (corrected["status"], corrected["status_computed"]) == ("con-hieu-luc", True)
    assert {"kind": "corrects", "label": "Được đính chính bởi", "number": "52/QĐ-STTTT", "year": 2024,
            "url": "https://vanban.example.gov.vn/" + CORRECTING} in corrected["related_by"]
    # The whole-archive exports keep withdrawn directives (they are records), with their status.
    export = json.loads((site.site / "du-lieu/van-ban.json").read_text(encoding="utf-8"))
    assert {r["number"]: r["status"] for r in export["directives"]} == {
        "60/QĐ-STTTT": "chua-co-hieu-luc", "52/QĐ-STTTT": "khong-ro", "30/KH-STTTT": "con-hieu-luc",
        "45/QĐ-STTTT": "con-hieu-luc", "16/QĐ-STTTT": "thu-hoi"}
    rows = {r["number"]: r for r in csv.DictReader(io.StringIO((site.site / "du-lieu/van-ban.csv").read_text("utf-8-sig")))}
    assert (rows["30/KH-STTTT"]["effective_from"], rows["30/KH-STTTT"]["effective_until"]) == ("2024-05-06", "2024-12-31")
    assert rows["16/QĐ-STTTT"]["status"] == "thu-hoi" and rows["52/QĐ-STTTT"]["effective_from"] == ""
    ld = json_ld(site.page(CORRECTED))
    assert ld["legislationLegalForce"] == "https://schema.org/InForce"
    assert ld["legislationDateOfApplicability"] == "2024-05-06"
    assert json_ld(site.page(NOT_YET))["legislationLegalForce"] == "https://schema.org/NotInForce"
    assert json_ld(site.page(WITHDRAWN))["legislationLegalForce"] == "https://schema.org/NotInForce"
    correcting = json_ld(site.page(CORRECTING))
    assert "legislationLegalForce" not in correcting  # unknown: not said
    assert [(x["legislationIdentifier"], x["@id"]) for x in correcting["legislationCorrects"]] == [
        ("30/KH-STTTT", "https://vanban.example.gov.vn/" + CORRECTED)]


def test_open_data_validates_against_the_schema(site):
    import jsonschema
    from vanban.opendata import SCHEMA_DIR
    schema = json.loads((SCHEMA_DIR / "van-ban.schema.json").read_text(encoding="utf-8"))
    for url in (WITHDRAWN, WITHDRAWING, CORRECTED, CORRECTING, NOT_YET):
        jsonschema.validate(json.loads((site.site / url / "index.json").read_text(encoding="utf-8")), schema)


# ---- deleting a published directive -----------------------------------------------------------

@pytest.fixture
def project(tmp_path):
    """A project of its own (mkdocs.yml, docs, hooks beside the fixture archive), with its manifest."""
    for name in ("docs", "hooks"):
        (tmp_path / name).symlink_to(ROOT / name)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    fixture_archive(tmp_path / "directives")
    proc = subprocess.run([VANBAN, "links", "--update"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return tmp_path


def test_deleting_a_published_directive_fails_links_and_the_build_saying_withdraw(project):
    (project / "directives" / "16-qd-stttt-thu-hoi.md").unlink()
    proc = subprocess.run([VANBAN, "links"], cwd=project, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    [line] = [l for l in proc.stdout.splitlines() if "16-qd-stttt" in l]  # one line for the file, not one per URL
    assert line.startswith("directives/16-qd-stttt-thu-hoi.md: lỗi VB405 [status]: Tệp đã bị xoá nhưng Quyết định "
                           "16/QĐ-STTTT đã công bố tại /van-ban/2024/16-qd-stttt/ (cùng ")
    assert "đừng xoá, hãy thu hồi: status: thu-hoi" in line
    build = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict", "--site-dir",
                            str(project / "site")], cwd=project, capture_output=True, text=True, timeout=600,
                           env={"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1"})
    assert build.returncode == 1
    assert "đừng xoá, hãy thu hồi: status: thu-hoi" in build.stdout + build.stderr


def test_a_moved_file_keeping_its_address_is_not_a_deletion(project):
    (project / "directives" / "2024").mkdir()
    (project / "directives" / "16-qd-stttt-thu-hoi.md").rename(project / "directives" / "2024" / "16-qd-stttt.md")
    proc = subprocess.run([VANBAN, "links"], cwd=project, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# ---- the cache and the build date ---------------------------------------------------------------

def test_a_later_build_date_changes_the_status_and_a_warm_build_equals_a_cold_one(tmp_path):
    """The status depends on the build date; the page cache is keyed by the status, not the date."""
    folder = fixture_archive(tmp_path / "d")
    cache = {"VANBAN_CACHE": str(tmp_path / "cache")}
    early = run_build(tmp_path / "early", folder, extra_env={"SOURCE_DATE_EPOCH": epoch(AS_OF), **cache})
    assert early.returncode == 0, early.output
    later_env = {"SOURCE_DATE_EPOCH": epoch(date(2025, 1, 2))}
    warm = run_build(tmp_path / "warm", folder, extra_env={**later_env, **cache})
    cold = run_build(tmp_path / "cold", folder, extra_env={**later_env, "VANBAN_CACHE": str(tmp_path / "cache2")})
    assert warm.returncode == 0 and cold.returncode == 0
    assert meta_row(early.page(NOT_YET), "Tình trạng hiệu lực") == "Chưa có hiệu lực"
    assert meta_row(warm.page(NOT_YET), "Tình trạng hiệu lực") == "Còn hiệu lực"
    assert meta_row(warm.page(CORRECTED), "Tình trạng hiệu lực") == "Hết hiệu lực"
    warm_files, cold_files = site_files(warm.site), site_files(cold.site)
    assert [f for f in sorted(set(warm_files) | set(cold_files)) if warm_files.get(f) != cold_files.get(f)] == []


# ---- in the browser -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(site):
    from conftest import serve_dir
    with serve_dir(site.site) as url:
        yield url


@pytest.mark.browser
def test_search_finds_the_withdrawn_directive_by_its_status_filter(browser, served):
    page = browser.new_page()
    try:
        page.goto(served + "tim-kiem/?tinh-trang=" + quote_plus("Đã bị thu hồi"))
        page.wait_for_function("window.VanbanSearch && window.VanbanSearch.done")
        page.evaluate("window.VanbanSearch.done")
        assert [a.get_attribute("href") for a in page.locator(".vb-result__title a").all()] == ["/" + WITHDRAWN]
        options = page.locator("select[name=tinh-trang] option").all_text_contents()
        assert "Đã bị thu hồi (1)" in options and "Chưa có hiệu lực (1)" in options
        # A word of its text finds it too, with its status beside the result.
        page.goto(served + "tim-kiem/?q=" + quote_plus("báo cáo định kỳ"))
        page.wait_for_function("window.VanbanSearch && window.VanbanSearch.done")
        page.evaluate("window.VanbanSearch.done")
        results = {r.locator(".vb-result__title a").get_attribute("href"): r for r in page.locator(".vb-result").all()}
        assert results["/" + WITHDRAWN].locator(".vb-result__status").text_content() == "Đã bị thu hồi"
        assert results["/" + WITHDRAWING].locator(".vb-result__status").text_content() == "Còn hiệu lực"
    finally:
        page.close()


SHOTS_DIR = Path(__file__).resolve().parent.parent / ".cache" / "screenshots"


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}])
def test_withdrawn_and_corrected_pages_show_their_notice_first(browser, served, viewport):
    """The notice is on the first screen, fully visible; screenshots kept in .cache/screenshots/."""
    page = browser.new_page(viewport=viewport)
    try:
        for url, selector in ((WITHDRAWN, ".vb-notice--withdrawn"), (CORRECTED, ".vb-notice--correction")):
            page.goto(served + url)
            notice = page.locator(selector)
            box = notice.bounding_box()
            assert box and box["y"] + box["height"] <= viewport["height"], (url, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (url, box)
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            SHOTS_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS_DIR / f"{url.strip('/').replace('/', '-')}-{viewport['width']}.png"))
        page.goto(served + "van-ban/thu-hoi/")
        page.screenshot(path=str(SHOTS_DIR / f"danh-sach-thu-hoi-{viewport['width']}.png"))
        paper = page.goto(served + WITHDRAWN) and page.locator(".vb-paper--withdrawn")
        stamp = page.evaluate("getComputedStyle(document.querySelector('.vb-paper--withdrawn'), '::before').content")
        assert stamp == '"ĐÃ BỊ THU HỒI"' and paper.get_attribute("aria-label") == "Toàn văn (đã bị thu hồi)"
        paper.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS_DIR / f"paper-thu-hoi-{viewport['width']}.png"))
    finally:
        page.close()


@pytest.mark.browser
def test_the_new_notices_and_lists_pass_axe(browser, served):
    from conftest import AXE_JS, npm_tool
    from test_accessibility import DESKTOP, PHONE, check_pages, report
    source = npm_tool(AXE_JS).read_text(encoding="utf-8")
    urls = [WITHDRAWN, CORRECTED, NOT_YET, WITHDRAWING, "van-ban/thu-hoi/", "linh-vuc/van-thu-luu-tru/", "loai/quyet-dinh/", ""]
    for viewport in (DESKTOP, PHONE):
        found = check_pages(browser, served, urls, viewport, source)
        assert not found, report(found)
