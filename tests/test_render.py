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
