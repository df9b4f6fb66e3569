"""The relation diagram: its layout, and a reader clicking through it in Chromium behind nginx's CSP."""

import re

import pytest

from conftest import make_archive
from test_build import SEED_URL
from vanban.diagram import MAX_PER_SIDE, relation_diagram
from vanban.project import load_archive
from test_webserver import nginx  # noqa: E402,F401 - the shipped nginx over the sample site, shared


def plan(n: int, extra: str = "") -> str:
    return (f"---\nnumber: {n:02d}/KH-UBND\ntype: ke-hoach\ndate: 2023-01-{n:02d}\nissuer: ubnd-tinh\n"
            f"subject: Kế hoạch {n}\n{extra}---\n\nNội dung.\n")


def test_many_relations_fold_into_one_node_and_missing_targets_are_not_links(tmp_path):
    implements = "".join(f"    - {{number: {n:02d}/KH-UBND, year: 2023}}\n" for n in range(1, 12))
    files = {f"{n}.md": plan(n) for n in range(1, 11)}  # 11/KH-UBND is not in the archive
    files["hub.md"] = plan(20, "relations:\n  implements:\n" + implements)
    archive = load_archive(make_archive(tmp_path / "d", files), tmp_path).archive
    hub = next(d for d in archive.directives if d.number.text == "20/KH-UBND")
    diagram = relation_diagram(hub, archive.links)
    kinds = [n.kind for n in diagram.nodes]
    assert kinds == ["self"] + ["doc"] * MAX_PER_SIDE + ["more"]
    assert diagram.nodes[-1].line1 == f"+{11 - MAX_PER_SIDE} văn bản khác"
    assert diagram.description.count("văn bản này thực hiện") == MAX_PER_SIDE
    # Every node fits in the drawing; the one for this page is not a link.
    assert all(0 <= n.y and n.y + diagram.node_h <= diagram.height for n in diagram.nodes)
    assert diagram.nodes[0].url is None
    lone = next(d for d in archive.directives if d.number.text == "05/KH-UBND")
    [_me, other] = relation_diagram(lone, archive.links).nodes
    assert other.url == hub.url  # the inverse: "20/KH-UBND thực hiện văn bản này", on the left
    assert other.x < _me.x


def test_unresolved_relation_is_a_dashed_node_without_link(tmp_path):
    archive = load_archive(make_archive(tmp_path / "d", {"a.md": plan(1, "relations:\n  replaces: [{number: 99/KH-UBND, year: 2022}]\n")}),
                           tmp_path).archive
    [_me, missing] = relation_diagram(archive.directives[0], archive.links).nodes
    assert (missing.kind, missing.url, missing.line1, missing.line2) == ("missing", None, "99/KH-UBND (2022)", "chưa có trong kho")


@pytest.mark.browser
def test_reader_clicks_through_the_diagram(browser, nginx):
    from test_webserver import _WATCH_CSP

    context = browser.new_context()
    context.add_init_script(_WATCH_CSP)
    page = context.new_page()
    hosts = set()
    page.on("request", lambda r: hosts.add(re.match(r"https?://[^/]+", r.url).group()))
    try:
        page.goto(f"{nginx}/{SEED_URL}")
        diagram = page.locator("figure.vb-diagram svg")
        assert diagram.is_visible() and diagram.bounding_box()["width"] > 300
        node = diagram.locator("a", has_text="08/KH-UBND (2023)")
        assert node.is_visible()
        # Keyboard first: the nodes are ordinary links in the tab order.
        node.focus()
        assert page.evaluate("document.activeElement.getAttribute('href')") == "../08-kh-ubnd/"
        node.click()
        page.wait_for_url(f"{nginx}/van-ban/2023/08-kh-ubnd/")
        # And back through the inverse on the plan's own diagram.
        page.locator("figure.vb-diagram svg a", has_text="/STTTT-TTBCXB (2023)").click()
        page.wait_for_url(f"{nginx}/{SEED_URL}")
        assert page.evaluate("window.__cspViolations") == []
        assert hosts == {nginx.rstrip("/")}
    finally:
        context.close()
