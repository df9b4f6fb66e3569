"""The domain model: a `Directive` and the small values it is made of. No I/O, no rendering."""

from __future__ import annotations

import calendar
import zlib

from dataclasses import dataclass, field
from datetime import date as _date
from pathlib import Path

import deflate

from .numbers import DocumentNumber
from .registry import DocType, Issuer, Topic
from .text import display_subject

__all__ = ["PartialDate", "Signer", "Attachment", "RelationRef", "Withdrawal", "Directive", "pack_body", "pack_bytes",
           "pack_text", "unpack_text", "Predicate", "RELATIONS", "SIGNING_FORMS", "STATUSES", "WRITTEN_STATUSES", "WITHDRAWN"]

# Decree 30/2020/NĐ-CP, Art. 13 and Appendix I: how the signer signs.
SIGNING_FORMS = {
    "TM.": "thay mặt tập thể",
    "KT.": "ký thay người đứng đầu",
    "Q.": "quyền",
    "TL.": "thừa lệnh",
    "TUQ.": "thừa ủy quyền",
}

# Status in force ("tình trạng hiệu lực") shown on a directive's page, in listings, search and open
# data: written by staff (`WRITTEN_STATUSES`) or computed as of the build date (`force.py`).
STATUSES = {
    "con-hieu-luc": "Còn hiệu lực",
    "chua-co-hieu-luc": "Chưa có hiệu lực",
    "het-hieu-luc": "Hết hiệu lực",
    "bi-thay-the": "Đã bị thay thế",
    "bi-bai-bo": "Đã bị bãi bỏ",
    "thu-hoi": "Đã bị thu hồi",
    "khong-ro": "Không rõ",
}

WITHDRAWN = "thu-hoi"
"""`status: thu-hoi`: the directive was withdrawn; its page stays as a marked record."""

# What staff may write in `status:`. "Chưa có hiệu lực" is not among them: written, it would go
# stale the day the directive takes effect; `effective_from` says it and stays true.
WRITTEN_STATUSES = tuple(key for key in STATUSES if key != "chua-co-hieu-luc")


@dataclass(frozen=True, slots=True)
class Predicate:
    """A kind of relation, read both ways: "thay thế" on one page, "bị thay thế bởi" on the other."""

    key: str
    label: str
    """Heading on the relating directive's page: "Thay thế"."""
    reverse_label: str
    """Heading on the related directive's page: "Bị thay thế bởi"."""
    verb: str
    """Lower-case, for the diagram's arrows: "thay thế"."""
    status: str | None = None
    """Status the related directive takes ("bi-thay-the"), unless its own `status` says otherwise."""
    notice: bool = False
    """The related directive's page says so in a notice at the top ("đã được đính chính bởi …")."""
    written: bool = True
    """A key of `relations:`; False for relations written elsewhere (`withdrawal.by`)."""


# The `relations:` keys of the front matter, in the order pages show them.
RELATIONS: dict[str, Predicate] = {p.key: p for p in (
    Predicate("based_on", "Căn cứ", "Là căn cứ của", "căn cứ"),
    Predicate("implements", "Thực hiện", "Được thực hiện bởi", "thực hiện"),
    Predicate("replaces", "Thay thế", "Bị thay thế bởi", "thay thế", status="bi-thay-the"),
    Predicate("amends", "Sửa đổi, bổ sung", "Được sửa đổi, bổ sung bởi", "sửa đổi, bổ sung"),
    Predicate("repeals", "Bãi bỏ", "Bị bãi bỏ bởi", "bãi bỏ", status="bi-bai-bo"),
    Predicate("corrects", "Đính chính", "Được đính chính bởi", "đính chính", notice=True),
    # Stated by the withdrawn directive (`withdrawal.by`), read on the withdrawing one as "Thu hồi".
    Predicate("withdrawn_by", "Bị thu hồi bởi", "Thu hồi", "bị thu hồi bởi", written=False),
)}


@dataclass(frozen=True, order=True, slots=True)
class PartialDate:
    """A date whose month or day may be blank, as on a real copy ("ngày   tháng   năm 2023")."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def is_complete(self) -> bool:
        return self.day is not None

    def iso(self) -> str:
        """"2023-01-04", "2023-01" or "2023"."""
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
            if self.day:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def display(self) -> str:
        """How the site shows it: "04/01/2023", "01/2023" or "2023"."""
        if self.day and self.month:
            return f"{self.day:02d}/{self.month:02d}/{self.year}"
        if self.month:
            return f"{self.month:02d}/{self.year}"
        return str(self.year)

    def phrase(self) -> str:
        """As in a sentence: "ngày 04/01/2023", "tháng 01/2023" or "năm 2023"."""
        return ("ngày " if self.day and self.month else "tháng " if self.month else "năm ") + self.display()

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def first_day(self) -> _date:
        """The earliest day it may stand for: 2023-01 → 2023-01-01."""
        return _date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> _date:
        """The latest day it may stand for: 2023-02 → 2023-02-28, 2023 → 2023-12-31."""
        month = self.month or 12
        return _date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])


@dataclass(frozen=True, slots=True)
class Signer:
    name: str = ""
    position: str = ""
    """The position line under the form: "PHÓ GIÁM ĐỐC"."""
    form: str = ""
    """The signing-form line: "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN"; empty when the head signs."""


@dataclass(frozen=True, slots=True)
class Attachment:
    title: str
    path: str | None = None
    """File beside the directive, relative to its folder; None when the attachment is only a directive."""
    source: Path | None = None
    """Absolute path of the file on disk."""
    size: int | None = None
    directive: "RelationRef | None" = None
    """The archive directive this attachment is, when it is one ("Kế hoạch … gửi kèm theo")."""
    sha256: str | None = None
    """Hex SHA-256 of the file, when the front matter states it (the importer does for the signed
    original): shown on the page and in the JSON so anyone can check the file they downloaded."""

    @property
    def extension(self) -> str:
        return Path(self.path).suffix.lstrip(".").upper() if self.path else ""

    @property
    def filename(self) -> str:
        return Path(self.path).name if self.path else ""


@dataclass(frozen=True, slots=True)
class RelationRef:
    """A reference to another directive by number (and year, where the number alone is ambiguous)."""

    number: DocumentNumber
    year: int | None = None
    kind: str = ""
    """Relation key ("based_on", "replaces"…) or "" for a plain reference."""
    line: int | None = field(default=None, compare=False)
    """Line of the reference in the front matter, for the problems that name it."""
    issuer: Issuer | None = None
    """Set for a document of another body declared outside the archive (`{number:, issuer:}`):
    shown without a link, and never reported as missing."""


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """`withdrawal:` of a directive with `status: thu-hoi`: when, why and by which document."""

    date: PartialDate
    reason: str
    by: RelationRef | None = None
    """The withdrawing document (kind "withdrawn_by"), also one of the directive's `relations`."""


@dataclass(eq=False, slots=True)
class Directive:
    """One published directive, as read from its Markdown file."""

    source: str
    """Absolute path of the Markdown file (`source_path` as a Path). A string, as in the loader's
    memo: a `Path` kept ~0.5 KB a directive in memory, held by every forked page writer."""
    rel_path: str
    """Path shown to staff, relative to the project root."""
    number: DocumentNumber
    type: DocType
    issuer: Issuer
    subject: str
    date: PartialDate | None
    """None only for metadata-only entries whose date is not known."""
    body_packed: bytes = b""
    """The body (Markdown), compressed (`pack_body`); read it as `body`. As Python text, the
    bodies of 100 000 directives took ~1 GB, held for the whole build and every preview rebuild."""
    body_line: int = 1
    """Line of the file where the body starts, so problems in the body can name a line."""
    number_line: int | None = None
    """Line of `number:` (and `slug_line` of `slug:`), for the problems found across files."""
    slug_line: int | None = None
    signer: Signer | None = None
    recipients: tuple[str, ...] = ()
    distribution: tuple[str, ...] = ()
    topics: tuple[Topic, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    slug: str | None = None
    aliases: tuple[str, ...] = ()
    relations: tuple[RelationRef, ...] = ()
    status: str | None = None
    """The status staff wrote in front matter (`WRITTEN_STATUSES`); see `force.py` for how it
    weighs against relations and effective dates."""
    computed_status: str | None = None
    """Set by the archive from other directives' relations ("bi-thay-the" when one replaces this)."""
    effective_from: PartialDate | None = None
    """`effective_from`: first day in force (ngày có hiệu lực), when known."""
    effective_until: PartialDate | None = None
    """`effective_until`: last day in force (ngày hết hiệu lực), when known."""
    withdrawal: Withdrawal | None = None
    """Set with `status: thu-hoi`."""
    force: str | None = None
    """Key of `STATUSES` in force as of the build date, set by the archive (`force.py`): what pages,
    listings, search and open data show. None only before the archive is built."""
    metadata_only: bool = False
    """An entry that records a cited document's facts without its text."""
    demo: bool = False
    """A clearly-marked demonstration directive of the sample archive."""
    extra: dict[str, object] = field(default_factory=dict)
    stamp: str = ""
    """Hash of the whole file: changes whenever the directive's text or metadata changes."""
    front_stamp: str = ""
    """Hash of the front matter only: what other pages (listings, links to it) can depend on."""
    # `url` and `sort_key`, once asked. Slots rather than a __dict__: 100 000 loaded directives
    # (unpickled) each had a 1.6 KB dict.
    _url: str | None = field(default=None, init=False, repr=False, compare=False)
    _sort_key: tuple | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def body(self) -> str:
        """The text below the front matter; "" when there is none (blank lines count as none)."""
        return unpack_text(self.body_packed) if self.body_packed else ""

    @property
    def source_path(self) -> Path:
        return Path(self.source)

    @property
    def year(self) -> int | None:
        if self.date:
            return self.date.year
        return self.number.year

    @property
    def effective_status(self) -> str | None:
        """The status pages, listings and search show: in force as of the build date (`force`),
        else (before the archive computed it) the written one, else the one relations give."""
        return self.force or self.status or self.computed_status

    @property
    def withdrawn(self) -> bool:
        """Withdrawn (`status: thu-hoi`): out of listings and feeds, still at its address and in search."""
        return self.status == WITHDRAWN

    @property
    def path_segment(self) -> str:
        """The number-derived (or `slug`) last part of the permalink."""
        return self.slug or self.number.slug

    @property
    def url(self) -> str:
        """Canonical site-relative URL, without leading slash: "van-ban/2022/1562-ubnd-kt/"."""
        # Cached: every listing, link and key asks for it (80 000 calls in a 2 000-directive build),
        # and nothing it derives from changes after loading.
        if self._url is None:
            year = str(self.year) if self.year else "khong-ro-nam"
            self._url = f"van-ban/{year}/{self.path_segment}/"
        return self._url

    @property
    def number_display(self) -> str:
        """"02/KH-UBND"; a blank numeral is shown as printed ("/STTTT-TTBCXB")."""
        return self.number.text

    @property
    def short_title(self) -> str:
        """Type and number: "Kế hoạch 02/KH-UBND"."""
        return f"{self.type.name} {self.number_display}" if self.number.is_numbered else f"{self.type.name} (chưa ghi số) {self.number_display}"

    @property
    def title(self) -> str:
        """Type + number + subject (first letter upper-cased), the page title."""
        return f"{self.short_title}: {display_subject(self.subject)}"

    @property
    def sort_key(self) -> tuple:
        # Cached like `url`: listings and feeds sort by it on every build and preview rebuild.
        if self._sort_key is None:
            date_key = self.date.sort_key() if self.date else (self.year or 0, 0, 0)
            numeral = int("".join(c for c in (self.number.numeral or "0") if c.isdigit()) or 0)
            self._sort_key = (date_key, numeral, self.url)
        return self._sort_key


def pack_body(text: str) -> bytes:
    """`Directive.body_packed` for a body text: b"" when it is blank."""
    return pack_text(text) if text.strip() else b""


def pack_bytes(data: bytes) -> bytes:
    """Bytes kept compressed in memory or in the render cache (a body, a rendered page, a search
    page): libdeflate's level 1 in zlib's format, a third of zlib's time for smaller output."""
    return bytes(deflate.zlib_compress(data, 1))


def pack_text(text: str) -> bytes:
    return pack_bytes(text.encode("utf-8"))


def unpack_text(packed: bytes) -> str:
    """What `pack_text` packed (or zlib, whatever its level)."""
    return zlib.decompress(packed).decode("utf-8")
