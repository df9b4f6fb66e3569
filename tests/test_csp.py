"""The policy's hashes come from the pages themselves: what is hashed, what is skipped, what it allows."""

import base64
import hashlib

import pytest

from vanban.csp import collect_inline_code, content_security_policy, csp_hash, inline_code


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


PAGE = """<!doctype html><html><head>
<script>var a = "đ";</script>
<script type="module">import "./x.js"</script>
<script src="assets/bundle.min.js"></script>
<script id="__config" type="application/json">{"x": 1}</script>
<script type="application/ld+json">{"@type": "Legislation"}</script>
<style>.x{color:red}</style>
</head><body><p>&lt;script&gt;not code&lt;/script&gt;</p></body></html>"""


def test_inline_scripts_and_styles_are_hashed_the_way_the_browser_does():
    code = inline_code(PAGE)
    assert code.scripts == {sha('var a = "đ";'), sha('import "./x.js"')}  # UTF-8 bytes, exact text
    assert code.styles == {sha(".x{color:red}")}
    assert not code.script_attributes and not code.style_attributes


def test_line_endings_are_normalised_before_hashing():
    assert csp_hash("a;\r\nb;\rc;") == csp_hash("a;\nb;\nc;") == sha("a;\nb;\nc;")


def test_event_handlers_and_style_attributes_need_unsafe_hashes():
    code = inline_code('<p style="color: red">x</p><button onclick="go(1)">y</button>')
    assert code.style_attributes == {sha("color: red")} and code.script_attributes == {sha("go(1)")}
    policy = content_security_policy(code)
    assert f"script-src 'self' 'wasm-unsafe-eval' 'unsafe-hashes' {sha('go(1)')}" in policy
    assert f"style-src 'self' 'unsafe-hashes' {sha('color: red')}" in policy


def test_policy_allows_only_this_site():
    policy = content_security_policy(inline_code(PAGE))
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["worker-src"] == "'self' blob:" and "'wasm-unsafe-eval'" in directives["script-src"]
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval'" not in policy.replace("wasm-unsafe-eval", "")
    assert "http" not in policy and "*" not in policy


def test_collects_over_every_page_of_a_site(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text("<script>one()</script>", encoding="utf-8")
    (tmp_path / "a/index.html").write_text("<script>two()</script><script>one()</script>", encoding="utf-8")
    (tmp_path / "a/data.json").write_text('"<script>three()</script>"', encoding="utf-8")
    assert collect_inline_code(tmp_path).scripts == {sha("one()"), sha("two()")}


# ------------------------------------------------------------------------------------------------
# The build collects the code from the pages as they are written (PageCode), not by reading them back
# ------------------------------------------------------------------------------------------------

FRAME = '<html><head><script>frame({depth})</script></head><body>{content}</body></html>'


def test_a_generated_page_whose_content_carries_inline_code_still_gets_its_hash(tmp_path):
    from vanban.csp import PageCode
    pages = PageCode()
    plain = "<p>Nội dung</p>"
    for i in range(3):  # same frame class: the frame is read once
        pages.add(tmp_path / f"p{i}.html", FRAME.format(depth=3, content=plain), plain, frame=("gen", 3))
    coded = '<p style="color: red">x</p><script>inline()</script>'
    pages.add(tmp_path / "c.html", FRAME.format(depth=3, content=coded), coded, frame=("gen", 3))
    pages.add(tmp_path / "d.html", FRAME.format(depth=1, content=plain), plain, frame=("gen", 1))
    hand = '<button onclick="go()">x</button>'
    pages.add(tmp_path / "h.html", FRAME.format(depth=1, content=hand), hand)  # hand-written: read whole
    (tmp_path / "stub.html").write_text("<script>stub()</script>", encoding="utf-8")  # written after the pages
    code = pages.with_files(tmp_path)
    assert code.scripts == {sha("frame(3)"), sha("frame(1)"), sha("inline()"), sha("stub()")}
    assert code.style_attributes == {sha("color: red")} and code.script_attributes == {sha("go()")}
    assert pages.read == 4  # the first page of each frame, the page with code, the hand-written one



@pytest.mark.parametrize("content", ['<p style="color: blue">y</p>', '<p>a</p><a href="#" onmouseover="x()">b</a>',
                                     '<p>a</p><p\tSTYLE="color: blue">y</p>'.lower()])
def test_a_code_attribute_alone_in_a_generated_page_content_gets_its_hash(tmp_path, content):
    # No <script> or <style> tag: only the attribute says the page must be read whole.
    from vanban.csp import PageCode
    pages = PageCode()
    plain = "<p>Nội dung</p>"
    pages.add(tmp_path / "p.html", FRAME.format(depth=2, content=plain), plain, frame=("gen", 2))
    pages.add(tmp_path / "q.html", FRAME.format(depth=2, content=plain), plain, frame=("gen", 2))
    pages.add(tmp_path / "c.html", FRAME.format(depth=2, content=content), content, frame=("gen", 2))
    code = pages.with_files(tmp_path)
    assert pages.read == 2  # the frame once, and the page whose content has the attribute
    assert code.style_attributes | code.script_attributes == ({sha("color: blue")} if "style" in content else {sha("x()")})

def _headers_policy(site) -> str:
    import re
    return re.search(r'Content-Security-Policy "([^"]*)"', (site / "_nginx/headers.conf").read_text(encoding="utf-8")).group(1)


def test_the_built_policy_equals_one_read_from_every_page_of_the_sample(sample_site):
    assert _headers_policy(sample_site.site) == content_security_policy(collect_inline_code(sample_site.site))


def test_the_built_policy_equals_one_read_from_every_page_of_a_synthetic_archive(synthetic_site):
    # Hundreds of generated pages at every depth, paginated listings, short links, feeds.
    assert _headers_policy(synthetic_site.site) == content_security_policy(collect_inline_code(synthetic_site.site))


def test_the_code_check_answers_each_text_for_itself_when_asked_again():
    from vanban.csp import may_carry_code

    plain, coded = "<p>Kế hoạch số 02/KH-UBND</p>", '<p onclick="x()">Kế hoạch</p>'
    # The same text object is asked several times in a row (the page store, then the CSP hook);
    # a different text, even after it, gets its own answer.
    assert [may_carry_code(t) for t in (plain, plain, coded, coded, plain, "".join(["<p>", "a</p>"]))] == \
        [False, False, True, True, False, False]
    assert may_carry_code("".join(["<style>", "p{}</style>"])) is True
