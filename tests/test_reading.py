"""Reading the archive on a phone and on a desktop, measured in Chromium as a person sees it.

At 390 × 844 (a phone) and 1280 × 800 (a laptop): where the first line of a directive's text
starts, the size of every link and button (WCAG 2.2's 24 × 24 CSS px), the relation diagram's
smallest text, the folded "Thông tin văn bản" and "Mục lục", anchors clear of the sticky header,
listings as cards, and no console error on any kind of page.
"""

from __future__ import annotations

import pytest

from site_pages import representatives
from test_build import SEED_URL

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

# Three directives with a text: the seed (a long subject, blanks on the paper, recipients), a
# decision with articles and attachments, a short công văn.
DIRECTIVES = [SEED_URL, "van-ban/2024/15-qd-stttt/", "van-ban/2025/245-stttt-vp/"]

FIRST_LINE = """() => {
  const el = document.querySelector('.vb-paper__body').querySelector('p, li, h2, h3');
  const range = document.createRange();
  range.selectNodeContents(el);
  const r = range.getClientRects()[0];  // the first line's first piece of text
  return {top: r.top + scrollY, bottom: r.bottom + scrollY};
}"""

# Every visible link, button and control, with its size; hidden ones (a folded box, the closed
# drawer, the skip link until focused) are not targets.
TARGETS = """() => {
  const sel = 'a[href], button, summary, input:not([type=hidden]), select, textarea, label[for], [role=button]';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= 0 || r.left >= innerWidth) continue;
    out.push({what: el.tagName.toLowerCase() + ' "' + (el.textContent || el.getAttribute('aria-label') || '')
              .trim().replace(/\\s+/g, ' ').slice(0, 40) + '"', width: r.width, height: r.height});
  }
  return out;
}"""


@pytest.fixture(scope="module")
def pages(browser):
    """A page per viewport: {"phone": page, "desktop": page}."""
    contexts = {name: browser.new_context(viewport=size, locale="vi-VN") for name, size in
                (("phone", PHONE), ("desktop", DESKTOP))}
    yield {name: context.new_page() for name, context in contexts.items()}
    for context in contexts.values():
        context.close()


@pytest.mark.parametrize("url", DIRECTIVES)
def test_on_a_phone_the_text_starts_within_the_first_screen(pages, served_sample, url):
    page = pages["phone"]
    page.goto(served_sample + url)
    line = page.evaluate(FIRST_LINE)
    # Before: the seed's first sentence started 3 133 px down (3.7 screens).
    assert line["bottom"] <= PHONE["height"], f"{url}: first line of the text at {line}"
    # The heading gives type, number and date, and the subject once, at the size of the text.
    subject = page.locator(".vb-title__subject")
    text_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.vb-paper__body p')).fontSize)")
    assert 15 <= float(subject.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) <= max(17, text_size)
    assert page.locator(".vb-paper__vv, .vb-paper__subject").filter(visible=True).count() == 0
    # The facts are one tap away, folded; the table is not on the screen until asked for.
    info = page.locator("details.vb-info")
    assert info.get_attribute("open") is None and not page.locator("table.vb-meta").is_visible()
    info.locator("summary").click()
    assert page.locator("table.vb-meta").is_visible()


@pytest.mark.parametrize("url", DIRECTIVES)
def test_on_a_desktop_the_facts_are_open_and_the_text_follows(pages, served_sample, url):
    page = pages["desktop"]
    page.goto(served_sample + url)
    assert page.locator("details.vb-info").get_attribute("open") is not None
    table = page.locator("table.vb-meta").bounding_box()
    assert table and not page.locator(".vb-info > summary").is_visible()
    line = page.evaluate(FIRST_LINE)
    assert table["y"] + table["height"] < line["top"]
    # Before: 1 952 px on the seed. The facts are open here by design, the text follows them.
    assert line["top"] < 2 * DESKTOP["height"], f"{url}: first line of the text at {line}"


def test_contents_on_a_phone_and_anchors_clear_the_sticky_header(pages, served_sample):
    page = pages["phone"]
    page.goto(served_sample + SEED_URL)
    toc = page.locator("details.vb-toc")
    assert toc.is_visible() and not toc.locator("a").first.is_visible()
    toc.locator("summary").click()
    entries = toc.locator("a")
    assert entries.count() == 5 and entries.nth(1).inner_text().startswith("2. Tuyên truyền triển khai")
    entries.nth(1).click()
    page.wait_for_function("() => location.hash === '#muc-2'")
    header = page.locator(".md-header").bounding_box()
    heading = page.locator("#muc-2").bounding_box()
    assert heading["y"] >= header["y"] + header["height"], (heading, header)
    # On a wide screen the theme's sidebar holds the contents: no second copy.
    desktop = pages["desktop"]
    desktop.goto(served_sample + SEED_URL)
    assert not desktop.locator("details.vb-toc").is_visible()
    assert desktop.locator(".md-sidebar--secondary a[href='#muc-2']").is_visible()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_every_link_and_button_is_at_least_24_px(pages, sample_site, served_sample, viewport):
    page = pages[viewport]
    urls = sorted(set(representatives(sample_site.site).values()) | set(DIRECTIVES))
    small, counted = [], 0
    for url in urls:
        page.goto(served_sample + url)
        # The folded boxes open, so that their links are measured too.
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        targets = page.evaluate(TARGETS)
        counted += len(targets)
        small += [f"/{url}: {t['what']} {t['width']:.0f}×{t['height']:.0f}" for t in targets
                  if t["width"] < 24 or t["height"] < 24]
    assert counted > 250
    assert not small, "targets below 24 × 24 CSS px:\n" + "\n".join(small)


def test_pinpoint_links_are_24_px_squares(pages, served_sample):
    page = pages["phone"]
    page.goto(served_sample + "van-ban/2025/12-kh-stttt/")
    sizes = page.locator("a.vb-pin").evaluate_all("els => els.map(e => e.getBoundingClientRect())"
                                                  ".map(r => [r.width, r.height])")
    assert len(sizes) >= 5 and all(w >= 24 and h >= 24 for w, h in sizes), sizes


SVG_TEXT = """() => {
  const svg = document.querySelector('figure.vb-diagram svg');
  if (!svg || !svg.checkVisibility()) return null;
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return Math.min(...[...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale));
}"""


def test_diagram_text_is_at_least_12_px_or_the_relations_are_a_list(pages, served_sample):
    desktop, phone = pages["desktop"], pages["phone"]
    desktop.goto(served_sample + SEED_URL)
    smallest = desktop.evaluate(SVG_TEXT)
    assert smallest is not None and smallest >= 12, smallest
    phone.goto(served_sample + SEED_URL)
    # On a phone the drawing would shrink to 6–8 px text: the list of the same relations stands alone.
    assert phone.evaluate(SVG_TEXT) is None
    listed = phone.locator(".vb-relations__list dd a")
    assert listed.count() == 4
    sizes = listed.evaluate_all("els => els.map(e => [e.getBoundingClientRect().height,"
                                " parseFloat(getComputedStyle(e).fontSize)])")
    assert all(h >= 24 and size >= 12 for h, size in sizes), sizes
    # The same documents as the drawing's nodes ("Kế hoạch 02/KH-UBND" / "02/KH-UBND (2023)").
    assert sorted(t.rsplit(" ", 1)[-1] for t in listed.all_inner_texts()) == sorted(
        desktop.locator("figure.vb-diagram svg a").evaluate_all(
            "els => els.map(a => [...a.querySelectorAll('text')][1].textContent.split(' (')[0])"))


def test_listings_are_cards_on_a_phone_and_tables_on_a_desktop(pages, served_sample):
    phone = pages["phone"]
    phone.goto(served_sample + "van-ban/2023/")
    for row in phone.locator("table.vb-list tbody tr").all():
        number, date, subject, kind = (row.locator(f".vb-list__{c}").bounding_box()
                                       for c in ("number", "date", "subject", "type"))
        # number · date · type on one line, the subject under it across the card
        assert abs(number["y"] - date["y"]) < 6 and abs(date["y"] - kind["y"]) < 6
        assert number["x"] < date["x"] < kind["x"]
        assert subject["y"] >= number["y"] + number["height"] - 1 and subject["width"] > 300
    desktop = pages["desktop"]
    desktop.goto(served_sample + "van-ban/2023/")
    assert desktop.locator("table.vb-list thead").is_visible()
    assert desktop.locator("table.vb-list td").first.evaluate("e => getComputedStyle(e).display") == "table-cell"


def test_statistics_table_headers_stand_apart(pages, served_sample):
    page = pages["phone"]
    page.goto(served_sample + "thong-ke/")
    first, second = page.locator("table.vb-chart__table thead th").all()[:2]
    a, b = first.bounding_box(), second.bounding_box()
    text_end = first.evaluate("e => { const r = document.createRange(); r.selectNodeContents(e);"
                              " return r.getBoundingClientRect().right; }")
    text_start = second.evaluate("e => { const r = document.createRange(); r.selectNodeContents(e);"
                                 " return r.getBoundingClientRect().left; }")
    assert a["x"] + a["width"] <= b["x"] + 1 and text_start - text_end >= 16  # not "NămSố văn bản"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_no_console_error_on_any_kind_of_page(browser, sample_site, served_sample, viewport):
    context = browser.new_context(viewport=PHONE if viewport == "phone" else DESKTOP, locale="vi-VN")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    page.on("response", lambda r: errors.append(f"{page.url}: {r.status} {r.url}") if r.status >= 400 else None)
    kinds = representatives(sample_site.site)
    try:
        for url in kinds.values():
            page.goto(served_sample + url, wait_until="networkidle")
    finally:
        context.close()
    # Before: 51 of 70 pages asked for a sitemap.xml beside their feed or JSON link (404).
    assert len(kinds) >= 14
    assert errors == []
