"""Citations of other documents in a directive's text, in the forms Decree 30/2020/NĐ-CP produces.

A citation is a type word, an optional "số", a number/symbol, an optional date (``ngày 04/01/2023``
or ``ngày 5 tháng 6 năm 2023``) and an optional issuer (``của UBND tỉnh``)::

    Kế hoạch số 02/KH-UBND ngày 04/01/2023 của UBND tỉnh
    Nghị định 30/2020/NĐ-CP
    văn bản số 45/STTTT-VP

Without a type word nothing matches ("ngày 04/01/2023", "số 02/KH-UBND" alone), and a symbol must
contain a letter ("Kế hoạch số 4/2023" is not a citation). This module reads plain text only;
`markdown_scan_text` blanks the parts of a Markdown body that are not prose (code), and the renderer
skips code, links and headings itself. Input is expected to be `text.normalize`d, as the loader does.
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass
from datetime import date as _date

from .numbers import DocumentNumber, NumberError

__all__ = ["Citation", "find_citations", "markdown_scan_text", "TYPE_WORDS"]

# Decree 30/2020/NĐ-CP Art. 7 (administrative documents), the legal-normative kinds that
# directives cite, and the generic "văn bản". Both tone styles where real text uses both.
TYPE_WORDS = (
    "nghị quyết", "quyết định", "chỉ thị", "quy chế", "quy định", "thông cáo", "thông báo", "hướng dẫn",
    "chương trình", "kế hoạch", "phương án", "đề án", "dự án", "báo cáo", "biên bản", "tờ trình",
    "hợp đồng", "công văn", "công điện", "bản ghi nhớ", "bản thỏa thuận", "bản thoả thuận",
    "giấy ủy quyền", "giấy uỷ quyền", "giấy mời", "giấy giới thiệu", "giấy nghỉ phép", "phiếu gửi",
    "phiếu chuyển", "phiếu báo", "thư công",
    "nghị định", "thông tư liên tịch", "thông tư", "luật", "pháp lệnh", "lệnh", "hiến pháp",
    "văn bản",
)

_SPACE = r"[ \t\u00a0]*\n?[ \t\u00a0]*"  # spaces, at most one line break (Markdown wraps lines)
_GAP = r"[ \t\u00a0]+\n?[ \t\u00a0]*|[ \t\u00a0]*\n[ \t\u00a0]*"
_TYPE = "|".join(sorted((("(?:" + _GAP + ")").join(map(re.escape, w.split())) for w in TYPE_WORDS), key=len, reverse=True))
_PART = r"[^\W_]+(?:&[^\W_]+)*"
# Spaces around "-" only when an upper-case part follows ("KH - UBND"), so "UBND-KT - nội dung" stops at KT.
_UPPER = "A-ZĐÐÂĂÊÔƠƯÁÀẢÃẠ"
_NUMBER = (rf"(?P<number>\d{{1,6}}[a-zA-Z]?[ \t]?/[ \t]?(?:(?:19|20)\d{{2}}[ \t]?/[ \t]?)?"
           rf"{_PART}(?:(?:-|[ \t]-[ \t]?(?=(?-i:[{_UPPER}]))|-[ \t](?=(?-i:[{_UPPER}]))){_PART})*)(?![\w&/])")
_DATE = (r"(?:,?(?:" + _GAP + r")(?:ban(?:" + _GAP + r")hành(?:" + _GAP + r"))?ngày(?:" + _GAP + r")"
         r"(?:(?P<d1>\d{1,2})[ \t]?[/.\-][ \t]?(?P<m1>\d{1,2})[ \t]?[/.\-][ \t]?(?P<y1>\d{4})"
         r"|(?P<d2>\d{1,2})(?:" + _GAP + r")tháng(?:" + _GAP + r")(?P<m2>\d{1,2})(?:" + _GAP + r")năm(?:" + _GAP + r")(?P<y2>\d{4}))"
         r"(?!\d))?")
_TYPE_AHEAD = re.compile(rf"(?:{_TYPE})(?!\w)", re.IGNORECASE)
_ISSUER_HEAD = r"(?:,?(?:" + _GAP + r")(?:của|do)(?:" + _GAP + r")(?P<issuer>[^\s,;.:()]+(?:[ \t]+[^\s,;.:()“”\"]+){0,11}))?"
_LEAD = rf"(?<![\w/])(?P<type>{_TYPE})(?:{_GAP})(?:số(?:{_SPACE}):?(?:{_SPACE}))?"
_CITATION = re.compile(rf"{_LEAD}{_NUMBER}{_DATE}{_ISSUER_HEAD}", re.IGNORECASE)
# Every citation has a "/" after its numeral. Scanning a whole body with _CITATION tries the type
# words at every word start; looking only just before each "/" is several times faster.
_SLASH = re.compile("/")
_BEFORE_SLASH = re.compile(rf"{_LEAD}\d{{1,6}}[a-zA-Z]?[ \t]?\Z", re.IGNORECASE)
_LOOKBACK = 64

# Lower-case words that continue an issuer's name ("Hội đồng nhân dân tỉnh", "Chính phủ").
_ISSUER_WORDS = {
    "tỉnh", "huyện", "thành", "phố", "xã", "phường", "thị", "trấn", "nhân", "dân", "đồng", "phủ", "tướng",
    "tin", "thông", "và", "vụ", "phòng", "nguyên", "trường", "ủy", "uỷ", "tịch", "tỉnh", "hội", "chủ",
}


@dataclass(frozen=True, slots=True)
class Citation:
    """One citation found in a text; offsets are into that text."""

    start: int
    end: int
    """End of the whole citation, issuer included."""
    link_end: int
    """End of the part a reader clicks: type word to number or date (the issuer stays plain text)."""
    kind: str
    """Type word as written, spaces collapsed: "Kế hoạch"."""
    number: DocumentNumber
    date: _date | None = None
    issuer: str | None = None
    text: str = ""
    """The whole citation as written, spaces collapsed."""

    @property
    def year(self) -> int | None:
        """Year that tells apart documents with the same number: the date's, else the number's own."""
        if self.date is not None:
            return self.date.year
        return self.number.year

    @property
    def label(self) -> str:
        """How lists show it: "Kế hoạch số 02/KH-UBND ngày 04/01/2023"."""
        kind = self.kind[:1].upper() + self.kind[1:]
        when = f" ngày {self.date.day:02d}/{self.date.month:02d}/{self.date.year}" if self.date else ""
        return f"{kind} số {self.number.text}{when}"


def find_citations(text: str) -> list[Citation]:
    """Every citation in `text`, in order, not overlapping."""
    found: list[Citation] = []
    pos = 0
    for slash in _SLASH.finditer(text):
        if slash.start() < pos:
            continue
        lead = _BEFORE_SLASH.search(text, max(pos, slash.start() - _LOOKBACK), slash.start())
        m = _CITATION.match(text, lead.start()) if lead else None
        if m is None:
            continue
        # The issuer group reads ahead a few words; the next citation starts after the issuer.
        pos = m.end("number")
        raw = re.sub(r"\s+", "", m["number"])
        symbol = raw.split("/")[-1]
        if not any(ch.isalpha() for ch in symbol):
            continue
        try:
            number = _parse_number(raw)
        except NumberError:
            continue
        cited_date, date_end = _date_of(m)
        issuer, issuer_end = _issuer_of(m)
        link_end = date_end or m.end("number")
        end = issuer_end or link_end
        pos = end
        # Interned: the same words recur across the archive's citations, held for the whole build.
        found.append(Citation(
            start=m.start(), end=end, link_end=link_end, kind=sys.intern(" ".join(m["type"].split())),
            number=number, date=cited_date, issuer=sys.intern(issuer) if issuer else None,
            text=sys.intern(" ".join(text[m.start():end].split())),
        ))
    return found


@functools.lru_cache(maxsize=100_000)
def _parse_number(raw: str) -> DocumentNumber:
    """`DocumentNumber.parse`, one object for each number however often it is cited: a build holds
    every directive's citations (~1.6 KB each at 10 000 directives before numbers were shared)."""
    return DocumentNumber.parse(raw)


def _date_of(m: re.Match) -> tuple[_date | None, int | None]:
    if m["y1"]:
        day, month, year, group = m["d1"], m["m1"], m["y1"], "y1"
    elif m["y2"]:
        day, month, year, group = m["d2"], m["m2"], m["y2"], "y2"
    else:
        return None, None
    try:
        return _date(int(year), int(month), int(day)), m.end(group)
    except ValueError:
        return None, None  # "ngày 31/02/2023" is a typo, not a date: the number alone still cites


def _issuer_of(m: re.Match) -> tuple[str | None, int | None]:
    # The issuer's name: a capitalised word, then capitalised words or the lower-case words of
    # organ names; it ends at the first other word ("của UBND tỉnh về việc…" → "UBND tỉnh").
    if not m["issuer"]:
        return None, None
    words = list(re.finditer(r"\S+", m["issuer"]))
    if not words or not words[0].group()[0].isupper():
        return None, None
    kept = [words[0]]
    base = m.start("issuer")
    for w in words[1:]:
        token = w.group()
        if _TYPE_AHEAD.match(m.string, base + w.start()):
            break  # "của UBND tỉnh và Luật số …": the next citation begins
        if token[0].isupper() or (token in _ISSUER_WORDS) or (token == "ban" and kept[-1].group().lower() in ("ủy", "uỷ")):
            kept.append(w)
        else:
            break
    while len(kept) > 1 and kept[-1].group() == "và":
        kept.pop()
    return " ".join(w.group() for w in kept), base + kept[-1].end()


_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,}).*?(?:^[ \t]{0,3}\1[`~]*[ \t]*$|\Z)", re.S | re.M)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.S)


def markdown_scan_text(markdown: str) -> str:
    """The body with code blanked out (same length and line breaks), for finding its citations."""
    def blank(m: re.Match) -> str:
        return re.sub(r"[^\n]", " ", m.group())

    if "```" in markdown or "~~~" in markdown:
        markdown = _FENCE.sub(blank, markdown)
    return _CODE_SPAN.sub(blank, markdown) if "`" in markdown else markdown
