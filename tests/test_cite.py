""""Cite this document": the Vietnamese administrative citation, in the page and on the clipboard."""

import html as htmllib
import re
from pathlib import Path

import pytest

from conftest import ROOT, csp_problems, csp_watched_page
from vanban.cite import citation
from vanban.loader import load_directive
from vanban.registry import load_registries
from test_webserver import nginx  # noqa: E402,F401 - the shipped nginx over the sample site, shared

SITE_URL = "https://vanban.example.gov.vn/"
SEED = "van-ban/2023/stttt-ttbcxb-tuyen-truyen-cchc-sap-nhap-thon/"


def load(rel: str):
    registries, problems = load_registries(ROOT / "directives", ROOT)
    d, problems = load_directive(ROOT / rel, registries, ROOT)
    assert d is not None, problems
    return d


def cite_text_in(page_html: str) -> str:
    p = re.search(r'<p class="vb-cite__text">(.*?)</p>', page_html, re.S).group(1)
    return htmllib.unescape(re.sub(r"<[^>]+>", "", p))


def test_complete_citation_like_the_issue():
    c = citation(load("directives/2022/1562-ubnd-kt.md"), SITE_URL)
    assert c.sentence == ("Công văn số 1562/UBND-KT ngày 27/12/2022 của Ủy ban nhân dân tỉnh Lạng Sơn về việc tăng "
                          "cường công tác quản lý bảo vệ, phòng cháy, chữa cháy rừng và quản lý lâm sản trước, trong và "
                          "sau Tết Nguyên đán năm 2023")
    assert c.permalink == "https://vanban.example.gov.vn/van-ban/2022/1562-ubnd-kt/"
    assert c.text == c.sentence + ". Địa chỉ: " + c.permalink


def test_seed_blank_number_and_year_only_are_cited_as_printed():
    c = citation(load("directives/2023/stttt-tuyen-truyen-cchc-sap-nhap-thon.md"), SITE_URL)
    assert c.sentence.startswith("Công văn số /STTTT-TTBCXB năm 2023 (bản gốc để trống số và ngày, tháng) "
                                 "của Sở Thông tin và Truyền thông tỉnh Lạng Sơn về việc tuyên truyền: cải cách hành chính;")
    assert "V/v" not in c.sentence
    assert not re.search(r"ngày \d", c.sentence)  # no invented day


def test_decision_and_unknown_date():
    c = citation(load("directives/minh-hoa/2024-15-qd-stttt/quyet-dinh.md"))
    assert c.sentence == ("Quyết định số 15/QĐ-STTTT ngày 12/03/2024 của Sở Thông tin và Truyền thông tỉnh Lạng Sơn "
                          "về việc ban hành Quy chế quản lý, vận hành Trang thông tin điện tử của Sở Thông tin và Truyền thông")
    assert c.permalink == "/van-ban/2024/15-qd-stttt/"
    nq = citation(load("directives/khac/37-nq-hdnd.md"))  # its date is not known: the file leaves it out
    assert nq.sentence == ("Nghị quyết số 37/NQ-HĐND (chưa rõ ngày ban hành) của Hội đồng nhân dân tỉnh Lạng Sơn "
                           "về việc sáp nhập, giải thể thôn trên địa bàn tỉnh Lạng Sơn")


def test_citation_is_in_the_page_as_text(sample_site):
    for url, rel in [(SEED, "directives/2023/stttt-tuyen-truyen-cchc-sap-nhap-thon.md"),
                     ("van-ban/2022/1562-ubnd-kt/", "directives/2022/1562-ubnd-kt.md")]:
        html = sample_site.page(url)
        expected = citation(load(rel), SITE_URL)
        assert cite_text_in(html) == expected.text
        buttons = re.findall(r'<button type="button" class="md-button vb-copy" data-vb-copy="([^"]*)">([^<]*)<', html)
        assert buttons == [("formal", "Chép trích dẫn"), ("accessed", "Chép kèm ngày truy cập")]
        # Without JavaScript the button is hidden (it could do nothing); the text stays.
        assert re.search(r'<p class="vb-cite__actions" hidden>', html)


def test_copy_script_is_an_external_file_of_this_site(sample_site):
    html = sample_site.page(SEED)
    assert re.search(r'<script src="(\.\./)+assets/javascripts/vanban-links\.js"', html)
    assert (sample_site.site / "assets/javascripts/vanban-links.js").is_file()


# ------------------------------------------------------------------------------------------------
# In the browser, behind nginx with the site's Content-Security-Policy
# ------------------------------------------------------------------------------------------------

@pytest.fixture
def page(browser, nginx):
    page = csp_watched_page(browser, permissions=["clipboard-read", "clipboard-write"])
    yield page
    page.context.close()


@pytest.mark.browser
def test_copy_button_puts_the_citation_on_the_clipboard(page, nginx):
    page.goto(f"{nginx}/van-ban/2022/1562-ubnd-kt/")
    button = page.get_by_role("button", name="Chép trích dẫn")
    assert button.is_visible()
    button.focus()
    page.keyboard.press("Enter")  # reachable and usable from the keyboard
    page.get_by_role("status").filter(has_text="Đã chép trích dẫn").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == ("Công văn số 1562/UBND-KT ngày 27/12/2022 của Ủy ban nhân dân tỉnh Lạng Sơn về việc tăng cường "
                      "công tác quản lý bảo vệ, phòng cháy, chữa cháy rừng và quản lý lâm sản trước, trong và sau Tết "
                      "Nguyên đán năm 2023. Địa chỉ: https://vanban.example.gov.vn/van-ban/2022/1562-ubnd-kt/")
    assert csp_problems(page) == []


@pytest.mark.browser
def test_without_javascript_the_citation_is_text_and_no_dead_button(browser, nginx):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{nginx}/{SEED}")
        assert page.locator(".vb-cite__text").inner_text().startswith("Công văn số /STTTT-TTBCXB năm 2023")
        assert not page.get_by_role("button", name="Chép trích dẫn").is_visible()
    finally:
        context.close()


@pytest.mark.browser
def test_second_button_adds_the_access_date(page, nginx):
    page.goto(f"{nginx}/van-ban/2022/1562-ubnd-kt/")
    page.get_by_role("button", name="Chép kèm ngày truy cập").click()
    page.get_by_role("status").filter(has_text="kèm ngày truy cập").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    today = page.evaluate("(() => { const d = new Date(), two = n => String(n).padStart(2, '0');"
                          " return two(d.getDate()) + '/' + two(d.getMonth() + 1) + '/' + d.getFullYear(); })()")
    assert copied == ("Công văn số 1562/UBND-KT ngày 27/12/2022 của Ủy ban nhân dân tỉnh Lạng Sơn về việc tăng cường "
                      "công tác quản lý bảo vệ, phòng cháy, chữa cháy rừng và quản lý lâm sản trước, trong và sau Tết "
                      "Nguyên đán năm 2023. Địa chỉ: https://vanban.example.gov.vn/van-ban/2022/1562-ubnd-kt/"
                      f", truy cập ngày {today}.")
    assert csp_problems(page) == []


@pytest.mark.browser
@pytest.mark.parametrize("anchor, part", [
    ("phan-i-2", "Khoản 2 mục I"),        # "2." under "I." of a plan
    ("phan-ii-doan-1", "Đoạn 1 mục II"),  # an unnumbered paragraph of section II
])
def test_from_a_pinpoint_link_the_citation_names_the_paragraph(page, nginx, anchor, part):
    page.goto(f"{nginx}/van-ban/2025/12-kh-stttt/")
    page.locator(f'a.vb-pin[href="#{anchor}"]').click()  # copies the link, moves to the paragraph
    page.wait_for_function(f"() => location.hash === '#{anchor}'")
    shown = page.locator(".vb-cite__text").inner_text()
    assert shown.startswith(f"{part} Kế hoạch số 12/KH-STTTT ngày 10/02/2025 của ")
    assert shown.endswith(f"Địa chỉ: https://vanban.example.gov.vn/van-ban/2025/12-kh-stttt/#{anchor}")
    page.get_by_role("button", name="Chép trích dẫn", exact=True).click()
    page.get_by_role("status").filter(has_text="Đã chép trích dẫn").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == shown
    # Opened from the address with the anchor (a shared link), the page cites the same paragraph.
    page.goto(f"{nginx}/van-ban/2025/12-kh-stttt/#{anchor}")
    assert page.locator(".vb-cite__text").inner_text() == shown
    assert csp_problems(page) == []
