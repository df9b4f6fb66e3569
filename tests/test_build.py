"""The sample archive builds into the site a citizen sees: directive pages, listings, escaping."""

import os
import re
from html.parser import HTMLParser

import pytest

from conftest import fixture_text, make_archive, run_build

SEED_URL = "van-ban/2023/stttt-ttbcxb-tuyen-truyen-cchc-sap-nhap-thon/"


def text_of(html: str) -> str:
    """Visible text, whitespace collapsed."""
    class P(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("script", "style")

        def handle_endtag(self, tag):
            self.skip -= tag in ("script", "style") and self.skip > 0

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)
    p = P()
    p.feed(html)
    return " ".join(" ".join(p.parts).split())


def meta_row(html: str, label: str) -> str:
    match = re.search(rf'<th scope="row">{label}</th><td>(.*?)</td></tr>', html, re.S)
    assert match, f"no row {label}"
    return text_of(match.group(1))


def test_seed_page_at_its_permalink(sample_site):
    html = sample_site.page(SEED_URL)
    assert meta_row(html, "Số ký hiệu") == "/STTTT-TTBCXB (chưa ghi số)"
    assert meta_row(html, "Loại văn bản") == "Công văn"
    assert meta_row(html, "Ngày ban hành") == "2023"
    assert meta_row(html, "Cơ quan ban hành") == "Sở Thông tin và Truyền thông tỉnh Lạng Sơn"
    assert meta_row(html, "Người ký") == "Lê Hải Yến (KT. GIÁM ĐỐC – PHÓ GIÁM ĐỐC)"
    # The subject once, under the heading, its first letter upper-cased for display only.
    subject = re.search(r'<span class="vb-title__subject">(.*?)</span>', html).group(1)
    assert subject.startswith("Tuyên truyền: cải cách hành chính;")
    assert "Trích yếu" not in re.search(r'<table class="vb-meta">.*?</table>', html, re.S).group(0)
    assert "Lâm nghiệp, phòng cháy chữa cháy rừng" in meta_row(html, "Lĩnh vực")
    assert "Lưu: VT, TTBCXB (ĐT)" in meta_row(html, "Nơi nhận")
    text = text_of(html)
    assert "Bản gốc để trống số và ngày, tháng." in text
    assert "Lạng Sơn, ngày tháng năm 2023" in text  # the blank day and month are kept, not invented
    assert "Đề nghị Quý cơ quan, đơn vị tổ chức tuyên truyền" in text
    assert "<title>Công văn (chưa ghi số) /STTTT-TTBCXB: Tuyên truyền" in html


def test_seed_attachments_link_to_the_cited_plans(sample_site):
    html = sample_site.page(SEED_URL)
    section = html[html.index('id="vb-attachments-title"'):]
    for target in ("../02-kh-ubnd/", "../07-kh-ubnd/", "../../2022/1562-ubnd-kt/", "../08-kh-ubnd/"):
        assert f'href="{target}"' in section


def test_metadata_only_entries_say_so(sample_site):
    html = sample_site.page("van-ban/2023/02-kh-ubnd/")
    assert meta_row(html, "Ngày ban hành") == "04/01/2023"
    assert "chưa có toàn văn" in text_of(html)
    undated = sample_site.page("van-ban/khong-ro-nam/37-nq-hdnd/")
    assert meta_row(undated, "Ngày ban hành") == "Chưa rõ"


def test_directives_stay_out_of_navigation(sample_site):
    home = sample_site.page("")
    assert "02-kh-ubnd" not in home.split('class="md-content"')[0]
    assert "Theo lĩnh vực" in home


def listing_numbers(html: str) -> list[str]:
    return [text_of(m) for m in re.findall(r'<td class="vb-list__number">(.*?)</td>', html, re.S)]


@pytest.mark.parametrize("url, expected", [
    # A copy dated only by year sorts after the year's fully dated documents.
    ("van-ban/2023/", ["08/KH-UBND", "07/KH-UBND", "02/KH-UBND", "/STTTT-TTBCXB"]),
    ("loai/ke-hoach/", ["12/KH-STTTT", "08/KH-UBND", "07/KH-UBND", "02/KH-UBND"]),
    ("co-quan/ubnd-tinh/", ["08/KH-UBND", "07/KH-UBND", "02/KH-UBND", "1562/UBND-KT"]),
    ("linh-vuc/chuyen-doi-so/", ["40/QĐ-STTTT", "245/STTTT-VP", "12/KH-STTTT", "15/QĐ-STTTT"]),
])
def test_listings_newest_first(sample_site, url, expected):
    assert listing_numbers(sample_site.page(url)) == expected


def test_listing_table_columns(sample_site):
    html = sample_site.page("van-ban/")
    heads = re.findall(r'<th scope="col">(.*?)</th>', html)
    assert heads == ["Số ký hiệu", "Ngày ban hành", "Trích yếu", "Loại"]
    assert len(listing_numbers(html)) == 13


@pytest.mark.parametrize("url, entry", [
    ("nam/", "2025"), ("loai/", "Kế hoạch"), ("co-quan/", "Ủy ban nhân dân tỉnh Lạng Sơn"), ("linh-vuc/", "Đất đai"),
])
def test_group_indexes(sample_site, url, entry):
    assert entry in text_of(sample_site.page(url))


def test_home_lists_newest_and_counts(sample_site):
    html = sample_site.page("")
    assert "Kho hiện có 13 văn bản" in text_of(html)
    assert listing_numbers(html)[0] == "20/GM-STTTT"


def test_dates_shown_day_month_year(sample_site):
    assert "<time datetime=\"2022-12-27\">27/12/2022</time>" in sample_site.page("loai/cong-van/")


def test_attachment_file_is_published_with_size(sample_site):
    html = sample_site.page("van-ban/2024/15-qd-stttt/")
    assert 'href="15-qd-stttt-ban-ky-so.pdf"' in html
    assert re.search(r"\(PDF, \d+ B\)", text_of(html))
    assert (sample_site.site / "van-ban/2024/15-qd-stttt/15-qd-stttt-ban-ky-so.pdf").read_bytes().startswith(b"%PDF")


def test_alias_redirects_to_permalink(sample_site):
    html = sample_site.page("van-ban/2024/qd-15-stttt/")
    assert 'http-equiv="refresh" content="0; url=../15-qd-stttt/"' in html
    assert 'rel="canonical" href="https://vanban.example.gov.vn/van-ban/2024/15-qd-stttt/"' in html


def test_no_request_to_another_host(sample_site):
    for page in sample_site.site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', html):
            assert url.startswith(("https://vanban.example.gov.vn/", "http://stttt.langson.gov.vn/")), (page, url)
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html


def test_vietnamese_ui(sample_site):
    assert '<html lang="vi"' in sample_site.page("")


HOSTILE = """---
number: 99/KH-UBND
type: ke-hoach
date: 2023-05-05
issuer: ubnd-tinh
subject: "<script>alert('x')</script> & <b>đậm</b>"
signer: {name: "<img src=x onerror=alert(1)>", position: GIÁM ĐỐC}
recipients: ["<iframe src=//evil>"]
---

<script>alert('body')</script>

[bấm](javascript:alert(1))
"""


def test_html_in_fields_and_body_is_escaped(tmp_path):
    folder = make_archive(tmp_path / "d", {"a.md": HOSTILE})
    result = run_build(tmp_path / "site", folder)
    assert result.returncode == 0, result.output
    html = result.page("van-ban/2023/99-kh-ubnd/")
    assert "<script>alert" not in html and "<img src=x" not in html and "<iframe" not in html
    assert "javascript:" not in html
    assert "<title>Kế hoạch 99/KH-UBND: &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;đậm&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;" in html or "&lt;script&gt;alert('body')&lt;/script&gt;" in html
    listing = result.page("van-ban/")
    assert "<script>alert" not in listing and "&lt;script&gt;" in listing


def test_strict_build_fails_with_one_line_per_problem(tmp_path):
    bad = fixture_text("ke-hoach-hop-le.md").replace("date: 2023-01-04", "date: 2023-02-30")
    folder = make_archive(tmp_path / "d", {"tot.md": fixture_text("cong-van-hop-le.md"), "xau.md": bad})
    result = run_build(tmp_path / "site", folder)
    assert result.returncode != 0
    assert "xau.md:4: lỗi VB207 [date]: Ngày ban hành '2023-02-30' không tồn tại" in result.output
    # Without --strict the other directives still publish, and the build fails as `vanban check` does.
    result = run_build(tmp_path / "site2", folder, strict=False)
    assert result.returncode == 1 and "xau.md:4: lỗi VB207 [date]" in result.output
    assert re.search(r"Tệp có lỗi \(1\): \S*d/xau.md\.", result.output)
    assert (result.site / "van-ban/2022/1562-ubnd-kt/index.html").exists()


def test_duplicate_number_publishes_the_first_file_and_fails(tmp_path):
    text = fixture_text("ke-hoach-hop-le.md")
    folder = make_archive(tmp_path / "d", {"a.md": text, "b.md": text.replace("Cải cách hành chính", "Bản nhập lại")})
    os.utime(folder / "a.md", (1_600_000_000, 1_600_000_000))
    result = run_build(tmp_path / "site", folder, strict=False)
    assert result.returncode == 1
    assert re.search(r"b\.md:2: lỗi VB401 \[number\]: Trùng số ký hiệu 02/KH-UBND \(UBND tỉnh, năm 2023\) với \S*d/a\.md: "
                     r"văn bản đó giữ đường dẫn /van-ban/2023/02-kh-ubnd/", result.output)
    assert "slug" not in result.output and "a.md:2: lỗi" not in result.output
    assert "Cải cách hành chính" in result.page("van-ban/2023/02-kh-ubnd/")


def test_build_never_writes_into_directives(tmp_path):
    folder = make_archive(tmp_path / "d", {"a.md": fixture_text("ke-hoach-hop-le.md")})
    before = sorted((p, p.stat().st_mtime_ns) for p in folder.rglob("*"))
    assert run_build(tmp_path / "site", folder).returncode == 0
    assert sorted((p, p.stat().st_mtime_ns) for p in folder.rglob("*")) == before


def test_staff_reference_page_documents_every_field(sample_site):
    from vanban.loader import FIELDS

    text = text_of(sample_site.page("huong-dan/truong-thong-tin/"))
    assert "Mẫu để sao chép" in text
    for field in FIELDS:
        assert f"{field}" in text, field


def test_every_directive_page_is_within_40_kb(sample_site):
    sizes = {p.parent.name: p.stat().st_size for p in (sample_site.site / "van-ban").glob("*/*/index.html")}
    assert len(sizes) >= 13
    # The seed was 44.7 KB (its subject repeated nine times, the navigation indented).
    assert max(sizes.values()) <= 40 * 1024, sizes


def test_data_line_links_json_feed_short_link_and_signed_original(sample_site):
    site = sample_site.site
    for url, expected in [
        (SEED_URL, ["JSON", "Tin mới loại công văn (Atom)"]),  # unnumbered: no short link
        ("van-ban/2024/15-qd-stttt/", ["JSON", "Tin mới loại quyết định (Atom)", "Liên kết ngắn /so/15-qd-stttt",
                                       "Bản gốc đã ký (PDF)"]),
    ]:
        line = re.search(r'<p class="vb-data">(.*?)</p>', sample_site.page(url), re.S).group(1)
        links = re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', line)
        assert [text for _, text in links] == expected
        for href, _ in links:  # each one is a file of the site
            target = (site / url / href).resolve()
            assert target.is_file() or (target / "index.html").is_file(), href
    assert 'href="15-qd-stttt-ban-ky-so.pdf" download>Bản gốc đã ký' in sample_site.page("van-ban/2024/15-qd-stttt/")


def test_home_names_its_latest_table_once(sample_site):
    html = sample_site.page("")
    assert text_of(html).count("Văn bản mới ban hành") == 1
    assert '<table class="vb-list" aria-labelledby="moi-ban-hanh">' in html
