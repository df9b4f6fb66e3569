"""What the public statements say that only the build knows.

- The accessibility statement gives the date of the last check: the build writes it where the page
  holds `CHECK_DATE_MARKER` (SOURCE_DATE_EPOCH, when set, keeps builds reproducible).
- The "about this archive" page says the signed document is authoritative and the web text is for
  information; `legal_value` says the same in schema.org terms for the JSON-LD of each attachment
  (`legislationLegalValue`).
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta, timezone

from .model import Attachment
from .text import fold

__all__ = [
    "CHECK_DATE_MARKER", "OFFICIAL", "UNOFFICIAL", "WEB_TEXT_LEGAL_VALUE",
    "build_date", "fill_check_date", "is_signed_copy", "legal_value",
]

CHECK_DATE_MARKER = "<!-- vanban:check-date -->"

OFFICIAL = "https://schema.org/OfficialLegalValue"
UNOFFICIAL = "https://schema.org/UnofficialLegalValue"
WEB_TEXT_LEGAL_VALUE = UNOFFICIAL
"""The text shown on a directive's page is a transcription, for information."""

_VIETNAM = timezone(timedelta(hours=7))

# Words by which staff name the signed copy in an attachment's title or file name (folded, no marks).
_SIGNED_WORDS = re.compile(r"\b(?:ky so|ban ky|da ky|ban goc|chu ky so|signed)\b")


def build_date(now: datetime | None = None) -> date:
    """Today in Vietnam, or the day of SOURCE_DATE_EPOCH when the build sets it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if now is None:
        now = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch.isdigit() else datetime.now(timezone.utc)
    return now.astimezone(_VIETNAM).date()


def fill_check_date(html: str, day: date) -> str:
    """Put the date ("25/11/2026", in a <time> element) where the page holds the marker."""
    stamp = f'<time datetime="{day.isoformat()}">{day.day:02d}/{day.month:02d}/{day.year}</time>'
    return html.replace(CHECK_DATE_MARKER, stamp)


def is_signed_copy(attachment: Attachment) -> bool:
    """Is this attachment the signed document itself (the PDF with the signature)?

    An explicit `signed` on the attachment wins; otherwise a PDF whose title or file name says so
    ("Bản ký số…", "…-ban-ky-so.pdf", "bản gốc").
    """
    explicit = getattr(attachment, "signed", None)
    if explicit is not None:
        return bool(explicit)
    if attachment.extension != "PDF":
        return False
    words = fold(f"{attachment.title} {attachment.filename}".replace("-", " ").replace("_", " ")).lower()
    return bool(_SIGNED_WORDS.search(words))


def legal_value(attachment: Attachment) -> str:
    """schema.org `legislationLegalValue` of an attachment: official only for the signed copy."""
    return OFFICIAL if is_signed_copy(attachment) else UNOFFICIAL
