"""The shapes real copies of a document take, turned back into the Decree-30 line order the importer reads.

Copies staff receive are rarely the tidy text of the signed file:
- legal-text sites put one table cell per line with "|" between cells, or a whole table row on one line
  ("ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI … |");
- portals run the header's two columns together ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
- crawls put the whole header, and often the body, on one line;
- narrow cells wrap words and phrases ("ỦY / BAN NHÂN DÂN", "Đà / Lạt, ngày …", "Số: / 258/KH-UBND");
- `pdftotext -layout` keeps both columns on a line with a wide gap between them;
- stray lines ride along: the site's name and title and metadata above the document, file paths
  ("d:\\2011\\CV\\…"), markup scraps ("</xml"), page numbers, lone ";" or "|".

`reshape` returns lines in reading order — issuer, motto, number, place and date, type, subject… —
and the lines it dropped as not part of the document, so the import report can show them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import fold

__all__ = ["Reshaped", "reshape", "columns_from_segments", "is_motto_text", "Segment", "UNSURE"]

# Follows a word OCR recognised with low confidence: a field containing one is left as a TODO.
UNSURE = "\ue000"

# Folded, without spaces or punctuation: both motto lines, however they are wrapped or spaced.
_MOTTO_KEYS = ("conghoaxahoichunghiavietnam", "doclaptudohanhphuc")
_MOTTO_RE = (
    re.compile(r"C\s*[ỘO]\s*N\s*G\s+H\s*[ÒOÀ]\s*A\s+X\s*[ÃA]\s*H\s*[ỘO]\s*I\s+CH\s*[ỦU]\s+NGH\s*[ĨI]\s*A\s+VI\s*[ỆE]\s*T\s+NAM", re.I),
    re.compile(r"Đ\s*ộ\s*c\s+l\s*ậ\s*p\s*[-–—]?\s*T\s*ự\s+do\s*[-–—]?\s*H\s*ạ\s*nh\s+ph\s*ú\s*c", re.I),
)
_RULE = re.compile(r"^[\s\-_–—=.*|]*$")
_PATH = re.compile(r"^(?:[A-Za-z]:?\\|\\\\|[A-Za-z]:/|/(?:home|tmp|Users)/)\S*")
_MARKUP = re.compile(r"^</?[A-Za-z][\w:-]*\b[^>]*>?$")
_PAGE = re.compile(r"^(?:-\s*\d{1,3}\s*-|\d{1,3}|Trang\s+\d+(?:\s*/\s*\d+)?|Page\s+\d+(?:\s+of\s+\d+)?)$", re.I)
_NOISE = re.compile(r"^(?:Xem mẫu|Open navigation|Đang tải nội dung.*|Tải bản đầy đủ.*|Bạn đang xem bản rút gọn.*)$", re.I)
_NUMBER_LINE = re.compile(r"^Số\s*:", re.I)
_VV_LINE = re.compile(r"^V/v\b", re.I)
_LEAD = re.compile(r"^(?:Căn cứ|Thực hiện|Theo đề nghị|Xét đề nghị|Kính gửi|Trong thời gian|Nhằm|Để)\b", re.I)
_FORM_ALONE = re.compile(r"^(?:TM|KT|TL|TUQ|Q)\.$")
_WIDE_GAP = re.compile(r"\S(?: ?\S)*")  # runs of text separated by two or more spaces
_SPLIT_BEFORE = re.compile(r"\s+(?=(?:Số\s*:|V/v\b|Về việc\b|Kính\s+gửi\b))", re.I)
_DATE_END = re.compile(r"ngày\s*\d{0,2}\s*tháng\s*\d{0,2}\s*năm\s*\d{4}", re.I)


@dataclass
class Segment:
    """A run of text on a row with its horizontal extent (PDF points or `-layout` columns)."""

    x0: float
    x1: float
    text: str
    bold: bool = False


@dataclass
class Reshaped:
    lines: list[str]
    dropped: list[str] = field(default_factory=list)
    """Lines judged not part of the document (site titles, paths, page numbers), in order."""


def is_motto_text(text: str) -> bool:
    squeezed = re.sub(r"[^a-z]", "", fold(text))
    return any(key in squeezed for key in _MOTTO_KEYS)


def reshape(text: str) -> Reshaped:
    """Lines of `text` in Decree-30 reading order, stray lines dropped."""
    raw = [_clean(line) for line in text.replace("\f", "\n").split("\n")]
    dropped: list[str] = []
    lines: list[str] = []
    for line in raw:
        if _is_stray(line):
            if line.strip() not in ("|", ";"):
                dropped.append(line.strip())
            lines.append("")
            continue
        lines.extend(_split_row(line))
    lines = _merge_split_motto(lines)
    lines = _split_run_together(lines)
    start = _document_start(lines)
    dropped = [line for line in lines[:start] if line.strip()] + dropped
    lines = _join_wrapped(lines[start:])
    return Reshaped(lines, [d for d in dropped if d.strip()])


def _clean(line: str) -> str:
    # Spacing is kept where it may be layout: a gap inside the line, or an indent (a right-column line).
    line = line.replace("\u00a0", " ")
    return line.rstrip() if "   " in line.strip() or line.startswith("   ") else " ".join(line.split())


def _is_stray(line: str) -> bool:
    s = line.strip()
    return bool(s) and bool(_PATH.match(s) or _MARKUP.match(s) or _PAGE.match(s) or _NOISE.match(s) or s in (";", "|"))


def _split_row(line: str) -> list[str]:
    """A table row on one line ("A | B |") → its cells; a `-layout` line ("A      B") → its columns."""
    stripped = line.strip()
    if "|" in stripped and not _RULE.match(stripped):
        return [" ".join(c.split()) for c in stripped.split("|") if c.strip()] or [""]
    if re.search(r"\S {3,}\S", stripped) or line.startswith("   "):
        # Keep the positions: rows with wide gaps are columns side by side (pdftotext -layout).
        return [line.rstrip()]
    return [" ".join(stripped.split())]


def _merge_split_motto(lines: list[str]) -> list[str]:
    """"CỘNG HÒA XÃ HỘI" / "CHỦ NGHĨA VIỆT NAM" (a narrow cell wrapped the motto) → one line."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if i + 1 < len(lines) and line.strip() and lines[i + 1].strip() and not is_motto_text(line) \
                and not is_motto_text(lines[i + 1]) and is_motto_text(line + " " + lines[i + 1]) \
                and len(line) < 60 and "   " not in line:
            out.append(f"{line.strip()} {lines[i + 1].strip()}")
            i += 2
            continue
        out.append(line)
        i += 1
    return out


def _motto_spans(line: str) -> list[tuple[int, int]]:
    spans = [m.span() for pattern in _MOTTO_RE for m in pattern.finditer(line)]
    if not spans and is_motto_text(line):
        # Mangled letters ("XàHỘI"): locate the motto by its first and last words.
        m = re.search(r"C[ỘO]NG\s+H[ÒOÀ]A.*?VI[ỆE]T\s+NAM", line, re.I) or \
            re.search(r"Độc\s+lập.*?Hạnh\s+phúc", line, re.I)
        if m:
            spans = [m.span()]
    return sorted(spans)


def _split_run_together(lines: list[str]) -> list[str]:
    """Columns side by side on one line: `-layout` gaps, or the motto run into the issuer's line."""
    out: list[str] = []
    block: list[list[Segment]] = []

    def flush() -> None:
        if block:
            out.extend(columns_from_segments(block))
            block.clear()

    for line in lines:
        segments = [Segment(m.start(), m.end(), m.group(0)) for m in _WIDE_GAP.finditer(line)]
        if re.search(r"\S {3,}\S", line) or (block and segments and _one_side(block, segments)):
            block.append(segments)
            continue
        flush()
        out.extend(_split_motto_line(" ".join(line.split())))
    flush()
    return out


def _one_side(block: list[list[Segment]], row: list[Segment]) -> bool:
    """Does a row with one column's text ("- Lưu: VT." under "Nơi nhận") belong to the open block?"""
    xs = [s.x0 for r in block for s in r] + [s.x1 for r in block for s in r]
    boundary = _column_boundary(block, min(xs), max(xs))
    return all(s.x1 <= boundary for s in row) or all(s.x0 >= boundary for s in row)


def _split_motto_line(line: str) -> list[str]:
    spans = _motto_spans(line)
    if not spans:
        return [line]
    pieces: list[str] = []
    pos = 0
    for a, b in spans:
        pieces += [line[pos:a], line[a:b]]
        pos = b
    pieces.append(line[pos:])
    result: list[str] = []
    for piece in pieces:
        piece = piece.strip(" *")
        if not piece:
            continue
        if is_motto_text(piece):
            result.append(piece)
            continue
        piece = re.sub(r"^\d{1,3}\.\s+(?=[A-ZĐỦỶ])", "", piece)  # a viewer's page counter ("1. UBND TỈNH …")
        result.extend(_split_header_run(piece))
    return result


def _split_header_run(text: str) -> list[str]:
    """"Số : 2917 /SGDĐT-VP Phan Rang, ngày 05 tháng 11 năm 2010 V/v … Kính gửi: - A; - B." → its lines."""
    parts = [p for p in _SPLIT_BEFORE.split(text) if p.strip()]
    result: list[str] = []
    for part in parts:
        date = _DATE_END.search(part)
        if date and date.end() < len(part) - 1:
            result += [part[:date.end()].strip(), part[date.end():].strip(" ,")]
        else:
            result.append(part.strip())
    # "Kính gửi: - A; - B." → one recipient a line.
    expanded: list[str] = []
    for part in result:
        if re.match(r"Kính\s+gửi", part, re.I) and " - " in part:
            head, *items = re.split(r"\s+-\s+", part)
            expanded.append(head)
            expanded += [f"- {item}" for item in items]
        else:
            expanded.append(part)
    return [p for p in expanded if p]


def columns_from_segments(rows: list[list[Segment]]) -> list[str]:
    """Rows of a two-column block (header, or "Nơi nhận" beside the signature) → the left column's
    lines, a blank line, then the right column's lines. The split is the widest gap common to the rows."""
    xs = [s.x0 for row in rows for s in row] + [s.x1 for row in rows for s in row]
    if not xs:
        return []
    left_edge, right_edge = min(xs), max(xs)
    middle = _column_boundary(rows, left_edge, right_edge)
    left: list[str] = []
    right: list[str] = []
    for row in rows:
        lefts = [s.text for s in row if s.x1 <= middle]
        rights = [s.text for s in row if s.x0 >= middle]
        spanning = [s.text for s in row if s.x0 < middle < s.x1]
        if spanning:  # a row across the boundary belongs to neither column: keep it whole
            left.append(" ".join(s.text for s in row))
            continue
        if lefts:
            left.append(" ".join(lefts))
        if rights:
            right.append(" ".join(rights))
    return left + [""] + right + [""]


def _column_boundary(rows: list[list[Segment]], left_edge: float, right_edge: float) -> float:
    # The boundary is the x that the fewest segments cross, nearest the middle of the rows' extent.
    centre = (left_edge + right_edge) / 2
    edges = sorted({s.x1 for row in rows for s in row} | {s.x0 for row in rows for s in row})
    candidates = [(a + b) / 2 for a, b in zip(edges, edges[1:])]  # between two edges: never on one
    best, best_key = centre, None
    for x in candidates:
        crossing = sum(1 for row in rows for s in row if s.x0 < x < s.x1)
        key = (crossing, abs(x - centre))
        if best_key is None or key < best_key:
            best, best_key = x, key
    return best


def _document_start(lines: list[str]) -> int:
    """Index of the document's first line: the issuer lines just above the motto. What lies above them
    (a site's name, the page title, metadata rows) is not part of the document."""
    motto = next((i for i, line in enumerate(lines[:80]) if is_motto_text(line)), None)
    if motto is None:
        return 0
    start = motto
    j = motto - 1
    while j >= 0:
        line = lines[j].strip()
        if not line or _RULE.match(line) or _NUMBER_LINE.match(line) or _is_upper(line) or _VV_LINE.match(line) \
                or _DATE_END.search(line):
            if line and not _RULE.match(line):
                start = j
            j -= 1
            continue
        # A "V/v …" subject wrapped over a few lines in the left column, above the motto in a Word table.
        above = next((k for k in range(j - 1, max(j - 4, -1), -1) if _VV_LINE.match(lines[k].strip())), None)
        if above is not None and all(lines[k].strip() for k in range(above, j + 1)):
            start = j = above
            j -= 1
            continue
        break
    return start


def _is_upper(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _join_wrapped(lines: list[str]) -> list[str]:
    """Join what a narrow cell wrapped, in the header and the signature only."""
    out: list[str] = []
    in_header = True
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        nxt_index = i + 1
        if in_header and line and _LEAD.match(line):
            in_header = False
        nxt = lines[nxt_index].strip() if nxt_index < len(lines) else ""
        join = False
        if nxt:
            if _FORM_ALONE.match(line):
                join = True  # "TM." / "ỦY BAN NHÂN DÂN TỈNH"
            elif in_header and (
                    re.fullmatch(r"Số\s*:?", line, re.I)  # "Số:" / "258/KH-UBND"
                    or re.fullmatch(r"[^\W\d_]{1,5}", line)  # "ỦY" / "BAN …", "Đà" / "Lạt, …"
                    or (re.search(r"ngày\s*\d{0,2}$", line, re.I) and re.match(r"(?:\d|tháng)", nxt, re.I))
                    or (re.search(r"ngày\s*\d{1,2}\s+tháng\s*\d{0,2}$", line, re.I) and re.match(r"(?:\d|năm)", nxt, re.I))
                    or (line.endswith(",") and re.match(r"ngày\b", nxt, re.I))):
                join = True
        if join:
            lines[nxt_index] = f"{line} {nxt}"
            i += 1
            continue
        out.append(lines[i] if not line else line)
        i += 1
    return out

