"""Printing a directive: A4 like the paper original, without the site's chrome (print stylesheet)."""

import re

import pytest

SEED = "van-ban/2023/stttt-ttbcxb-tuyen-truyen-cchc-sap-nhap-thon/"
CHROME = [".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", ".vb-breadcrumbs"]
WEB_ONLY = ["h1.vb-title", "table.vb-meta", ".vb-cite__actions", "a.vb-pin"]
PAPER = [".vb-paper__organ", ".vb-paper__number", ".vb-paper__motto", ".vb-paper__date", ".vb-paper__to",
         ".vb-paper__body", ".vb-paper__signature", ".vb-paper__distribution"]


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def visible(page, selector: str) -> bool:
    return page.locator(selector).first.is_visible()


@pytest.mark.browser
def test_print_shows_the_paper_and_hides_the_chrome(page, served_sample):
    page.goto(served_sample + SEED)
    for selector in CHROME + WEB_ONLY:
        assert visible(page, selector), f"{selector} should be on screen"  # the test is not blind
    page.emulate_media(media="print")
    for selector in CHROME + WEB_ONLY:
        assert not visible(page, selector), f"{selector} printed"
    for selector in PAPER:
        assert visible(page, selector), f"{selector} missing from the printout"
    assert "Nơi nhận:" in page.locator(".vb-paper__distribution").inner_text()
    assert "Lê Hải Yến" in page.locator(".vb-paper__signature").inner_text()
    # The citation with the permalink closes the printout, after the signature.
    cite = page.locator(".vb-cite__text").bounding_box()
    signature = page.locator(".vb-paper__signature").bounding_box()
    assert cite["y"] > signature["y"] + signature["height"]
    assert "https://vanban.example.gov.vn/" + SEED in page.locator(".vb-cite__text").inner_text()
    # The paper's two columns (issuer | national motto) stay side by side, as on the original.
    organ, motto = page.locator(".vb-paper__issuer").bounding_box(), page.locator(".vb-paper__nation").bounding_box()
    assert abs(organ["y"] - motto["y"]) < 2 and organ["x"] < motto["x"]


@pytest.mark.browser
def test_pdf_is_a4_serif_and_short(page, served_sample):
    page.goto(served_sample + SEED)
    page.emulate_media(media="print")
    assert "serif" in page.evaluate("getComputedStyle(document.querySelector('.vb-paper__body')).fontFamily").lower()
    size = float(page.evaluate("getComputedStyle(document.querySelector('.vb-paper')).fontSize")[:-2])
    assert abs(size - 13 * 96 / 72) < 0.1  # 13 pt, the size Decree 30 sets for the text
    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    assert pdf.startswith(b"%PDF")
    sizes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf))
    assert sizes, "no page in the PDF"
    for width, height in sizes:  # A4 = 210 × 297 mm = 595.3 × 841.9 pt
        assert abs(float(width) - 595.3) < 2 and abs(float(height) - 841.9) < 2
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert 1 <= pages <= 4


@pytest.mark.browser
def test_metadata_only_directive_prints_its_facts(page, served_sample):
    # No text to print like paper: the title and the metadata table are the document here.
    page.goto(served_sample + "van-ban/2022/1562-ubnd-kt/")
    page.emulate_media(media="print")
    assert visible(page, "h1.vb-title") and visible(page, "table.vb-meta")
    for selector in CHROME:
        assert not visible(page, selector)
