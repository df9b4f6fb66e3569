"""Listings: which list pages the site has (all, by year, type, issuer, topic), their URLs and pages.

Pure data: rendering is `render.py`'s job. Every listing is newest first and paginated, so no page
grows with the archive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .archive import Archive
from .model import Directive

__all__ = ["Listing", "ListingPage", "GroupIndex", "build_listings", "build_indexes", "PER_PAGE", "FEED_KINDS",
           "FEED_FILE", "ATOM_TYPE", "feed_path", "WITHDRAWN_URL"]

PER_PAGE = 50

FEED_KINDS = ("all", "type", "issuer", "topic")
"""Listings that have a feed (years are history, not something to follow)."""
FEED_FILE = "atom.xml"
ATOM_TYPE = "application/atom+xml"
"""The feeds' media type (their links in a page's head, `seo`, and their self link, `feeds`)."""

WITHDRAWN_URL = "van-ban/thu-hoi/"
"""The one list of withdrawn directives (no feed: withdrawals are not news to follow)."""


@dataclass
class Listing:
    """One list of directives: "Kế hoạch", "Năm 2023", "Ủy ban nhân dân tỉnh Lạng Sơn"…"""

    kind: str
    """"all", "year", "type", "issuer", "topic" or "withdrawn"."""
    key: str
    url: str
    """Site-relative URL of its first page: "loai/ke-hoach/"."""
    title: str
    directives: list[Directive]
    parent: tuple[str, str] | None = None
    """(title, url) of the index page above it, for breadcrumbs."""

    def pages(self, per_page: int = PER_PAGE) -> list["ListingPage"]:
        count = max(1, -(-len(self.directives) // per_page))
        return [ListingPage(self, n, count, self.directives[(n - 1) * per_page: n * per_page]) for n in range(1, count + 1)]

    def page_url(self, number: int) -> str:
        return self.url if number == 1 else f"{self.url}trang/{number}/"


@dataclass
class ListingPage:
    listing: Listing
    number: int
    count: int
    items: list[Directive]

    @property
    def url(self) -> str:
        return self.listing.page_url(self.number)

    @property
    def src_uri(self) -> str:
        """Where the page pretends to live in docs_dir."""
        return f"{self.url}index.md"


@dataclass
class GroupIndex:
    """An index page of groups with counts: "Theo loại văn bản" → Kế hoạch (12), Công văn (40)…"""

    kind: str
    url: str
    title: str
    groups: list[tuple[str, str, int]] = field(default_factory=list)
    """(name, url, count), in registry order (years newest first)."""

    @property
    def src_uri(self) -> str:
        return f"{self.url}index.md"


# kind: (index URL, index title, listing URL prefix)
INDEXES = {
    "year": ("nam/", "Văn bản theo năm", "van-ban/"),
    "type": ("loai/", "Văn bản theo loại", "loai/"),
    "issuer": ("co-quan/", "Văn bản theo cơ quan ban hành", "co-quan/"),
    "topic": ("linh-vuc/", "Văn bản theo lĩnh vực", "linh-vuc/"),
}


def build_listings(archive: Archive) -> list[Listing]:
    """Every listing the site shows, the archive-wide one first."""
    regs = archive.registries
    listings = [Listing("all", "", "van-ban/", "Tất cả văn bản", archive.listed)]
    # Withdrawn directives are left out of every list, but a group that holds only withdrawn ones
    # keeps its (published) page, which then says it lists none.
    listed = lambda d: not d.withdrawn  # noqa: E731
    by_year = archive.group_by(lambda d: d.year if d.year else [])
    for year in sorted(by_year, reverse=True):
        listings.append(Listing("year", str(year), f"van-ban/{year}/", f"Văn bản năm {year}",
                                list(filter(listed, by_year[year])), parent=(INDEXES["year"][1], INDEXES["year"][0])))
    for kind, registry, key_of in (
        ("type", regs.types, lambda d: d.type.key),
        ("issuer", regs.issuers, lambda d: d.issuer.key),
        ("topic", regs.topics, lambda d: [t.key for t in d.topics]),
    ):
        groups = archive.group_by(key_of)
        index_url, index_title, prefix = INDEXES[kind]
        for entry in registry:
            if entry.key in groups:
                listings.append(Listing(kind, entry.key, f"{prefix}{entry.key}/", entry.name,
                                        list(filter(listed, groups[entry.key])), parent=(index_title, index_url)))
    if archive.withdrawn:
        listings.append(Listing("withdrawn", "", WITHDRAWN_URL, "Văn bản đã thu hồi", archive.withdrawn))
    return listings


def build_indexes(listings: list[Listing]) -> list[GroupIndex]:
    """The four index pages (by year, type, issuer, topic)."""
    indexes = []
    for kind, (url, title, _prefix) in INDEXES.items():
        groups = [(lst.title if kind != "year" else lst.key, lst.url, len(lst.directives)) for lst in listings if lst.kind == kind]
        indexes.append(GroupIndex(kind, url, title, groups))
    return indexes


def feed_path(listing: Listing) -> str | None:
    """Where a listing's feed is, or None when that kind of listing has none. Here, not in
    `feeds.py`: listing pages link their feed, and the feed writer is not part of page rendering
    (its code is outside the page stage's key, `cache.STAGES`)."""
    return f"{listing.url}{FEED_FILE}" if listing.kind in FEED_KINDS else None
