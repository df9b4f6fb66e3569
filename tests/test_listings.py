"""Listings on a larger synthetic archive: pagination, order across pages, links between pages."""

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
