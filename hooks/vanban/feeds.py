"""Atom feeds (RFC 4287) of new directives: the whole archive, and one per type, issuer and topic.

A feed sits in its listing's folder (`van-ban/atom.xml`, `loai/ke-hoach/atom.xml`,
`linh-vuc/cai-cach-hanh-chinh/atom.xml`, `co-quan/ubnd-tinh/atom.xml`) and the listing page links it
with `<link rel="alternate" type="application/atom+xml">`. Written with feedgen.

Dates: an entry is dated by the directive's date of issue (00:00 in Vietnam), and the feed's
`updated` is its newest entry's — never the build time, so the same archive always gives the same
bytes (a warm build equals a cold one). When the paper leaves the day (or day and month) blank,
the required `updated` takes the first of the month (or year), since Atom has no partial dates;
such an entry has no `published`, and its summary says "tháng 01/2023" or "năm 2023", never a day.
Directives with no known date are left out of feeds (they stay in listings and open data).

`FeedWriter` writes a feed again only when its key changes: the front matter of its entries, its
title, the registries and the code (`mkdocs serve --dirty` keeps the site folder between rebuilds,
and an edit of a directive's text changes no feed).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from feedgen.feed import FeedGenerator
from lxml import etree

from .listings import ATOM_TYPE, FEED_FILE, FEED_KINDS, Listing, feed_path
from .model import Directive
from .opendata import write_if_changed
from .text import display_subject

__all__ = ["FEED_KINDS", "FEED_SIZE", "FEED_FILE", "ATOM_TYPE", "Feed", "feed_path", "build_feeds", "atom_xml",
           "FeedWriter"]

FEED_SIZE = 50
"""Newest directives per feed; older ones are in the listing and the open-data export."""

_VIETNAM = timezone(timedelta(hours=7))


@dataclass
class Feed:
    listing: Listing
    path: str
    """Site-relative: "loai/ke-hoach/atom.xml"."""
    title: str


def feed_title(listing: Listing, site_name: str = "") -> str:
    """"Văn bản mới — Kế hoạch" (the whole archive: "Văn bản mới")."""
    name = "Văn bản mới" if listing.kind == "all" else f"Văn bản mới — {listing.title}"
    return f"{name} | {site_name}" if site_name else name


def build_feeds(listings: list[Listing], site_name: str = "") -> list[Feed]:
    return [Feed(lst, path, feed_title(lst, site_name)) for lst in listings if (path := feed_path(lst))]


def _moment(d: Directive) -> datetime | None:
    if d.date is None:
        return None
    return datetime(d.date.year, d.date.month or 1, d.date.day or 1, tzinfo=_VIETNAM)


def _absolute(site_url: str, rel: str) -> str:
    return f"{site_url.rstrip('/')}/{rel}" if site_url else f"/{rel}"


def _entries(feed: Feed) -> list[tuple[Directive, datetime]]:
    """The directives of the feed, newest first, with the moment each is dated."""
    dated = [(d, m) for d in feed.listing.directives if (m := _moment(d)) is not None]
    dated.sort(key=lambda pair: (pair[1], pair[0].sort_key), reverse=True)
    return dated[:FEED_SIZE]


def atom_xml(feed: Feed, site_url: str, rights: str = "", entries: list[tuple[Directive, datetime]] | None = None) -> bytes:
    """The feed document (UTF-8 XML). `site_url` must be absolute: Atom ids are IRIs.
    `entries`: `_entries(feed)` when the caller has them already."""
    dated = entries if entries is not None else _entries(feed)
    fg = FeedGenerator()
    fg.id(_absolute(site_url, feed.listing.url))
    fg.title(feed.title)
    fg.language("vi")
    fg.link(href=_absolute(site_url, feed.path), rel="self", type=ATOM_TYPE)
    fg.link(href=_absolute(site_url, feed.listing.url), rel="alternate", type="text/html")
    fg.generator("Kho văn bản")
    if rights:
        fg.rights(rights)
    # An empty feed is still valid Atom; date it at the epoch rather than at build time.
    fg.updated(dated[0][1] if dated else datetime(1970, 1, 1, tzinfo=timezone.utc))
    if not dated:
        fg.author({"name": rights or "Kho văn bản"})
    for d, moment in dated:
        fe = fg.add_entry(order="append")
        url = _absolute(site_url, d.url)
        fe.id(url)
        fe.title(f"{d.short_title}: {display_subject(d.subject)}")
        fe.link(href=url, rel="alternate", type="text/html")
        fe.link(href=f"{url}index.json", rel="alternate", type="application/json")
        if d.date is not None and d.date.is_complete:
            fe.published(moment)
        fe.updated(moment)
        fe.author({"name": d.issuer.name})
        fe.summary(_summary(d))
        fe.category(term=d.type.key, label=d.type.name, scheme=_absolute(site_url, "loai/"))
        for topic in d.topics:
            fe.category(term=topic.key, label=topic.name, scheme=_absolute(site_url, "linh-vuc/"))
    return _restore_entry_link_attributes(fg.atom_str(pretty=True, encoding="UTF-8"))


_ATOM = "{http://www.w3.org/2005/Atom}"
_ENTRY_LINK_TYPES = ("text/html", "application/json")
"""The entry links, in the order `atom_xml` adds them."""


def _restore_entry_link_attributes(xml: bytes) -> bytes:
    # feedgen 1.0.0 writes an entry's <link> with href only, dropping rel and type (python-feedgen
    # issue #135): two links of one entry would then both be the default "alternate" with the same
    # (missing) type, which RFC 4287 forbids. Put them back.
    root = etree.fromstring(xml)
    for entry in root.iter(f"{_ATOM}entry"):
        for link, media_type in zip(entry.iter(f"{_ATOM}link"), _ENTRY_LINK_TYPES):
            link.set("rel", "alternate")
            link.set("type", media_type)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _summary(d: Directive) -> str:
    # "ngày 04/01/2023", "tháng 01/2023" or "năm 2023": only what the paper says.
    date = d.date.phrase() if d.date else "chưa rõ ngày"
    parts = [f"{d.short_title} {date} của {d.issuer.name}", f"Trích yếu: {display_subject(d.subject)}"]
    if d.demo:
        parts.append("Văn bản minh họa, không phải văn bản thật")
    return ". ".join(parts) + "."


class FeedWriter:
    """Writes the feeds of successive builds into one site folder, each again only when its key changes."""

    def __init__(self) -> None:
        self._keys: dict[str, str] = {}

    def forget(self) -> None:
        """The site folder was emptied (a build without --dirty): write every feed next time."""
        self._keys = {}

    def write(self, site_dir: Path, feeds: list[Feed], site_url: str, rights: str = "", base_key: str = "") -> list[str]:
        """Write the feeds whose key changed; returns their paths. `base_key`: hash of the code and
        registries (what every entry's text depends on besides the directive's front matter)."""
        written = []
        keys = {}
        for feed in feeds:
            entries = _entries(feed)
            parts = [base_key, site_url, rights, feed.path, feed.title]
            parts += [f"{d.url}\0{d.front_stamp}" for d, _ in entries]
            key = hashlib.sha1("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
            keys[feed.path] = key
            if self._keys.get(feed.path) == key and base_key:
                continue
            if write_if_changed(site_dir / feed.path, atom_xml(feed, site_url, rights, entries)):
                written.append(feed.path)
        self._keys = keys
        return written
