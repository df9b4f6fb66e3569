"""Listings: pagination, order across pages and links between pages on a larger synthetic archive;
how their tables lay out in the browser on the sample site."""

import re
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_build

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def big_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("arch") / "directives"
    generate(folder, 130, seed=7)
    result = run_build(tmp_path_factory.mktemp("big") / "site", folder)
    assert result.returncode == 0, result.output
    return result


def rows(html: str) -> list[str]:
    return re.findall(r'<td class="vb-list__date">.*?datetime="([\d-]+)"', html)


def test_all_directives_paginated_newest_first(big_site):
    pages = [big_site.page("van-ban/"), big_site.page("van-ban/trang/2/"), big_site.page("van-ban/trang/3/")]
    assert [len(rows(p)) for p in pages] == [50, 50, 30]
    dates = [d for p in pages for d in rows(p)]
    assert dates == sorted(dates, reverse=True)
    assert not (big_site.site / "van-ban/trang/4").exists()


def pagination(html: str) -> str:
    return html[html.index('class="vb-pagination"'):].split("</nav>")[0]


def test_pagination_links(big_site):
    first, second = (pagination(big_site.page(u)) for u in ("van-ban/", "van-ban/trang/2/"))
    assert 'href="trang/2/" rel="next"' in first and 'rel="prev"' not in first
    assert 'href="../../" rel="prev"' in second and 'href="../3/" rel="next"' in second
    assert '<span aria-current="page">2</span>' in second
    assert "trang 2/3" in big_site.page("van-ban/trang/2/")


def test_every_directive_page_is_small(big_site):
    sizes = [p.stat().st_size for p in (big_site.site / "van-ban").glob("*/*/index.html")]
    # The limit (a page listing the navigation was ~300 KB when directives were in it).
    assert len(sizes) >= 130 and max(sizes) <= 40 * 1024, max(sizes)


def test_material_ui_strings_are_vietnamese(big_site):
    html = big_site.page("van-ban/")
    assert "Về đầu trang" in html and "Back to top" not in html


# Each word of a listing cell, as a range: a word the browser split over two lines has two boxes.
_SPLIT_WORDS = """() => {
  const split = [];
  for (const cell of document.querySelectorAll('table.vb-list td')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[^\\s\\-\\/]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        if (range.getClientRects().length > 1) split.push(m[0]);
      }
    }
  }
  return split;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390, 320])
def test_no_word_of_a_listing_is_split_over_two_lines(browser, served_sample, width):
    # "Công văn" in the narrow Loại column once showed as "Côn / g văn".
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        for url in ("", "van-ban/", "loai/ke-hoach/"):
            page.goto(served_sample + url)
            assert page.locator("table.vb-list td").count() > 0, url
            assert page.evaluate(_SPLIT_WORDS) == [], f"/{url} at {width} px"
    finally:
        page.close()
