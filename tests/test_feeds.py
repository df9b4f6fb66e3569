"""Atom feeds in the built sample site: linked from their listings, valid against RFC 4287."""

from __future__ import annotations

import json
import posixpath
import re
from datetime import datetime
from pathlib import Path

import pytest

etree = pytest.importorskip("lxml.etree")
lxml_html = pytest.importorskip("lxml.html")

from conftest import FIXTURES  # noqa: E402
from vanban.feeds import FEED_SIZE  # noqa: E402

ATOM = "{http://www.w3.org/2005/Atom}"
SITE_URL = "https://vanban.example.gov.vn/"
RNG = etree.RelaxNG(etree.parse(str(FIXTURES / "schemas" / "atom.rng")))


def _feed_links(site: Path, url: str) -> list[tuple[str, str]]:
    """(href resolved to a site-relative path, title) of the page's Atom alternate links."""
    doc = lxml_html.fromstring((site / url / "index.html").read_bytes())
    # rel="alternate feed": the token "alternate" (not the exact value, see vanban/seo.py).
    links = doc.xpath('//head/link[contains(concat(" ", normalize-space(@rel), " "), " alternate ")]'
                      '[@type="application/atom+xml"]')
    return [(posixpath.normpath(posixpath.join(url, link.get("href"))), link.get("title")) for link in links]


def _parse(site: Path, rel: str):
    return etree.parse(str(site / rel))


def _check_rfc4287(doc) -> list[str]:
    """RFC 4287's rules beyond the grammar (its Schematron and prose 'MUST's)."""
    problems = []
    feed = doc.getroot()
    entries = feed.findall(f"{ATOM}entry")
    if feed.find(f"{ATOM}author") is None and any(e.find(f"{ATOM}author") is None for e in entries):
        problems.append("no author on the feed nor on every entry (4.1.1)")
    ids = [feed.findtext(f"{ATOM}id")] + [e.findtext(f"{ATOM}id") for e in entries]
    if not all(i and i.startswith("https://") for i in ids):
        problems.append("ids must be absolute IRIs (4.2.6)")
    if len(set(ids)) != len(ids):
        problems.append("duplicate id")
    for element in [feed] + entries:
        alternates = [(link.get("type"), link.get("hreflang")) for link in element.findall(f"{ATOM}link")
                      if link.get("rel", "alternate") == "alternate"]
        if len(alternates) != len(set(alternates)):
            problems.append(f"two alternate links with the same type in {element.findtext(f'{ATOM}id')} (4.1.1)")
    for e in entries:
        if e.find(f"{ATOM}content") is None and not [link for link in e.findall(f"{ATOM}link")
                                                     if link.get("rel", "alternate") == "alternate"]:
            problems.append("entry without content needs an alternate link (4.1.1)")
    if feed.find(f"{ATOM}link[@rel='self']") is None:
        problems.append("no self link (SHOULD, 4.1.1)")
    for stamp in feed.iter(f"{ATOM}updated", f"{ATOM}published"):
        if datetime.fromisoformat(stamp.text).tzinfo is None:
            problems.append("date without time zone (3.3)")
    return problems


@pytest.mark.parametrize("listing", ["van-ban", "loai/ke-hoach", "loai/cong-van", "linh-vuc/cai-cach-hanh-chinh",
                                     "co-quan/ubnd-tinh"])
def test_listing_links_a_valid_atom_feed(sample_site, listing):
    site = sample_site.site
    links = _feed_links(site, listing)
    assert len(links) == 1, f"{listing} has one Atom alternate link"
    path, title = links[0]
    assert path == f"{listing}/atom.xml" and title
    doc = _parse(site, path)
    assert RNG.validate(doc), RNG.error_log
    assert _check_rfc4287(doc) == []
    feed = doc.getroot()
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITE_URL}{path}"
    html = (site / listing / "index.html").read_text(encoding="utf-8")
    assert 'href="atom.xml" type="application/atom+xml"' in html, "a visible link for people, not only the <head>"


def test_feed_entries_are_the_listing_newest_first_dated_by_the_directives(sample_site):
    site = sample_site.site
    feed = _parse(site, "loai/ke-hoach/atom.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert 0 < len(entries) <= FEED_SIZE
    updated = [datetime.fromisoformat(e.findtext(f"{ATOM}updated")) for e in entries]
    assert updated == sorted(updated, reverse=True)
    # No build time: the feed is as new as its newest directive.
    assert datetime.fromisoformat(feed.findtext(f"{ATOM}updated")) == updated[0]
    for e in entries:
        page = e.find(f"{ATOM}link[@type='text/html']").get("href")
        assert e.findtext(f"{ATOM}id") == page
        data_url = e.find(f"{ATOM}link[@type='application/json']").get("href")
        record = json.loads((site / data_url[len(SITE_URL):]).read_text(encoding="utf-8"))
        assert record["type"]["key"] == "ke-hoach"
        assert e.findtext(f"{ATOM}title").startswith(f"Kế hoạch {record['number']}: ")
        assert record["subject"] in e.findtext(f"{ATOM}summary")
        assert e.findtext(f"{ATOM}updated").startswith(record["date"])
    listing_html = (site / "loai/ke-hoach/index.html").read_text(encoding="utf-8")
    assert len(entries) == listing_html.count('class="vb-list__number"')


def test_home_page_links_the_whole_archive_feed_and_year_listings_have_none(sample_site):
    site = sample_site.site
    assert [p for p, _ in _feed_links(site, "")] == ["van-ban/atom.xml"]
    assert _feed_links(site, "van-ban/2023") == []
    assert not (site / "van-ban/2023/atom.xml").exists()


def test_the_schema_check_fails_on_a_broken_feed(sample_site):
    # The validation above is only worth something if it rejects what RFC 4287 forbids.
    doc = _parse(sample_site.site, "van-ban/atom.xml")
    entry = doc.getroot().find(f"{ATOM}entry")
    entry.remove(entry.find(f"{ATOM}id"))
    assert not RNG.validate(doc)
    doc = _parse(sample_site.site, "van-ban/atom.xml")
    entry = doc.getroot().find(f"{ATOM}entry")
    for link in entry.findall(f"{ATOM}link"):
        del link.attrib["type"]
    assert RNG.validate(doc)  # the grammar allows it, RFC 4287's rules do not
    assert any("two alternate links" in p for p in _check_rfc4287(doc))


def test_a_year_only_date_is_never_shown_as_a_day(sample_site):
    """The seed's paper says only "năm 2023": Atom's required `updated` takes 1 January (Atom has no
    partial dates), but there is no `published`, and the summary says "năm 2023"."""
    feed = _parse(sample_site.site, "loai/cong-van/atom.xml").getroot()
    [seed] = [e for e in feed.findall(f"{ATOM}entry") if "stttt-ttbcxb" in e.findtext(f"{ATOM}id")]
    assert seed.findtext(f"{ATOM}updated") == "2023-01-01T00:00:00+07:00"
    assert seed.find(f"{ATOM}published") is None
    assert "/STTTT-TTBCXB năm 2023 của Sở Thông tin" in seed.findtext(f"{ATOM}summary")
    dated = next(e for e in feed.findall(f"{ATOM}entry") if e.findtext(f"{ATOM}id").endswith("/1562-ubnd-kt/"))
    assert dated.findtext(f"{ATOM}published") == "2022-12-27T00:00:00+07:00"
    assert "1562/UBND-KT ngày 27/12/2022 của" in dated.findtext(f"{ATOM}summary")
    for path in sample_site.site.rglob("atom.xml"):
        assert not re.search(r"ngày (\d{4}|\d{2}/\d{4})\b", path.read_text(encoding="utf-8")), path
