"""The sitemap the archive writes: every page once, with its date, split past the protocol's limit."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET

from vanban.sitemap import sitemap_files

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _locs(xml: str, tag: str = "url") -> list[str]:
    return [el.findtext(f"{NS}loc") for el in ET.fromstring(xml).findall(f"{NS}{tag}")]


def test_every_page_of_the_sample_site_is_in_the_sitemap_once(sample_site):
    site = sample_site.site
    xml = (site / "sitemap.xml").read_text(encoding="utf-8")
    locs = _locs(xml)
    assert len(locs) == len(set(locs))
    pages = {p.parent.relative_to(site).as_posix() for p in site.rglob("index.html")
             if "http-equiv=\"refresh\"" not in p.read_text(encoding="utf-8")}
    listed = {loc.split("://", 1)[-1].split("/", 1)[-1].rstrip("/") for loc in locs}
    assert {p if p != "." else "" for p in pages} <= listed | {"so"}  # short-link stubs redirect
    assert gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode("utf-8") == xml


def test_a_sitemap_over_the_limit_becomes_an_index_of_parts():
    entries = [(f"https://vb.example/van-ban/2023/{n}-kh/", "2023-01-0" + str(n % 9 + 1)) for n in range(5)]
    files = sitemap_files(entries, "https://vb.example/", limit=2)
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    assert _locs(files["sitemap.xml"], "sitemap") == [f"https://vb.example/sitemap-{n}.xml" for n in (1, 2, 3)]
    assert [loc for n in (1, 2, 3) for loc in _locs(files[f"sitemap-{n}.xml"])] == [url for url, _ in entries]
    assert sitemap_files(entries[:2], "https://vb.example/", limit=2).keys() == {"sitemap.xml"}
