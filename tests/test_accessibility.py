"""WCAG 2.1 A/AA and 2.2's target size in the browser: axe-core over every page kind, and the keyboard.

axe-core (tests/tools, from the npm registry) is injected into Debian's headless Chromium on each
page and run with the WCAG 2.1 A and AA rules and `target-size` (2.2, 2.5.8: 24 × 24 CSS px). The
sample site is checked page by page at desktop width and one page per kind at 320 px (reflow); the
synthetic archive one page per kind (it has the paginated listings). Pages are grouped by URL shape
(tests/site_pages.py), so a new section of the site is checked without touching this file. The
keyboard tests Tab through a page and require that every visible link, button and field is reached,
with a visible focus indicator.
"""

from __future__ import annotations

import pytest

from conftest import AXE_JS, npm_tool
from site_pages import page_kinds, representatives

pytestmark = pytest.mark.browser

# With "wcag22aa": axe's `target-size` (WCAG 2.2, 2.5.8: targets of 24 × 24 CSS px, or spaced so).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 320, "height": 640}  # WCAG 1.4.10 reflow width

# Page kinds the issue names; each must exist so that the gate cannot pass by checking nothing.
REQUIRED_KINDS = {"home", "van-ban", "van-ban/*", "van-ban/*/*", "nam", "loai", "loai/*", "co-quan", "co-quan/*",
                  "linh-vuc", "linh-vuc/*", "du-lieu", "thong-ke", "tim-kiem"}


@pytest.fixture(scope="module")
def axe_source() -> str:
    return npm_tool(AXE_JS).read_text(encoding="utf-8")


def axe_violations(page, axe_source: str) -> list[str]:
    """One line per violating rule: id, impact, help, the first few offending elements."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)  # through the DevTools protocol: not subject to the page's CSP
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, rules: {'target-size': {enabled: true}},"
        " resultTypes: ['violations']})", WCAG_TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(
            " ".join(map(str, n["target"])) for n in v["nodes"][:4])
        for v in result["violations"]
    ]


def check_pages(browser, base: str, urls: list[str], viewport: dict, axe_source: str) -> dict[str, list[str]]:
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    found = {}
    try:
        for url in urls:
            page.goto(base + url, wait_until="load")
            violations = axe_violations(page, axe_source)
            if violations:
                found[url or "/"] = violations
    finally:
        context.close()
    return found


def report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"/{url}: {line}" for url, lines in found.items() for line in lines)


def non_redirect_pages(site) -> list[str]:
    return [u for kind, urls in page_kinds(site).items() if not kind.startswith("redirect ") for u in urls]


def test_the_gate_reports_small_targets(browser, served_sample, axe_source):
    """`target-size` is really on: two 10 px links side by side on a page are reported."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(served_sample + "van-ban/")
        page.evaluate("""() => {
          const p = document.createElement('p');
          for (const n of [1, 2]) {
            const a = document.createElement('a');
            a.href = '#x' + n; a.textContent = n;
            Object.assign(a.style, {display: 'inline-block', width: '10px', height: '10px', fontSize: '8px', padding: 0});
            p.append(a);
          }
          document.querySelector('.md-content__inner').append(p);
        }""")
        assert any(v.startswith("target-size") for v in axe_violations(page, axe_source))
    finally:
        context.close()


def test_sample_site_has_every_page_kind(sample_site):
    assert REQUIRED_KINDS <= set(page_kinds(sample_site.site))


def test_every_sample_page_at_desktop_width(browser, sample_site, served_sample, axe_source):
    urls = non_redirect_pages(sample_site.site)
    assert len(urls) > 30
    found = check_pages(browser, served_sample, urls, DESKTOP, axe_source)
    assert not found, "WCAG 2.1 A/AA violations:\n" + report(found)


def test_each_page_kind_at_phone_width(browser, sample_site, served_sample, axe_source):
    found = check_pages(browser, served_sample, list(representatives(sample_site.site).values()), PHONE, axe_source)
    assert not found, "WCAG 2.1 A/AA violations at 320 px:\n" + report(found)


def test_each_page_kind_of_a_large_archive(browser, synthetic_site, served_synthetic, axe_source):
    kinds = representatives(synthetic_site.site)
    assert {"van-ban/trang/*", "loai/*/trang/*"} <= set(kinds)  # paginated listings exist here
    found = check_pages(browser, served_synthetic, list(kinds.values()), DESKTOP, axe_source)
    assert not found, "WCAG 2.1 A/AA violations:\n" + report(found)


# ------------------------------------------------------------------------------------------------
# Keyboard
# ------------------------------------------------------------------------------------------------

# Every element a keyboard user must be able to reach: visible, enabled, not taken out of the
# tab order. Returned as stable descriptions so that the test can say which one was missed.
_FOCUSABLE = """() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
  const describe = e => e.tagName.toLowerCase() + ' ' + (e.getAttribute('aria-label') || e.textContent || e.name || e.id || '').trim().replace(/\\s+/g, ' ').slice(0, 60) + ' ' + (e.getAttribute('href') || '');
  return [...document.querySelectorAll(sel)].filter(e =>
      e.tabIndex >= 0 && !e.disabled && !e.closest('[inert], [hidden]') &&
      e.checkVisibility({visibilityProperty: true, opacityProperty: true}) && e.getClientRects().length > 0
  ).map(describe);
}"""

_ACTIVE = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const describe = e.tagName.toLowerCase() + ' ' + (e.getAttribute('aria-label') || e.textContent || e.name || e.id || '').trim().replace(/\\s+/g, ' ').slice(0, 60) + ' ' + (e.getAttribute('href') || '');
  const outlined = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  return {what: describe, visible: outlined || s.boxShadow !== 'none'};
}"""


def open_search(page, url: str) -> None:
    """Load the search page and wait until it has shown the results of the query in its address."""
    page.goto(url)
    page.wait_for_function("() => window.VanbanSearch && window.VanbanSearch.done")
    page.evaluate("window.VanbanSearch.done")


def tab_through(page, limit: int = 400) -> list[dict]:
    """Press Tab from the top of the page until focus comes back round; what was focused, in order."""
    seen: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(_ACTIVE)
        if active is None:
            if seen:
                break
            continue
        if seen and active["what"] == seen[0]["what"]:
            break
        seen.append(active)
    return seen


KEYBOARD_PAGES = {
    "home": "",
    "listing": "van-ban/",
    "directive with attachments": "van-ban/2024/15-qd-stttt/",
    "directive with headings": "van-ban/2023/stttt-ttbcxb-tuyen-truyen-cchc-sap-nhap-thon/",
    "open data": "du-lieu/",
    "search with results": "tim-kiem/?q=cai+cach",
    "statistics": "thong-ke/",
}


@pytest.mark.parametrize("url", KEYBOARD_PAGES.values(), ids=KEYBOARD_PAGES.keys())
def test_tab_reaches_everything_with_visible_focus(browser, served_sample, url):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        if url.startswith("tim-kiem/"):
            open_search(page, served_sample + url)
            assert page.locator(".vb-result").count() > 0
        else:
            page.goto(served_sample + url)
        expected = page.evaluate(_FOCUSABLE)
        reached = tab_through(page)
    finally:
        context.close()
    assert expected, "no focusable element found"
    missed = [e for e in expected if e not in {r["what"] for r in reached}]
    assert not missed, f"not reachable with Tab: {missed}"
    invisible = [r["what"] for r in reached if not r["visible"]]
    assert not invisible, f"focused without a visible indicator: {invisible}"


@pytest.mark.parametrize("url", ["van-ban/2024/15-qd-stttt/", "loai/ke-hoach/", "nam/"])
def test_skip_link_then_enter_moves_to_the_title(browser, served_sample, url):
    page = browser.new_page(viewport=DESKTOP)
    try:
        page.goto(served_sample + url)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Chuyển đến nội dung chính"
        page.keyboard.press("Enter")
        # The address changes once the browser (or Material's instant navigation) has handled the key.
        page.wait_for_url(lambda url: url.endswith("#vb-tieu-de"), timeout=5000)
        # The next Tab lands on the first link after the title (metadata, list), not in the header or nav.
        page.keyboard.press("Tab")
        assert page.evaluate("""() => { const a = document.activeElement, h1 = document.getElementById('vb-tieu-de');
            return !!a.closest('article') && !!(h1.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING)
                && !a.closest('.vb-breadcrumbs'); }""")
    finally:
        page.close()


def test_enter_on_a_listing_link_opens_the_directive(browser, served_sample):
    page = browser.new_page(viewport=DESKTOP)
    try:
        page.goto(served_sample + "van-ban/")
        page.locator("td.vb-list__number a").first.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/van-ban/2025/" in page.url
        assert page.locator("h1.vb-title").is_visible()
    finally:
        page.close()


def test_citation_button_and_pinpoint_links_by_keyboard(browser, served_sample):
    page = browser.new_page(viewport=DESKTOP)
    try:
        page.goto(served_sample + "van-ban/2023/stttt-ttbcxb-tuyen-truyen-cchc-sap-nhap-thon/")
        reached = [r["what"] for r in tab_through(page)]
        pins = [w for w in reached if w.startswith("a Liên kết đến đoạn này #")]
        assert any(w.startswith("button Chép trích dẫn") for w in reached), reached
        assert len(pins) >= 5
        # Enter on a pinpoint link puts its address (with the #anchor) in the address bar.
        target = pins[2].rsplit(" ", 1)[1]
        page.locator(f'a.vb-pin[href="{target}"]').focus()
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: url.endswith(target), timeout=5000)
    finally:
        page.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "320px"])
def test_search_page_with_results_and_filters(browser, served_sample, axe_source, viewport):
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    try:
        open_search(page, served_sample + "tim-kiem/?q=cai+cach")
        assert page.locator(".vb-result").count() > 0  # the check runs on results, not an empty page
        violations = axe_violations(page, axe_source)
        open_search(page, served_sample + "tim-kiem/?q=ke+hoach&loai=ke-hoach")
        violations += axe_violations(page, axe_source)
    finally:
        context.close()
    assert not violations, "WCAG 2.1 A/AA violations on the search page:\n" + "\n".join(violations)


def test_search_by_keyboard_alone(browser, served_sample):
    page = browser.new_page(viewport=DESKTOP)
    try:
        open_search(page, served_sample + "tim-kiem/")
        reached = [r["what"] for r in tab_through(page)]
        assert any(w.startswith("input ") for w in reached), reached  # the query field
        assert sum(w.startswith("select ") for w in reached) >= 4, reached  # the filters
        page.locator("#vb-q").focus()
        page.keyboard.type("chuyen doi so")
        page.keyboard.press("Enter")
        page.wait_for_function("() => window.VanbanSearch && window.VanbanSearch.done")
        page.wait_for_selector(".vb-result a")
        # From the field, Tab goes on to the results: the first result opens with Enter.
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("!!document.activeElement.closest('.vb-result')"):
                break
        else:
            pytest.fail("Tab never reached a search result")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/van-ban/" in page.url
    finally:
        page.close()
