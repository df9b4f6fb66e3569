"""The "Thống kê" page: SVG bar charts drawn at build time, bars linking to listings, numbers in tables."""

import html as htmllib
import re
import xml.etree.ElementTree as ET

import pytest

from vanban.listings import build_listings
from vanban.project import load_archive
from vanban.stats import build_charts

from conftest import ROOT

SVG = "{http://www.w3.org/2000/svg}"


def sections(page_html: str) -> dict[str, str]:
    return dict(re.findall(r'<section class="vb-chart" aria-labelledby="vb-chart-(\w+)">(.*?)</section>', page_html, re.S))


def bars_of(section: str) -> list[tuple[str, str, int, float]]:
    """(label, href, count, bar width) of every bar of the section's SVG, parsed as XML."""
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", section, re.S).group(0))
    found = []
    for a in svg.iter(f"{SVG}a"):
        label, count = [t.text for t in a.iter(f"{SVG}text")]
        rect = a.find(f"{SVG}rect[@class='vb-chart__rect']")
        found.append((label, a.get("href"), int(count), float(rect.get("width"))))
    return found


def table_of(section: str) -> list[tuple[str, str, int]]:
    rows = re.findall(r'<tr><th scope="row"><a href="([^"]+)">(.*?)</a></th><td>(\d+)</td></tr>', section)
    return [(htmllib.unescape(label), href, int(n)) for href, label, n in rows]


def test_four_charts_with_a_table_each(sample_site):
    charts = sections(sample_site.page("thong-ke/"))
    assert list(charts) == ["year", "type", "issuer", "topic"]
    for kind, section in charts.items():
        bars = bars_of(section)
        assert bars, kind
        assert [(htmllib.unescape(l), h, n) for l, h, n, _ in bars] == table_of(section)


def test_bars_link_to_listings_with_that_many_directives(sample_site):
    for kind, section in sections(sample_site.page("thong-ke/")).items():
        for label, href, count, _ in bars_of(section):
            assert href.startswith("../") and href.endswith("/")
            listing = sample_site.page(href[3:])
            rows = re.findall(r'<td class="vb-list__number">', listing)
            assert len(rows) == count, (kind, label)


def test_bar_lengths_are_proportional(sample_site):
    for section in sections(sample_site.page("thong-ke/")).values():
        bars = bars_of(section)
        longest = max(n for _, _, n, _ in bars)
        widest = max(w for *_, w in bars)
        for _, _, n, w in bars:
            assert abs(w - widest * n / longest) <= 1


def test_years_in_order_and_undated_said(sample_site):
    section = sections(sample_site.page("thong-ke/"))["year"]
    years = [label for label, *_ in bars_of(section)]
    assert years == sorted(years)
    # 37/NQ-HĐND is cited without a date: the chart says it leaves it out.
    assert "1 văn bản chưa rõ năm ban hành không có trong biểu đồ này." in section


def test_in_navigation_and_in_manifest(sample_site):
    home = sample_site.page("")
    assert re.search(r'href="thong-ke/"[^>]*>\s*(<span[^>]*>)?\s*Thống kê', home)
    assert "/thong-ke/\t" in (ROOT / "published-urls.txt").read_text(encoding="utf-8")


def test_charts_from_listings_largest_first():
    archive = load_archive(ROOT / "directives", ROOT).archive
    charts = {c.kind: c for c in build_charts(build_listings(archive), len(archive))}
    counts = [b.count for b in charts["type"].bars]
    assert counts == sorted(counts, reverse=True)
    assert charts["type"].total == len(archive)  # every directive has one type
    assert charts["topic"].note == "" and charts["year"].note


def test_no_inline_style_or_script(sample_site):
    html = sample_site.page("thong-ke/")
    body = html[html.index('<section class="vb-chart"'):]
    assert " style=" not in body and "<script" not in body.split("</article>")[0]


@pytest.mark.browser
def test_bar_is_a_link_a_keyboard_reaches(browser, served_sample):
    page = browser.new_page()
    try:
        page.goto(served_sample + "thong-ke/")
        bar = page.locator('#vb-chart-type ~ svg a[aria-label^="Công văn:"]')
        assert bar.is_visible()
        bar.focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/loai/cong-van/")
        assert "Công văn" in page.locator("h1").inner_text()
    finally:
        page.close()


@pytest.mark.browser
def test_runs_under_the_csp_without_violation(browser, sample_site, tmp_path):
    from test_webserver import _WATCH_CSP, running_nginx

    with running_nginx(sample_site.site, tmp_path / "nginx") as base:
        context = browser.new_context()
        context.add_init_script(_WATCH_CSP)
        page = context.new_page()
        messages = []
        page.on("console", lambda m: messages.append(m.text))
        try:
            response = page.goto(base + "/thong-ke/")
            page.wait_for_load_state("networkidle")
            assert response.headers["content-security-policy"].startswith("default-src 'self'")
            assert page.locator("svg.vb-chart__svg").count() == 4
            assert page.evaluate("window.__cspViolations") == []
            assert [m for m in messages if "Content Security Policy" in m] == []
        finally:
            context.close()
