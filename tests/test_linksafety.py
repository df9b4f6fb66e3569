"""Links in directive bodies: an address a browser would run or load as code never stays a link.

The addresses are judged as the browser reads them: the built HTML is parsed with an HTML5
parser (character references decoded in attributes), then the URL is cleaned as the WHATWG URL
parser does (leading and trailing C0 controls and spaces dropped, tabs and newlines removed
anywhere) before its scheme is read. Hypothesis writes the dangerous schemes in every encoding a
browser decodes.
"""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import ROOT, fixture_text, make_archive, run_build, serve_dir
from vanban.render import make_markdown

VANBAN = str(Path(sys.executable).parent / "vanban")
ALLOWED = {"http", "https", "mailto", "tel"}

# ------------------------------------------------------------------------------------------------
# An oracle independent of the code under test: what scheme would the browser see?
# ------------------------------------------------------------------------------------------------


class _Addresses(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.found.append(value)


def browser_scheme(url: str) -> str | None:
    url = url.strip("".join(chr(c) for c in range(0x21)))
    url = re.sub(r"[\t\n\r]", "", url)
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", url)
    return match.group(1).lower() if match else None


def addresses(html: str) -> list[str]:
    parser = _Addresses()
    parser.feed(html)
    return parser.found


def render(body: str) -> tuple[str, list[str]]:
    md = make_markdown()
    html = md.convert(body)
    return html, md.treeprocessors["vanban_safe_links"].refused


# ------------------------------------------------------------------------------------------------
# Strategies: javascript:, vbscript:, data:, file: written the ways a browser still understands
# ------------------------------------------------------------------------------------------------

def _encoded_char(c: str) -> st.SearchStrategy[str]:
    n = ord(c)
    return st.sampled_from([
        c, c.upper(), f"&#{n};", f"&#{n:07d};", f"&#x{n:x};", f"&#X{n:X};", f"&#x{n:04X};",
        f"&#{n}", f"&amp;#{n};",  # no semicolon (decoded when followed by a non-digit); double-encoded
    ])


def _scatter(parts: list[str], noise: list[str]) -> str:
    return "".join(p + n for p, n in zip(parts, noise))


@st.composite
def encoded_scheme(draw) -> str:
    scheme = draw(st.sampled_from(["javascript", "vbscript", "data", "file", "JaVaScRiPt"]))
    chars = [draw(_encoded_char(c)) for c in scheme]
    noise = [draw(st.sampled_from(["", "", "", "\t", "&#9;", "&#x0A;", "&Tab;", "&NewLine;", "\x0b", "\u00ad"]))
             for _ in chars]
    colon = draw(st.sampled_from([":", "&#58;", "&#x3a;", "&colon;", "&#0058;"]))
    lead = draw(st.sampled_from(["", " ", "&#32;", "\x01", "&#x20;&#x09;"]))
    payload = draw(st.sampled_from(["vbpwn()", "alert(4)", "text/html,<b>x</b>", "//etc/passwd"]))
    return lead + _scatter(chars, noise) + colon + payload


def _as_link(url: str, form: str) -> str:
    if form == "inline":
        return f"Xem [tại đây]({url}) nhé."
    if form == "image":
        return f"Ảnh ![sơ đồ]({url})."
    return f"Xem [tại đây][r] nhé.\n\n[r]: {url}"


# ------------------------------------------------------------------------------------------------
# Rendering
# ------------------------------------------------------------------------------------------------

@settings(max_examples=400, deadline=None)
@given(url=encoded_scheme(), form=st.sampled_from(["inline", "reference", "image"]))
@example(url="java&#115;cript:alert(4)", form="inline")
@example(url="&#106;avascript:alert(4)", form="inline")
@example(url="&#x6A;avascript:alert(4)", form="reference")
@example(url="java\tscript:alert(4)", form="reference")
@example(url="VBScript:msgbox(1)", form="inline")
@example(url="data:text/html;base64,PHNjcmlwdD4=", form="image")
def test_no_encoded_scheme_survives_as_an_address(url, form):
    html, _ = render(_as_link(url, form))
    for address in addresses(html):
        assert browser_scheme(address) in ALLOWED | {None}, (url, html)


@given(url=encoded_scheme())
@settings(max_examples=100, deadline=None)
def test_a_refused_link_keeps_its_text_and_is_reported(url):
    html, refused = render(_as_link(url, "inline"))
    if "<span>tại đây</span>" in html:  # Markdown read it as a link: it is text now, and reported
        assert refused
        assert "<a" not in html.split("<span>tại đây</span>")[0].split("Xem")[-1]
    else:  # Markdown did not read a link at all (a space inside): plain text, no address
        assert all(browser_scheme(a) in ALLOWED | {None} for a in addresses(html))


def test_web_mail_phone_relative_and_anchor_links_stay_links():
    body = ("[a](https://vanban.example.gov.vn/x) [b](http://a.vn) [c](mailto:vanthu@langson.gov.vn) "
            "[d](tel:+842053812345) [e](../02-kh-ubnd/) [f](#muc-1) [g](phu-luc.pdf) <https://a.vn/y>")
    html, refused = render(body)
    assert refused == []
    assert addresses(html)[:8] == ["https://vanban.example.gov.vn/x", "http://a.vn", "mailto:vanthu@langson.gov.vn",
                                   "tel:+842053812345", "../02-kh-ubnd/", "#muc-1", "phu-luc.pdf", "https://a.vn/y"]


def test_a_refused_image_shows_its_description():
    html, refused = render("![Sơ đồ tổ chức](data:image/svg+xml,<svg onload=vbpwn()>)")
    assert "Sơ đồ tổ chức" in html and "<img" not in html and refused


# ------------------------------------------------------------------------------------------------
# `vanban check` names the file and line
# ------------------------------------------------------------------------------------------------

def test_check_warns_with_file_and_line(tmp_path):
    body = fixture_text("ke-hoach-hop-le.md") + "\nĐoạn một.\n\nXem [tại đây](java&#115;cript:alert(4)).\n"
    folder = make_archive(tmp_path / "d", {"2023/xau.md": body})
    line = body.splitlines().index("Xem [tại đây](java&#115;cript:alert(4)).") + 1
    proc = subprocess.run([VANBAN, "check", "--directives", str(folder)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # a warning: the page is still right
    assert f"d/2023/xau.md:{line}: cảnh báo VB702: Liên kết 'java&#115;cript:alert(4)' không được phép" in proc.stdout
    strict = subprocess.run([VANBAN, "check", "--strict", "--directives", str(folder)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert strict.returncode == 1


def test_check_of_the_sample_archive_warns_about_no_link():
    proc = subprocess.run([VANBAN, "check"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "Liên kết" not in proc.stdout, proc.stdout


# ------------------------------------------------------------------------------------------------
# In the browser, on a plain static server (no CSP header, as GitHub Pages and GitLab Pages)
# ------------------------------------------------------------------------------------------------

HOSTILE_URLS = [
    "java&#115;cript:vbpwn()", "&#106;avascript:vbpwn()", "&#x6A;avascript:vbpwn()", "JaVaScRiPt:vbpwn()",
    "java&#9;script:vbpwn()", "java&#x0A;script:vbpwn()", "&#32;javascript:vbpwn()", "javascript&colon;vbpwn()",
    "vbscript:vbpwn()", "data:text/html,<script>opener.vbpwn()</script>", "&#0000106avascript:vbpwn()",
]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    links = "\n\n".join(f"Liên kết {i}: [bấm vào đây {i}]({url})" for i, url in enumerate(HOSTILE_URLS))
    refs = "\n".join(f"[r{i}]: {url}" for i, url in enumerate(HOSTILE_URLS))
    body = fixture_text("ke-hoach-hop-le.md") + "\n" + links + "\n\n" + \
        " ".join(f"[tham chiếu {i}][r{i}]" for i in range(len(HOSTILE_URLS))) + "\n\n" + refs + "\n"
    tmp = tmp_path_factory.mktemp("hostile-links")
    folder = make_archive(tmp / "d", {"2023/xau.md": body})
    result = run_build(tmp / "site", folder)
    assert result.returncode == 0, result.output
    return result


@pytest.mark.browser
def test_clicking_every_link_of_a_hostile_page_runs_no_script(browser, hostile_site):
    with serve_dir(hostile_site.site) as base:
        context = browser.new_context()
        ran: list[str] = []
        context.expose_function("vbpwnReport", lambda where: ran.append(where))
        context.add_init_script("window.vbpwn = () => window.vbpwnReport(location.href);")
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        url = base + "van-ban/2023/02-kh-ubnd/"
        page.goto(url)
        assert page.get_by_text("bấm vào đây 0").count() == 1  # the hostile links are shown as text
        selector = ".vb-paper__body a, .vb-paper__body span"  # everything the body (staff input) made
        count = page.locator(selector).count()
        clicked = 0
        for i in range(count):
            # Every click from a fresh copy of the page: a link may navigate away, and closing the
            # page ends whatever navigation it started.
            fresh = context.new_page()
            fresh.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            fresh.goto(url)
            target = fresh.locator(selector).nth(i)
            if target.is_visible():
                target.click(no_wait_after=True, timeout=2000)
                clicked += 1
                fresh.wait_for_timeout(100)
            fresh.close()
        assert ran == []
        assert clicked > len(HOSTILE_URLS) and dialogs == []
        context.close()


@pytest.mark.browser
def test_the_page_policy_alone_blocks_a_javascript_link(browser, hostile_site):
    # Were the filter ever walked past, the page's own <meta> policy (no header here) still stops it.
    with serve_dir(hostile_site.site) as base:
        context = browser.new_context()
        context.add_init_script("window.vbpwn = () => { window.__pwned = true; };")
        page = context.new_page()
        page.goto(base + "van-ban/2023/02-kh-ubnd/")
        assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
        page.evaluate("""() => { const a = document.createElement('a'); a.id = 'injected';
            a.href = 'javascript:vbpwn()'; a.textContent = 'x'; document.querySelector('article').append(a); }""")
        page.click("#injected", no_wait_after=True)
        page.wait_for_timeout(200)
        assert page.evaluate("window.__pwned") is None
        context.close()
