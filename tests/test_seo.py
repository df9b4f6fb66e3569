"""Search engines and link previews: canonical link, Open Graph and Twitter tags, JSON-LD, sitemap dates."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

lxml_html = pytest.importorskip("lxml.html")
etree = pytest.importorskip("lxml.etree")

from conftest import fixture_text, make_archive, run_build  # noqa: E402
from test_webserver import csp_problems, get, nginx, page  # noqa: E402,F401 - fixtures shared with the nginx tests
from vanban.csp import csp_hash, inline_code  # noqa: E402
from vanban.seo import last_commit_dates  # noqa: E402

SITE_URL = "https://vanban.example.gov.vn/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _head(html: str):
    return lxml_html.fromstring(html.encode("utf-8")).find("head")


def _meta(head, key: str) -> list[str]:
    return [m.get("content") for m in head.xpath(f'meta[@property="{key}" or @name="{key}"]')]


def _json_ld(html: str) -> list[dict]:
    head = _head(html)
    return [json.loads(s.text) for s in head.xpath('script[@type="application/ld+json"]')]


def _record(site: Path, url: str) -> dict:
    return json.loads((site / url / "index.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("url", ["van-ban/2024/15-qd-stttt", "van-ban/2023/02-kh-ubnd",
                                 "van-ban/2023/stttt-ttbcxb-tuyen-truyen-cchc-sap-nhap-thon"])
def test_directive_page_has_canonical_open_graph_and_twitter_tags(sample_site, url):
    record = _record(sample_site.site, url)
    head = _head(sample_site.page(url))
    assert [link.get("href") for link in head.xpath('link[@rel="canonical"]')] == [f"{SITE_URL}{url}/"]
    assert _meta(head, "og:title") == [record["title"]]
    assert record["title"].startswith(record["type"]["name"] + " ")
    # The subject as pages show it (first letter upper-cased); the record keeps it as written.
    [description] = _meta(head, "og:description")
    assert description[0].isupper() and description[1:] == record["subject"][1:]
    assert _meta(head, "twitter:title") == _meta(head, "twitter:description") == []  # X reads og:
    assert _meta(head, "og:url") == [f"{SITE_URL}{url}/"]
    assert _meta(head, "og:type") == ["article"]
    assert _meta(head, "og:locale") == ["vi_VN"]
    assert _meta(head, "twitter:card") == ["summary_large_image"]
    assert _meta(head, "og:image") == [f"{SITE_URL}assets/images/og-card.png"]
    # The JSON twin is linked from the page's "Dữ liệu" line, not by a <link rel="alternate">
    # (Material's script would look for a sitemap.xml beside it: a 404 on every page).
    assert head.xpath('link[@rel="alternate"]') == []
    data = lxml_html.fromstring(sample_site.page(url)).xpath('//p[@class="vb-data"]//a[@type="application/json"]')
    assert [a.get("href") for a in data] == ["index.json"]


def test_other_pages_have_open_graph_tags_too(sample_site):
    for url, title in [("", None), ("loai/ke-hoach", "Kế hoạch"), ("gioi-thieu/ve-kho-van-ban", None)]:
        head = _head(sample_site.page(url))
        assert _meta(head, "og:type") == ["website"], url
        assert _meta(head, "og:title") and _meta(head, "og:description")[0], url
        if title:
            assert _meta(head, "og:title") == [title]
        assert _json_ld(sample_site.page(url)) == []


def test_json_ld_describes_the_directive_as_eli_legislation(sample_site):
    site = sample_site.site
    [ld] = _json_ld(sample_site.page("van-ban/2024/15-qd-stttt"))
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "Legislation"
    assert ld["@id"] == ld["url"] == f"{SITE_URL}van-ban/2024/15-qd-stttt/"
    assert ld["legislationIdentifier"] == "15/QĐ-STTTT"
    assert ld["legislationDate"] == "2024-03-12"
    assert ld["legislationType"] == "Quyết định"
    assert ld["legislationPassedBy"] == {"@type": "GovernmentOrganization",
                                         "name": "Sở Thông tin và Truyền thông tỉnh Lạng Sơn"}
    assert ld["inLanguage"] == "vi"
    [basis] = ld["isBasedOn"]
    assert basis["legislationIdentifier"] == "30/2020/NĐ-CP"
    assert basis["url"] == f"{SITE_URL}van-ban/2020/30-2020-nd-cp/" and (site / "van-ban/2020/30-2020-nd-cp/index.html").exists()
    values = {e["contentUrl"].rsplit("/", 1)[-1]: e["legislationLegalValue"] for e in ld["encoding"]}
    assert values["15-qd-stttt-ban-ky-so.pdf"] == "https://schema.org/OfficialLegalValue"
    assert values["phu-luc-danh-muc.pdf"] == values[""] == "https://schema.org/UnofficialLegalValue"

    [newer] = _json_ld(sample_site.page("van-ban/2025/40-qd-stttt"))
    assert [c["url"] for c in newer["legislationChanges"]] == [f"{SITE_URL}van-ban/2024/15-qd-stttt/"]

    [seed] = _json_ld(sample_site.page("van-ban/2023/stttt-ttbcxb-tuyen-truyen-cchc-sap-nhap-thon"))
    implemented = {x["legislationIdentifier"] for x in seed["legislationEnsuresImplementationOf"]}
    assert implemented == {"02/KH-UBND", "07/KH-UBND", "1562/UBND-KT", "08/KH-UBND"}
    assert seed["legislationDate"] == "2023" and seed["legislationIdentifier"] == "/STTTT-TTBCXB"
    # What a relation names already is not repeated among the citations.
    cited = {c["legislationIdentifier"]: c.get("url") for c in seed["citation"]}
    assert cited == {"37/NQ-HĐND": f"{SITE_URL}van-ban/khong-ro-nam/37-nq-hdnd/"}

    [expired] = _json_ld(sample_site.page("van-ban/2025/20-gm-stttt"))
    assert expired["legislationLegalForce"] == "https://schema.org/NotInForce"
    assert ld["legislationLegalForce"] == "https://schema.org/NotInForce", "15/QĐ is replaced by 40/QĐ"


def test_json_ld_is_a_data_block_the_csp_does_not_need_to_allow(sample_site):
    html = sample_site.page("van-ban/2024/15-qd-stttt")
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert csp_hash(block) not in inline_code(html).scripts
    headers = (sample_site.site / "_nginx" / "headers.conf").read_text(encoding="utf-8")
    assert csp_hash(block) not in headers


@pytest.mark.browser
def test_json_ld_is_readable_in_the_browser_under_the_csp(nginx, page):  # noqa: F811
    response = page.goto(nginx + "/van-ban/2024/15-qd-stttt/")
    page.wait_for_load_state("networkidle")
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    ld = page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)")
    assert ld["legislationIdentifier"] == "15/QĐ-STTTT"
    assert csp_problems(page) == []


def test_open_data_files_are_served_with_their_types(nginx):  # noqa: F811
    for path, media_type in [("/van-ban/atom.xml", "xml"), ("/van-ban/2024/15-qd-stttt/index.json", "application/json"),
                             ("/du-lieu/van-ban.json", "application/json"), ("/du-lieu/van-ban.csv", "text/csv")]:
        response = get(nginx, path)
        assert response.status == 200, path
        assert media_type in response.getheader("Content-Type"), path
        assert "charset=utf-8" in response.getheader("Content-Type").lower(), path


def test_hostile_subject_cannot_leave_the_json_ld_block_or_the_tags(tmp_path):
    hostile = 'Về việc </script><script>alert(1)</script> "trích" & <b>in đậm</b>'
    folder = make_archive(tmp_path / "d", {
        "a.md": fixture_text("ke-hoach-hop-le.md").replace("subject: Cải cách hành chính tỉnh Lạng Sơn năm 2023",
                                                           f"subject: '{hostile}'")})
    result = run_build(tmp_path / "site", folder)
    assert result.returncode == 0, result.output
    html = result.page("van-ban/2023/02-kh-ubnd/")
    assert "<script>alert(1)" not in html
    [ld] = _json_ld(html)
    assert ld["description"] == hostile
    assert _meta(_head(html), "og:description") == [hostile]


def _sitemap(site: Path) -> dict[str, str]:
    root = etree.parse(str(site / "sitemap.xml")).getroot()
    return {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root.findall(f"{SITEMAP}url")}


def test_sitemap_lists_directive_pages_with_a_lastmod_no_older_than_their_date(sample_site):
    site = sample_site.site
    entries = _sitemap(site)
    export = json.loads((site / "du-lieu" / "van-ban.json").read_text(encoding="utf-8"))
    for record in export["directives"]:
        assert record["url"] in entries, record["url"]
        lastmod = entries[record["url"]]
        assert lastmod and date.fromisoformat(lastmod)
        if record["date"]:
            assert lastmod >= record["date"]
    assert f"{SITE_URL}loai/ke-hoach/" in entries


def test_outside_git_a_directive_lastmod_is_its_date_and_a_listing_its_newest(tmp_path):
    folder = make_archive(tmp_path / "d", {"a.md": fixture_text("ke-hoach-hop-le.md"),
                                           "b.md": fixture_text("cong-van-hop-le.md")})
    result = run_build(tmp_path / "site", folder)
    assert result.returncode == 0, result.output
    entries = _sitemap(result.site)
    assert entries[f"{SITE_URL}van-ban/2023/02-kh-ubnd/"] == "2023-01-04"
    assert entries[f"{SITE_URL}van-ban/2022/1562-ubnd-kt/"] == "2022-12-27"
    assert entries[f"{SITE_URL}van-ban/"] == "2023-01-04"
    assert entries[f"{SITE_URL}loai/cong-van/"] == "2022-12-27"


def test_last_commit_dates_come_from_git_history(tmp_path):
    repo = tmp_path / "repo"
    (repo / "2023").mkdir(parents=True)
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.invalid")

    def commit(day: str, message: str) -> None:
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
        subprocess.run(["git", "commit", "-qm", message], cwd=repo, check=True,
                       env=dict(env, GIT_AUTHOR_DATE=f"{day}T10:00:00+07:00", GIT_COMMITTER_DATE=f"{day}T10:00:00+07:00"))

    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "2023" / "a.md").write_text("a", encoding="utf-8")
    (repo / "2023" / "b.md").write_text("b", encoding="utf-8")
    commit("2024-01-02", "first")
    (repo / "2023" / "b.md").write_text("b2", encoding="utf-8")
    commit("2024-03-04", "second")
    dates = last_commit_dates(repo)
    assert dates[(repo / "2023" / "a.md").resolve()] == date(2024, 1, 2)
    assert dates[(repo / "2023" / "b.md").resolve()] == date(2024, 3, 4)
    assert last_commit_dates(tmp_path / "not-a-repo-" / "x") == {}


def test_og_image_is_the_committed_card_of_the_announced_size(sample_site):
    """One card for the site (scripts/og_card.py draws it once; no outside service)."""
    head = _head(sample_site.page(""))
    [image] = _meta(head, "og:image")
    card = sample_site.site / image[len(SITE_URL):]
    data = card.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    size = (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"))
    assert size == (1200, 630) == (int(_meta(head, "og:image:width")[0]), int(_meta(head, "og:image:height")[0]))
    assert _meta(head, "og:image:alt") == ["Văn bản chỉ đạo điều hành"]
    assert _meta(head, "twitter:card") == ["summary_large_image"]
