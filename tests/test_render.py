"""Rendering of directive bodies: the outline of headings under the page's title."""

import re

from vanban.render import make_markdown


def levels(markdown_text: str) -> list[int]:
    return [int(n) for n in re.findall(r"<h(\d)", make_markdown().convert(markdown_text))]


def test_body_headings_start_at_h2_and_never_skip_a_level():
    assert levels("### 1. Một\n\ntext\n\n### 2. Hai\n\n##### a) chi tiết\n") == [2, 2, 3]
    assert levels("# Tiêu đề\n\n## Mục\n\n#### Tiểu mục\n") == [2, 3, 4]
    assert levels("## Mục\n\n### Tiểu mục\n") == [2, 3]
    assert levels("Không có tiêu đề.\n") == []


def test_seed_directive_outline(sample_site):
    html = sample_site.page("van-ban/2023/stttt-ttbcxb-tuyen-truyen-cchc-sap-nhap-thon/")
    body = html[html.index('class="vb-paper__body"'):]
    assert re.findall(r"<h(\d)", body)[:5] == ["2"] * 5  # written "### 1. …" in the file


def test_inline_markup_in_a_body_still_renders():
    # Texts without any inline-syntax character skip Python-Markdown's inline pass (_QuickInline);
    # each construct of that pass must still come out as HTML.
    html = make_markdown().convert(
        "Đã ký **Nguyễn Văn A** và *ghi chú*, mã `KH-01`, dấu \\* giữ nguyên, A &amp; B,\n"
        "xem [cổng](https://example.gov.vn) hoặc <https://vanban.example.gov.vn>  \n"
        "dòng mới: __đậm__ _nghiêng_.\n\nĐoạn thường, không có ký hiệu nào: giữ nguyên văn.\n"
    )
    assert "<strong>Nguyễn Văn A</strong>" in html and "<em>ghi chú</em>" in html
    assert "<code>KH-01</code>" in html and "dấu * giữ nguyên" in html and "A &amp; B" in html
    assert '<a href="https://example.gov.vn">cổng</a>' in html
    assert '<a href="https://vanban.example.gov.vn">https://vanban.example.gov.vn</a>' in html
    assert "<br" in html and "<strong>đậm</strong>" in html and "<em>nghiêng</em>" in html
    assert "Đoạn thường, không có ký hiệu nào: giữ nguyên văn." in html


def test_a_toc_marker_in_a_body_is_kept_as_written():
    md = make_markdown()
    html = md.convert("## Mục lục\n\n[TOC]\n\n## Nội dung\n\nVăn bản.\n")
    assert re.search(r"<p[^>]*>\[TOC\] ", html) and 'class="toc"' not in html
    assert [t["name"] for t in md.toc_tokens] == ["Mục lục", "Nội dung"]  # the page's outline still has them
