"""Pinpoint links: stable anchors on every heading, numbered section and paragraph, with a "¶" link."""

import re

import pytest

from vanban.anchors import PIN_HTML, label_of
from vanban.render import make_markdown
from test_webserver import nginx  # noqa: E402,F401 - the shipped nginx over the sample site, shared

SEED = "van-ban/2023/stttt-ttbcxb-tuyen-truyen-cchc-sap-nhap-thon/"


def render(text: str) -> str:
    md = make_markdown()
    return md.convert(text)


def anchors(html: str) -> list[str]:
    return re.findall(r'<(?:p|h\d|li|table|blockquote) id="([^"]+)"', html)


def body_of(page_html: str) -> str:
    return re.search(r'<div class="vb-paper__body">(.*?)\n  </div>', page_html, re.S).group(1)


def test_seed_document_sections_and_paragraphs(sample_site):
    body = body_of(sample_site.page(SEED))
    assert anchors(body) == [
        "doan-1",
        "muc-1", "muc-1-doan-1", "muc-1-doan-2", "muc-1-doan-3",
        "muc-2", "muc-2-doan-1",
        "muc-3", "muc-3-doan-1",
        "muc-4", "muc-4-doan-1", "muc-4-doan-2",
        "muc-5", "muc-5-doan-1", "muc-5-doan-2", "muc-5-doan-3",
    ]
    # Every anchored block carries a link to itself, after its text.
    for anchor in anchors(body):
        assert re.search(rf'id="{anchor}"[^>]*>.*?<a aria-label="Liên kết đến đoạn này" class="vb-pin" '
                         rf'href="#{anchor}"', body, re.S), anchor
    assert body.count('class="vb-pin"') == len(anchors(body))


def test_heading_link_stays_out_of_the_table_of_contents(sample_site):
    html = sample_site.page(SEED)
    toc = re.search(r'<nav class="md-nav md-nav--secondary".*?</nav>', html, re.S).group(0)
    assert 'href="#muc-1"' in toc
    assert "¶" not in toc


def test_articles_and_roman_parts(sample_site):
    assert anchors(body_of(sample_site.page("van-ban/2024/15-qd-stttt/"))) == [
        "doan-1", "doan-2", "quyet-dinh", "dieu-1", "dieu-2", "dieu-3"]
    assert anchors(body_of(sample_site.page("van-ban/2025/12-kh-stttt/"))) == [
        "phan-i", "phan-i-1", "phan-i-2", "phan-ii", "phan-ii-doan-1", "phan-ii-doan-2", "phan-iii", "phan-iii-doan-1"]


LEGAL = """\
Căn cứ Luật Tổ chức chính quyền địa phương;

## Chương I. QUY ĐỊNH CHUNG

**Điều 1.** Phạm vi điều chỉnh

1. Khoản một.

    a) Điểm a của khoản một.

2. Khoản hai:

a) Điểm a;

đ) Điểm đ.

Đoạn không số sau điểm đ.

**Điều 2.** Đối tượng áp dụng
"""


def test_legal_structure_gives_citation_like_anchors():
    assert anchors(render(LEGAL)) == [
        "doan-1", "chuong-i", "dieu-1", "dieu-1-1", "dieu-1-2", "dieu-1-2-a", "dieu-1-2-dd",
        "dieu-1-2-dd-doan-1", "dieu-2",
    ]


def test_inserting_a_paragraph_keeps_numbered_anchors():
    before = render(LEGAL)
    after = render(LEGAL.replace("**Điều 2.**", "Một đoạn chèn thêm.\n\n**Điều 2.**").replace(
        "Căn cứ Luật", "Căn cứ Nghị định 30/2020/NĐ-CP;\n\nCăn cứ Luật"))
    kept = [a for a in anchors(before) if not a.startswith("doan-") and "-doan-" not in a]
    assert set(kept) <= set(anchors(after))
    # Only the unnumbered paragraphs of the section where the insertion happened are renumbered.
    assert anchors(after)[:2] == ["doan-1", "doan-2"]
    assert "dieu-1-2-dd-doan-2" in anchors(after)


def test_same_text_same_anchors_and_unique():
    assert anchors(render(LEGAL)) == anchors(render(LEGAL))
    html = render("1. Một\n\nĐoạn\n\n1. Lại một\n\nĐoạn")
    ids = anchors(html)
    assert len(ids) == len(set(ids))
    assert ids == ["muc-1", "muc-1-doan-1", "muc-1_2", "muc-1_2-doan-1"]


@pytest.mark.parametrize("text, expected", [
    ("Điều 12. Hiệu lực", ("dieu", "12")), ("ĐIỀU 3 Trách nhiệm", ("dieu", "3")), ("Chương II", ("chuong", "ii")),
    ("III. TỔ CHỨC THỰC HIỆN", ("phan", "iii")), ("2. Tuyên truyền", ("muc", "2")), ("1.2. Nhiệm vụ", ("muc", "1-2")),
    ("b) Điểm", ("diem", "b")), ("đ) Điểm", ("diem", "dd")),
])
def test_labels(text, expected):
    label = label_of(text)
    assert (label.kind, label.part) == expected


@pytest.mark.parametrize("text", [
    "2023 là năm cải cách", "1562/UBND-KT ngày 27/12/2022", "Lạng Sơn, ngày 04.01.2023", "Xét đề nghị", "A) chữ hoa",
    "1.5 triệu đồng",
])
def test_not_labels(text):
    assert label_of(text) is None


# ------------------------------------------------------------------------------------------------
# In the browser, behind nginx with the site's Content-Security-Policy
# ------------------------------------------------------------------------------------------------

@pytest.mark.browser
def test_pin_is_visible_keyboard_reachable_and_copies_the_permalink(browser, nginx):
    from test_webserver import _WATCH_CSP

    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    context.add_init_script(_WATCH_CSP)
    page = context.new_page()
    try:
        page.goto(f"{nginx}/{SEED}")
        pin = page.locator("#muc-2 a.vb-pin")
        assert pin.is_visible() and pin.get_attribute("aria-label") == "Liên kết đến đoạn này"
        # Tab from the heading's previous pin lands on it: it is an ordinary focusable link.
        page.locator("#muc-1-doan-3 a.vb-pin").focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('href')") == "#muc-2"
        page.keyboard.press("Enter")
        page.get_by_role("status").filter(has_text="Đã chép liên kết").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == f"https://vanban.example.gov.vn/{SEED}#muc-2"
        assert page.evaluate("location.hash") == "#muc-2"
        assert page.evaluate("window.__cspViolations") == []
    finally:
        context.close()


@pytest.mark.browser
def test_pin_works_as_a_plain_link_without_javascript(browser, nginx):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{nginx}/{SEED}")
        page.locator("#muc-3-doan-1 a.vb-pin").click()
        assert page.url.endswith("#muc-3-doan-1")
        top = page.locator("#muc-3-doan-1").bounding_box()["y"]
        assert 0 <= top < 300  # scrolled to the paragraph
    finally:
        context.close()


def test_body_cache_key_changes_with_the_anchor_code(tmp_path):
    # Bodies are cached by content and code fingerprint: a change to the anchor rules must not serve
    # HTML rendered by the old rules. A copy of the package with anchors.py edited gets another key.
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import vanban.cache

    package = Path(vanban.cache.__file__).parent
    fingerprint = "from vanban.cache import code_fingerprint; print(code_fingerprint())"
    copy = tmp_path / "vanban"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    same = subprocess.run([sys.executable, "-c", fingerprint], cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(tmp_path)}).stdout
    (copy / "anchors.py").write_text((copy / "anchors.py").read_text(encoding="utf-8").replace("doan-{n}", "para-{n}"),
                                     encoding="utf-8")
    assert "para-{n}" in (copy / "anchors.py").read_text(encoding="utf-8")
    edited = subprocess.run([sys.executable, "-c", fingerprint], cwd=tmp_path, capture_output=True, text=True,
                            env={"PYTHONPATH": str(tmp_path)}).stdout
    assert same.strip() and edited.strip() and same != edited


def test_pin_ends_the_item_text_in_loose_and_nested_lists():
    html = render("Mở đầu:\n\n- Một.\n\n- Hai.\n    - con\n")
    pin = r' <a aria-label="Liên kết đến đoạn này" class="vb-pin" href="#{}">¶</a>'
    assert re.search(r'<li id="doan-2">\s*<p>Một\.' + pin.format("doan-2") + "</p>", html), html
    assert re.search(r'<li id="doan-3">\s*<p>Hai\.' + pin.format("doan-3") + "</p>", html), html
    assert re.search(r'<li id="doan-3-1">con' + pin.format("doan-3-1") + "</li>", html), html
    tight = render("- **Đậm** và chữ thường\n    - con\n")
    assert re.search(r'<li id="doan-1"><strong>Đậm</strong> và chữ thường' + pin.format("doan-1") + "<ul>", tight), tight


def test_the_pin_pattern_the_search_pages_use_finds_every_pin():
    # search.index_document leaves the pins out by this pattern: a pin it missed would be parsed by
    # Pagefind for nothing (and kept out of the text only by the exclusion selector).
    html = render("# Quyết định\n\nĐiều 1. Mở đầu:\n\n- Một.\n\n- Hai.\n    - con\n\n> Trích dẫn.\n\n1. Mục một\n2. Mục hai\n")
    assert html.count('class="vb-pin"') == html.count("¶") == 8  # every block of the text
    assert "¶" not in PIN_HTML.sub("", html)
    assert PIN_HTML.sub("", html).count("<a ") == 0
