"""`DocumentNumber`: the "Số, ký hiệu" of a document (Decree 30/2020/NĐ-CP, Art. 8).

Shapes it reads:

- ``1562/UBND-KT``   — numeral / issuer - drafting unit (công văn: no type abbreviation)
- ``02/KH-UBND``     — numeral / type abbreviation - issuer
- ``30/2020/NĐ-CP``  — numeral / year / type - issuer (legal-normative documents carry the year)
- ``/STTTT-TTBCXB``  — a copy whose numeral was left blank

Two numbers are the same document number when their `key` is equal: case, spaces, the look-alike
``Ð`` (U+00D0) and tone styles do not matter. ``slug`` is the permalink segment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import fold, normalize, slugify

__all__ = ["DocumentNumber", "NumberError"]


class NumberError(ValueError):
    """The text is not a document number."""


_NUMBER = re.compile(
    r"""^(?:s[ốo]\s*:?\s*)?                  # optional "Số:" prefix as printed
        (?P<numeral>\d{1,6}[a-zA-Z]?)?\s*      # blank for an unnumbered copy
        /\s*(?:(?P<year>(?:19|20)\d{2})\s*/\s*)?
        (?P<symbol>[^\s/\-]+(?:\s*-\s*[^\s/\-]+)*)$""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class DocumentNumber:
    """A parsed "số/ký hiệu"; build it with `DocumentNumber.parse`."""

    numeral: str | None
    """The running number ("02"), or None when the copy leaves it blank."""
    year: int | None
    """The year written inside the number (legal-normative documents only)."""
    symbol_parts: tuple[str, ...]
    """The ký hiệu split on "-": ("KH", "UBND")."""
    text: str = field(compare=False)
    """The number as printed, normalised (NFC, Đ look-alikes fixed, spaces removed)."""
    # `key`, `slug` and `folded`, once asked (the instance is frozen; every lookup of the archive
    # asks for the key). Slots rather than a __dict__: an unpickled instance had one of ~0.3 KB.
    _key: str | None = field(default=None, init=False, repr=False, compare=False)
    _slug: str | None = field(default=None, init=False, repr=False, compare=False)
    _folded: str | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def parse(cls, raw: str) -> "DocumentNumber":
        cleaned = normalize(str(raw)).strip()
        match = _NUMBER.match(cleaned)
        if not match:
            raise NumberError(raw)
        symbol = re.sub(r"\s+", "", match["symbol"])
        parts = tuple(symbol.split("-"))
        if not all(_is_symbol_part(p) for p in parts):
            raise NumberError(raw)
        numeral = match["numeral"]
        year = int(match["year"]) if match["year"] else None
        text = f"{numeral or ''}/{f'{year}/' if year else ''}{symbol}"
        return cls(numeral=numeral, year=year, symbol_parts=parts, text=text)

    @property
    def symbol(self) -> str:
        """The ký hiệu as printed: "KH-UBND"."""
        return "-".join(self.symbol_parts)

    @property
    def is_numbered(self) -> bool:
        return self.numeral is not None

    @property
    def key(self) -> str:
        """Identity for matching: upper-case, numeral without leading zeros ("2/KH-UBND")."""
        if self._key is None:
            numeral = str(int(re.sub(r"\D", "", self.numeral))) + re.sub(r"\d", "", self.numeral) if self.numeral else ""
            year = f"{self.year}/" if self.year else ""
            object.__setattr__(self, "_key", f"{numeral.upper()}/{year}{self.symbol.upper()}")
        return self._key

    @property
    def slug(self) -> str:
        """Permalink segment: "1562/UBND-KT" → "1562-ubnd-kt", "30/2020/NĐ-CP" → "30-2020-nd-cp"."""
        if self._slug is None:
            object.__setattr__(self, "_slug", slugify(self.text))
        return self._slug

    @property
    def folded(self) -> str:
        """Lower-case ASCII form for search: "30/2020/nd-cp"."""
        if self._folded is None:
            object.__setattr__(self, "_folded", fold(self.text))
        return self._folded

    def __str__(self) -> str:
        return self.text


def _is_symbol_part(part: str) -> bool:
    # Letters (with Vietnamese marks), digits and "&" as in "TT&TT"; never empty.
    return bool(part) and all(ch.isalnum() or ch == "&" for ch in part)
