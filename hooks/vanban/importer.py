"""Reading a signed document laid out per Decree 30/2020/NĐ-CP into a directive (front matter + Markdown).

The layout, top to bottom: issuer lines ("UBND TỈNH LẠNG SƠN / SỞ THÔNG TIN VÀ TRUYỀN THÔNG"), the
national motto, "Số: 02/KH-UBND", "{place}, ngày 04 tháng 01 năm 2023", the type title ("KẾ HOẠCH")
and its subject — or, for a công văn, "V/v …" —, "Kính gửi:" and its list, the body, then "Nơi nhận:"
and the signature ("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC / name"). `shapes.reshape` first restores that order
from the shapes real copies take (table cells per line, run-together columns, crawls, wrapped words);
the parser then walks the lines once.

Every field is either read where Decree 30 prints it, inferred (and reported for checking), or an
explicit ``TODO: … — why`` quoting what was seen, which `vanban check` reports as an error: a blank
number or day, an impossible date, a number that cannot be right, an issuer outside the registry
(never this archive's own body by default), words OCR was unsure of. `ImportedDirective.fields` says
which, per field, for the import report.
"""

from __future__ import annotations

import calendar
import re
from datetime import date as _date
from dataclasses import dataclass, field
from typing import Any

import yaml

from .model import SIGNING_FORMS
from .numbers import DocumentNumber, NumberError
from .registry import DocType, Issuer, Registries
from .shapes import UNSURE, is_motto_text, reshape
from .text import fold, normalize, slugify

__all__ = ["FieldReport", "ImportedDirective", "parse_document", "render_directive", "TODO", "field_report", "report_lines",
           "archive_index", "find_duplicate", "duplicate_key", "attach_original"]

TODO = "TODO"

# ---------------------------------------------------------------------------------------------
# Line patterns
# ---------------------------------------------------------------------------------------------

_RULE = re.compile(r"^[\s\-_–—=.*|]*$")
_NUMBER = re.compile(r"(?<!\w)Số\s*:\s*(?P<numeral>\d{0,6}[a-zA-Z]?)\s*/\s*(?P<rest>(?:\d{4}\s*/\s*)?[\w.&]+(?:\s*-\s*[\w.&]+)*)")
_NUMBER_SEEN = re.compile(r"(?<!\w)Số\s*:\s*(?P<seen>[^\s,]+(?:\s+/\s*[^\s,]+)?)")
_DATE = re.compile(r"(?P<place>[^\W\d_][\w.\-]*(?:[ \t]+[^\W\d_][\w.\-]*){0,5})?\s*,?\s*ngày\s*(?P<day>\d{1,2})?\s*tháng\s*"
                   r"(?P<month>\d{1,2})?\s*năm\s*(?P<year>\d{4})", re.IGNORECASE)
_VV = re.compile(r"^V/v\b\s*:?\s*", re.IGNORECASE)
_ABOUT = re.compile(r"^(?:Về việc|V/v)\s*:?\s*", re.IGNORECASE)
_TO = re.compile(r"^Kính\s+gửi\s*:?\s*", re.IGNORECASE)
_COPIES = re.compile(r"^Nơi\s+nhận\s*:?\s*", re.IGNORECASE)
_FORM = re.compile(r"^(?:" + "|".join(re.escape(f) for f in SIGNING_FORMS) + r")\s*\S", re.IGNORECASE)
_SIGNED = re.compile(r"^\((?:đã ký|ký|ký,? ghi rõ họ tên|ký tên, đóng dấu|đã ký và đóng dấu)[^)]*\)$", re.IGNORECASE)
_BULLET = re.compile(r"^(?P<mark>[-–•*+])\s+(?P<text>.*)$")
_ROMAN = re.compile(r"^(?P<num>[IVX]{1,5})\.\s+(?P<text>\S.*)$")
_ARABIC = re.compile(r"^(?P<num>\d{1,2})\.\s+(?P<text>\S.*)$")
_SUB_ARABIC = re.compile(r"^(?P<num>\d{1,2}\.\d{1,2}\.?)\s+(?P<text>\S.*)$")
_ARTICLE = re.compile(r"^(?P<head>Điều\s+\d+[a-z]?\.)\s*(?P<text>.*)$")
_CHAPTER = re.compile(r"^(?:Chương|Mục|Phần|Phụ lục)\s+[IVX\d]+\b", re.IGNORECASE)
_LEAD = re.compile(r"^(?:Căn cứ|Thực hiện|Theo đề nghị|Xét đề nghị)\b", re.IGNORECASE)
# The line naming who decides, between a decision's subject and its "Căn cứ" ("CHỦ TỊCH ỦY BAN …").
_AUTHORITY = re.compile(r"^(?:CHỦ TỊCH|GIÁM ĐỐC|BỘ TRƯỞNG|THỦ TƯỚNG|Ủ?Y BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|"
                        r"TỔNG CỤC TRƯỞNG|CỤC TRƯỞNG|TRƯỞNG BAN|CHÁNH VĂN PHÒNG)\b")
# Words a signature's position line is made of; anything else after the signing form ends the block.
_POSITION_WORDS = re.compile(r"CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG|PHÓ|CHÁNH|BÍ THƯ|ỦY VIÊN|UỶ VIÊN|THƯỜNG TRỰC|THỦ TƯỚNG|"
                             r"ỦY BAN|UỶ BAN|SỞ|HỘI ĐỒNG|BAN\b|PHÒNG|VĂN PHÒNG|KẾ TOÁN|TỔNG")
_TERMINAL = (".", ";", ":", "!", "?", "./.", ".”", ".\"")
_AWAITS_NUMERAL = re.compile(r"(?:^|\s)(?:số|ngày|tháng|năm)$", re.IGNORECASE)
"""A line ending in a word a numeral must follow ("Căn cứ Nghị quyết số" / "1210/2016/UBTVQH13 …")."""
_AWAITS_ORDINAL = re.compile(r"^(?:Điều|Chương|Mục|Phần)$", re.IGNORECASE)
_ORDINAL = re.compile(r"^(?:\d+|[IVXLC]+)\b")
"""A heading word alone on its line, and the ordinal its next line starts with ("Điều" / "1. Phạm vi …"):
narrow copies of legal texts wrap there, and the article's heading is the two together."""
_ROMANS = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"}
_LOOSE_MARK = re.compile(r"(?:^|\s)[\u0300-\u036f]")


@dataclass
class FieldReport:
    """How one front-matter field was obtained: for the import report and `--format json`."""

    status: str
    """"read" (printed where Decree 30 puts it), "inferred" (deduced: confirm it) or "todo"."""
    seen: str = ""
    """The text it came from, as printed."""
    note: str = ""
    """For staff (Vietnamese): why it is inferred or TODO, what to do."""


@dataclass
class ImportedDirective:
    """What the importer read: front matter in the order it is written, the body, notes for staff."""

    front: dict[str, Any]
    body: str
    review: list[str] = field(default_factory=list)
    """Vietnamese notes: what was left as TODO, what was inferred and must be confirmed."""
    comments: dict[str, str] = field(default_factory=dict)
    """A YAML comment written above a key (why it is TODO, what to write)."""
    year: int | None = None
    file_stem: str = ""
    """Proposed file name without ".md": the number's slug, else the slug."""
    fields: dict[str, FieldReport] = field(default_factory=dict)
    """Per field: read, inferred or TODO, and what was seen."""
    dropped: list[str] = field(default_factory=list)
    """Lines judged not part of the document (site titles, file paths, page numbers)."""
    registry_entry: str = ""
    """YAML to add to issuers.yml when the issuer is not in the registry."""
    ocr: bool = False
    """The text came from OCR: every field read must be checked against the original."""

    @property
    def todos(self) -> list[str]:
        return [k for k, v in self.front.items() if _is_todo(v) or (isinstance(v, dict) and any(_is_todo(x) for x in v.values()))]


@dataclass
class _Header:
    issuer_lines: list[str] = field(default_factory=list)
    number: str | None = None
    numeral: str = ""
    number_seen: str = ""
    date: tuple[int | None, int | None, int] | None = None
    date_seen: str = ""
    place: str = ""
    title: DocType | None = None
    unknown_title: str = ""
    subject_lines: list[str] = field(default_factory=list)
    vv: bool = False
    recipients: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------


def parse_document(text: str, registries: Registries, *, keep_blank: bool = False, source_name: str = "",
                   ocr: bool = False) -> ImportedDirective:
    """Read the text of one document. `keep_blank`: write a blank number/day as the copy prints it
    (an archived copy that really carries no number) instead of a TODO. `ocr`: the text was
    recognised from an image, so every field read is flagged for checking."""
    shaped = reshape(normalize(text))
    lines = [_clean(line) for line in shaped.lines]
    header, i = _read_header(lines, registries)
    body_end, trailer = _find_trailer(lines, i)
    distribution, signer = _read_trailer(trailer)
    paragraphs = _paragraphs(lines[i:body_end])
    review: list[str] = []
    comments: dict[str, str] = {}
    fields: dict[str, FieldReport] = {}
    front: dict[str, Any] = {}

    number = _number_value(header, registries, keep_blank, review, comments, fields)
    front["number"] = number
    doc_type = _doc_type(header, registries, review, fields)
    issuer, registry_entry = _issuer(header, registries, review, fields)
    subject = _subject(header, doc_type, review, fields)
    parsed_number = _parse_number(number)
    slug = None
    if parsed_number is not None and not parsed_number.is_numbered and keep_blank:
        slug = _slug_for_unnumbered(parsed_number, subject)
        front["slug"] = slug
    if parsed_number is not None and not parsed_number.is_numbered and "number" in comments:
        comments["number"] = (f"Bản gốc để trống số. Điền số đã cấp (ví dụ 123{parsed_number}); nếu bản công bố "
                              f"không ghi số thì giữ '{parsed_number}' và thêm dòng: slug: "
                              f"{_slug_for_unnumbered(parsed_number, subject)}")
    if doc_type is not None:
        front["type"] = doc_type.key
    elif header.unknown_title:
        front["type"] = f"{TODO}: {header.unknown_title} — loại văn bản chưa có trong danh mục"
    else:
        front["type"] = f"{TODO}: loại văn bản"
    front["date"] = _date_value(header, keep_blank, review, comments, fields)
    front["issuer"] = issuer
    front["subject"] = subject
    if signer:
        if not signer.get("name"):
            signer["name"] = f"{TODO}: họ tên người ký"
            review.append("Không thấy tên người ký ở cuối văn bản: điền signer.name.")
        front["signer"] = signer
        for key in ("form", "position", "name"):
            value = signer.get(key, "")
            fields[f"signer.{key}"] = FieldReport("todo" if _is_todo(value) else "read", value)
    else:
        review.append("Không thấy phần chữ ký (hình thức ký, chức vụ, họ tên): điền trường signer nếu bản gốc có.")
        fields["signer"] = FieldReport("todo", "", "Không thấy phần chữ ký trong bản này.")
    if header.recipients:
        front["recipients"] = header.recipients
    if distribution:
        front["distribution"] = distribution
    topics = _suggest_topics(subject, registries) if not _is_todo(subject) else []
    if topics:
        front["topics"] = topics
        review.append(f"Lĩnh vực được gợi ý từ trích yếu ({', '.join(topics)}): xem lại, thêm hoặc bớt.")
        fields["topics"] = FieldReport("inferred", ", ".join(topics), "Gợi ý từ trích yếu.")
    else:
        review.append("Chưa gợi ý được lĩnh vực: thêm topics từ danh mục nếu cần.")
    relations = _relations(paragraphs, registries)
    if relations:
        front["relations"] = relations
    attachments = _attachments(paragraphs, registries)
    if attachments:
        front["attachments"] = attachments
        review.append("Văn bản gửi kèm được ghi thành tệp đính kèm trỏ tới văn bản trong kho: "
                      "nếu có tệp (PDF), thêm 'file:' đặt cạnh tệp .md.")
    if ocr:
        review.insert(0, "Văn bản được nhận dạng chữ (OCR) từ ảnh quét: đối chiếu từng trường với bản gốc trước khi đăng.")
        _unsure_to_todo(front, fields, review)

    year = header.date[2] if header.date and not _impossible_date(*header.date) else None
    if parsed_number is not None and parsed_number.is_numbered and not _is_todo(number):
        stem = parsed_number.slug
    elif parsed_number is not None:
        stem = slug or _slug_for_unnumbered(parsed_number, subject)
    else:
        stem = slugify(source_name) or "van-ban-moi"
    return ImportedDirective(front=front, body=_markdown(paragraphs).replace(UNSURE, ""), review=review, comments=comments,
                             year=year, file_stem=stem, fields=fields, dropped=shaped.dropped,
                             registry_entry=registry_entry, ocr=ocr)


# Words a signature's form and position lines are made of: in OCR'd text, a line with any other word
# ("CHU TỊCH" for "CHỦ TỊCH") is not trusted.
_TITLE_WORDS = set("""TM. KT. TL. TUQ. Q. CHỦ TỊCH PHÓ GIÁM ĐỐC ỦY UỶ BAN NHÂN DÂN TỈNH HUYỆN THÀNH PHỐ THỊ XÃ QUẬN SỞ
CHÁNH VĂN PHÒNG TRƯỞNG HỘI ĐỒNG THƯỜNG TRỰC BỘ CỤC TỔNG UBND HĐND THỦ TƯỚNG ỦY VIÊN KẾ TOÁN""".split())


def _shown(text: str) -> str:
    return text.replace(UNSURE, "(?)")


def _unsure_to_todo(front: dict[str, Any], fields: dict[str, FieldReport], review: list[str]) -> None:
    """OCR'd fields: a word recognised with low confidence, or a signature word outside the titles'
    vocabulary, turns the field into a TODO quoting what was read; other text loses the marks."""
    for key in ("subject", "issuer", "type"):
        value = front.get(key)
        if isinstance(value, str) and UNSURE in value and not _is_todo(value):
            note = f"Trường {key} nhận dạng (OCR) chưa chắc: '{_shown(value)}': đối chiếu bản gốc."
            review.append(note)
            fields[key] = FieldReport("todo", _shown(value), note)
            front[key] = f"{TODO}: {_shown(value)} — chữ nhận dạng chưa chắc"
    signer = front.get("signer")
    if isinstance(signer, dict):
        for part in ("form", "position", "name"):
            value = signer.get(part, "")
            if not value or _is_todo(value):
                continue
            unknown = part != "name" and any(w.strip(",") not in _TITLE_WORDS and not _is_place_word(w, value)
                                             for w in value.replace(UNSURE, "").split())
            if UNSURE in value or unknown:
                note = f"signer.{part} nhận dạng (OCR) chưa chắc: '{_shown(value)}': đối chiếu bản gốc."
                review.append(note)
                fields[f"signer.{part}"] = FieldReport("todo", _shown(value), note)
                signer[part] = f"{TODO}: {_shown(value)} — chữ nhận dạng chưa chắc"
    for key, value in list(front.items()):
        front[key] = _strip_unsure(value)


def _is_place_word(word: str, line: str) -> bool:
    # "TM. ỦY BAN NHÂN DÂN TỈNH LÀO CAI": the place's words follow TỈNH/HUYỆN/THÀNH PHỐ.
    m = re.search(r"\b(?:TỈNH|HUYỆN|PHỐ|XÃ|QUẬN)\s+(.+)$", line.replace(UNSURE, ""))
    return bool(m) and word in m.group(1).split()


def _strip_unsure(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(UNSURE, "")
    if isinstance(value, list):
        return [_strip_unsure(v) for v in value]
    if isinstance(value, dict):
        return {k: _strip_unsure(v) for k, v in value.items()}
    return value


def _clean(line: str) -> str:
    # Markdown emphasis that text exports put around header/signature lines carries no meaning here.
    line = " ".join(line.split())
    return line.strip("*_ ") if line.startswith(("*", "_")) or line.endswith(("*", "_")) else line


def _is_motto(line: str) -> bool:
    return is_motto_text(line)


def _is_upper(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _type_title(line: str, registries: Registries) -> DocType | None:
    bare = fold(line.rstrip(":").strip())
    if not _is_upper(line) or line.rstrip().endswith(":"):
        return None
    for doc_type in registries.types:
        if fold(doc_type.name) == bare:
            return doc_type
    return None


def _read_header(lines: list[str], registries: Registries) -> tuple[_Header, int]:
    """Everything above the body; returns the header and the index of the body's first line."""
    h = _Header()
    collecting: str | None = None  # "vv" or "title": the subject runs over several lines
    i = 0
    seen_anchor = False  # number, date, V/v or type title seen: the header proper has started
    while i < len(lines):
        line = lines[i]
        if _is_motto(line):
            i += 1
            continue
        if not line or _RULE.match(line):
            if collecting in ("title", "vv") and h.subject_lines:
                collecting = None
            i += 1
            continue
        m = _NUMBER.search(line)
        if m and h.number is None and not h.number_seen and not _LEAD.match(line):
            h.numeral = m["numeral"]
            h.number = m["numeral"] + "/" + "".join(m["rest"].split())
            h.number_seen = " ".join(line[m.start():m.end() + (line[m.end():m.end() + 1] == UNSURE)].split())
            seen_anchor = True
            line = (line[:m.start()] + " " + line[m.end():]).strip()
            collecting = None
            if not line:
                i += 1
                continue
        elif h.number is None and not h.number_seen and (seen := _NUMBER_SEEN.search(line)) and not _LEAD.match(line):
            h.number_seen = seen.group(0)  # "Số: 1281/-UBND": printed, but not a number we can read
            seen_anchor = True
            line = (line[:seen.start()] + " " + line[seen.end():]).strip()
            if not line:
                i += 1
                continue
        d = _DATE.search(line)
        if d and h.date is None and not _LEAD.match(line) and collecting is None:
            h.date = (int(d["day"]) if d["day"] else None, int(d["month"]) if d["month"] else None, int(d["year"]))
            h.place = _place(d["place"] or "")
            # The place is the capitalised words before "ngày"; what precedes them on the line is the other
            # column's text ("V/v … bị thiệt | Phan Rang, ngày …") and stays.
            printed_place = d["place"] or ""
            found = printed_place.rfind(h.place) if h.place else -1
            start = d.start("place") + found if found >= 0 else (d.end("place") if printed_place else d.start())
            h.date_seen = " ".join(line[start:d.end()].split())
            seen_anchor = True
            line = (line[:start] + " " + line[d.end():]).strip(" ,")
            if not line:
                i += 1
                continue
        if _VV.match(line) and not h.subject_lines:
            h.vv = True
            h.subject_lines = [line]
            collecting = "vv"
            seen_anchor = True
            i += 1
            continue
        title = _type_title(line, registries) if h.title is None and not h.vv and not h.unknown_title else None
        if title is not None and (seen_anchor or h.issuer_lines):
            h.title = title
            collecting = "title"
            seen_anchor = True
            i += 1
            continue
        if _TO.match(line):
            i = _read_recipients(lines, i, h)
            return h, i
        if collecting == "vv" and not _AUTHORITY.match(line):
            h.subject_lines.append(line)
            i += 1
            continue
        if collecting == "title" and _continues_subject(line, h):
            h.subject_lines.append(line)
            i += 1
            continue
        if collecting is None and seen_anchor and h.date is not None and not h.subject_lines and h.title is None \
                and not h.vv and _is_upper(line) and not _AUTHORITY.match(line) and not _starts_block(line):
            words = line.split()
            if len(words) <= 4 and not any(ch.isdigit() for ch in line) and not h.unknown_title:
                h.unknown_title = line  # "THƯ NGỎ": a title, but not one of the registry's types
                collecting = "title"
            else:
                h.subject_lines.append(line)  # a subject printed without its type's title
                collecting = "title"
            i += 1
            continue
        if not seen_anchor and _is_upper(line):
            h.issuer_lines.append(line)
            i += 1
            continue
        break
    return h, i


def _continues_subject(line: str, h: _Header) -> bool:
    if _AUTHORITY.match(line) or _type_title_like(line) or _ROMAN.match(line) or _CHAPTER.match(line):
        return False
    upper_so_far = not h.subject_lines or _is_upper(" ".join(h.subject_lines))
    if _is_upper(line) and upper_so_far:
        return True  # "THỰC HIỆN ĐỀ ÁN …" is the subject's text, not a "Thực hiện …" lead-in
    if _starts_block(line):
        return False
    if not any(ch.isalpha() for ch in line):
        return True  # "2020" ending "… MÙA KHÔ NĂM 2019 -"
    if not h.subject_lines:
        return True
    # An upper-case subject ends where mixed case starts (the body), and the reverse.
    return _is_upper(line) == _is_upper(" ".join(h.subject_lines))


def _type_title_like(line: str) -> bool:
    return line.rstrip(":").strip() in ("QUYẾT ĐỊNH", "QUYẾT NGHỊ")


def _place(text: str) -> str:
    words = text.split()
    while words and not words[0][:1].isupper():
        words.pop(0)
    return " ".join(words)


def _read_recipients(lines: list[str], i: int, h: _Header) -> int:
    inline = _TO.sub("", lines[i]).strip()
    if inline:
        h.recipients.extend(_items(inline))
    i += 1
    while i < len(lines):
        line = lines[i]
        if not line:
            i += 1
            continue
        bullet = _BULLET.match(line)
        if bullet:
            h.recipients.append(_item(bullet["text"]))
            i += 1
            continue
        # A recipient written on its own line without a dash, right under "Kính gửi:" (no list yet).
        if not h.recipients and len(line) < 120 and not _LEAD.match(line) and line.endswith((";", ".")) and \
                not line.endswith("./."):
            h.recipients.append(_item(line))
            i += 1
            continue
        break
    return i


def _items(text: str) -> list[str]:
    return [_item(part) for part in re.split(r";\s*", text) if _item(part)]


def _item(text: str) -> str:
    return text.strip().rstrip(";,. ").strip()


def _starts_block(line: str) -> bool:
    return bool(_LEAD.match(line) or _ROMAN.match(line) or _ARABIC.match(line) or _ARTICLE.match(line)
                or _BULLET.match(line) or _TO.match(line) or _CHAPTER.match(line))


def _find_trailer(lines: list[str], start: int) -> tuple[int, list[str]]:
    """The body ends at "Nơi nhận:" or at the signing form, whichever comes first."""
    for j in range(start, len(lines)):
        line = lines[j]
        if _COPIES.match(line) or (_FORM.match(line) and _is_upper(line.split(".", 1)[1] or "X")):
            return j, lines[j:]
    # The head signing in person: "GIÁM ĐỐC", maybe "(Đã ký)", the name, at the very end.
    tail = [j for j in range(start, len(lines)) if lines[j]]
    if len(tail) >= 2:
        last = tail[-1]
        k = tail[-2]
        if _SIGNED.match(lines[k]) and len(tail) >= 3:
            k = tail[-3]
        if _is_position(lines[k]) and _looks_like_name(lines[last]):
            return k, lines[k:]
    return len(lines), []


def _is_position(line: str) -> bool:
    return _is_upper(line) and len(line) <= 70 and bool(_POSITION_WORDS.search(line)) and not _CHAPTER.match(line)


def _split_columns(text: str) -> tuple[str, str]:
    # "Như trên; PHÓ GIÁM ĐỐC": a recipient, then the signature column's line after it.
    m = re.match(r"^(.*;)\s+(\S+(?:\s+\S+)+)$", text)
    if m and _is_upper(m.group(2)) and all(w.isalpha() or (w.endswith(".") and w[:-1].isalpha()) for w in m.group(2).split()):
        return m.group(1), m.group(2)
    return text, ""


_NOT_NAME_WORDS = {"chương", "mục", "phần", "điều", "phụ", "quy", "ban", "kính", "nơi", "lưu", "như"}


def _looks_like_name(line: str) -> bool:
    words = line.split()
    return (2 <= len(words) <= 6 and all(w[:1].isupper() and w.isalpha() for w in words) and not _is_upper(line)
            and words[0].lower() not in _NOT_NAME_WORDS and not any(w in _ROMANS for w in words))


def _split_glued_name(line: str) -> tuple[str, str]:
    """"CHÁNH VĂN PHÒNGThái Hữu Phép" (a copy lost the line break) → ("CHÁNH VĂN PHÒNG", "Thái Hữu Phép")."""
    for k in range(1, len(line) - 1):
        if line[k - 1].isupper() and line[k].isupper() and line[k + 1].islower():
            head, tail = line[:k].strip(), line[k:].strip()
            if _is_upper(head) and _looks_like_name(tail):
                return head, tail
    return line, ""


def _read_trailer(lines: list[str]) -> tuple[list[str], dict[str, str] | None]:
    distribution: list[str] = []
    block: list[str] = []  # the signature's upper-case lines, top to bottom
    name = ""
    in_copies = False
    for line in lines:
        if name:
            break  # what follows the name (an annexed Quy định…) is not the signature
        if not line or _SIGNED.match(line) or _RULE.match(line):
            continue
        if _COPIES.match(line):
            in_copies = True
            rest = _COPIES.sub("", line).strip()
            if rest and (_FORM.match(rest) or _is_upper(rest)):
                block.append(rest)  # a PDF's two columns on one line: "Nơi nhận: KT. GIÁM ĐỐC"
            elif rest:
                distribution.extend(_items(rest.lstrip("-–• ")))
            continue
        bullet = _BULLET.match(line)
        if bullet and in_copies:
            text, right = _split_columns(bullet["text"])
            distribution.append(_item(text))
            if right:
                block.append(right)
            continue
        head, glued = _split_glued_name(line) if not _is_upper(line) else (line, "")
        if glued:
            block.append(head)
            name = glued
            continue
        if _FORM.match(line) or (_is_upper(line) and (not block or _is_position(line) or _is_upper(block[-1]))
                                 and len(line) <= 70 and (_FORM.match(line) or _is_position(line) or _continues_form(block, line))):
            block.append(line)
            in_copies = False
            continue
        if _looks_like_name(line):
            name = line
            continue
        if in_copies and distribution and not block:
            # A wrapped recipient continues on the next line.
            distribution[-1] = f"{distribution[-1]} {_item(line)}"
            continue
        if block:
            break  # an upper-case line that is no part of a signature: the block has ended
    if not (block or name):
        return distribution, None
    form_lines = list(block)
    position = ""
    if form_lines and not _FORM.match(form_lines[-1]) and (len(form_lines) > 1 or not _FORM.match(form_lines[0])):
        position = form_lines.pop()
    return distribution, {"form": " ".join(form_lines), "position": position, "name": name}


def _continues_form(block: list[str], line: str) -> bool:
    # "TL. CHỦ TỊCH ỦY" / "BAN NHÂN DÂN TỈNH": a signing form wrapped in a narrow cell.
    return bool(block) and bool(_FORM.match(block[-1])) and not _is_position(line) and len(line.split()) <= 5 \
        and bool(re.match(r"(?:BAN|NHÂN|DÂN|TỈNH|HUYỆN|THÀNH PHỐ)\b", line))


# ---------------------------------------------------------------------------------------------
# Front-matter values
# ---------------------------------------------------------------------------------------------


def _number_value(h: _Header, registries: Registries, keep_blank: bool, review: list[str],
                  comments: dict[str, str], fields: dict[str, FieldReport]) -> str:
    if h.number is None:
        if h.number_seen:
            note = f"Không đọc được số ký hiệu '{h.number_seen}' (thiếu hoặc lỗi phần ký hiệu): điền number theo bản gốc."
            review.append(note)
            fields["number"] = FieldReport("todo", h.number_seen, note)
            return f"{TODO}: {h.number_seen.split(':', 1)[-1].strip()} — không đọc được số ký hiệu"
        note = "Không thấy dòng 'Số: …': điền số ký hiệu (number) theo bản gốc, hoặc xóa trường nếu văn bản không có số."
        review.append(note)
        fields["number"] = FieldReport("todo", "", note)
        return f"{TODO}: số ký hiệu"
    if UNSURE in h.number_seen:
        note = f"Số ký hiệu nhận dạng (OCR) chưa chắc: '{_shown(h.number_seen)}': đối chiếu bản gốc rồi điền number."
        review.append(note)
        fields["number"] = FieldReport("todo", _shown(h.number_seen), note)
        return f"{TODO}: {_shown(h.number)} — chữ nhận dạng chưa chắc"
    suspicious = _suspicious_symbol(h, registries)
    if suspicious:
        review.append(suspicious)
        fields["number"] = FieldReport("todo", h.number_seen, suspicious)
        return f"{TODO}: {h.number} — {suspicious[:1].lower()}{suspicious[1:]}"
    if h.numeral or keep_blank:
        fields["number"] = FieldReport("read", h.number_seen)
        return h.number
    note = (f"Bản gốc để trống số ('Số: {h.number}'): điền số đã cấp, hoặc nếu bản công bố thật sự không "
            f"ghi số thì xóa chữ '{TODO}: ' và thêm trường slug (xem ghi chú trong tệp).")
    review.append(note)
    comments["number"] = f"Bản gốc để trống số. Điền số đã cấp (ví dụ 123{h.number})."
    fields["number"] = FieldReport("todo", h.number_seen, note)
    return f"{TODO}: {h.number}"


def _suspicious_symbol(h: _Header, registries: Registries) -> str:
    """A number that reads but cannot be right: its type part contradicts the printed title, or the
    copy lost the "-" between type and issuer ("1961/QĐUBND")."""
    number = _parse_number(h.number or "")
    if number is None:
        return "Số ký hiệu không đúng dạng số/ký hiệu: kiểm tra lại theo bản gốc."
    first = number.symbol_parts[0]
    abbrs = {fold(t.abbr): t for t in registries.types if t.abbr}
    if h.title is not None and h.title.abbr and len(number.symbol_parts) > 1 and fold(first) in abbrs \
            and fold(first) != fold(h.title.abbr):
        return (f"Ký hiệu '{number.symbol}' ghi loại {abbrs[fold(first)].name} nhưng tên loại in ra là "
                f"{h.title.name}: một trong hai bị in sai, đối chiếu bản gốc.")
    fused = _fused_symbol(first, registries) if len(number.symbol_parts) == 1 else None
    if fused is not None:
        return (f"Ký hiệu '{first}' thiếu dấu '-' giữa loại và cơ quan (có thể là "
                f"{fused[0]}-{fused[1]}): điền đúng theo bản gốc.")
    return ""


def _fused_symbol(symbol: str, registries: Registries) -> tuple[str, str] | None:
    """(type, issuer) of a symbol that lost the "-" between them ("QĐUBND" → ("QĐ", "UBND")): a
    type's abbreviation followed by a known issuer's; None when it does not read so."""
    abbrs = {fold(t.abbr) for t in registries.types if t.abbr}
    issuer_abbrs = {fold(i.abbr) for i in registries.issuers if i.abbr} | {"ubnd", "hdnd"}
    for abbr in sorted(abbrs, key=len, reverse=True):
        if len(abbr) >= 2 and fold(symbol).startswith(abbr) and fold(symbol)[len(abbr):] in issuer_abbrs:
            return symbol[:len(abbr)], symbol[len(abbr):]
    return None


def _date_value(h: _Header, keep_blank: bool, review: list[str], comments: dict[str, str],
                fields: dict[str, FieldReport]) -> str:
    if h.date is None:
        note = "Không thấy dòng ngày tháng ('…, ngày … tháng … năm …'): điền date (năm-tháng-ngày)."
        review.append(note)
        fields["date"] = FieldReport("todo", "", note)
        return f"{TODO}: năm-tháng-ngày"
    day, month, year = h.date
    problem = _impossible_date(day, month, year)
    if problem:
        note = f"Ngày in ra '{h.date_seen}' {problem}: điền date đúng theo bản gốc (năm-tháng-ngày)."
        review.append(note)
        fields["date"] = FieldReport("todo", h.date_seen, note)
        return f"{TODO}: {h.date_seen} — {problem}"
    if day and month:
        fields["date"] = FieldReport("read", h.date_seen)
        return f"{year:04d}-{month:02d}-{day:02d}"
    partial = f"{year:04d}-{month:02d}" if month else f"{year:04d}"
    if keep_blank:
        fields["date"] = FieldReport("read", h.date_seen)
        return partial
    note = (f"Bản gốc để trống {'ngày' if month else 'ngày, tháng'} ban hành: điền ngày đầy đủ, hoặc giữ "
            f"'{partial}' (xóa chữ '{TODO}: ') nếu bản công bố để trống.")
    review.append(note)
    comments["date"] = f"Bản gốc để trống {'ngày' if month else 'ngày, tháng'}. Điền năm-tháng-ngày, hoặc giữ '{partial}' nếu bản công bố để trống."
    fields["date"] = FieldReport("todo", h.date_seen, note)
    return f"{TODO}: {partial}"


def _impossible_date(day: int | None, month: int | None, year: int) -> str:
    if not 1945 <= year <= _date.today().year + 1:
        return f"có năm {year} không hợp lệ"
    if month is not None and not 1 <= month <= 12:
        return f"có tháng {month} không tồn tại"
    if day is not None and month is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return f"có ngày {day} không tồn tại trong tháng {month}"
    if day is not None and not 1 <= day <= 31:
        return f"có ngày {day} không tồn tại"
    return ""


def _parse_number(value: str) -> DocumentNumber | None:
    raw = value[len(TODO) + 1:].strip() if value.startswith(TODO) else value
    raw = raw.split(" — ", 1)[0]
    try:
        return DocumentNumber.parse(raw)
    except NumberError:
        return None


def _doc_type(h: _Header, registries: Registries, review: list[str], fields: dict[str, FieldReport]) -> DocType | None:
    if h.title is not None:
        fields["type"] = FieldReport("read", h.title.name.upper())
        return h.title
    number = _parse_number(h.number or "")
    by_symbol = None
    if number is not None and len(number.symbol_parts) > 1:
        abbr = fold(number.symbol_parts[0])
        by_symbol = next((t for t in registries.types if t.abbr and fold(t.abbr) == abbr), None)
    vv_upper = h.vv and _is_upper(" ".join(h.subject_lines))
    if h.vv and not vv_upper:
        fields["type"] = FieldReport("read", "V/v …", "Dòng 'V/v' dưới số ký hiệu: công văn.")
        return registries.types.get("cong-van")
    if h.unknown_title:
        note = (f"Tên loại '{h.unknown_title}' không có trong danh mục loại văn bản: chọn type phù hợp hoặc "
                "thêm loại vào directives/_registries/types.yml.")
        review.append(note)
        fields["type"] = FieldReport("todo", h.unknown_title, note)
        return None
    if by_symbol is not None:
        note = f"Loại văn bản suy ra từ ký hiệu '{number.symbol}' ({by_symbol.name}), bản này không in tên loại: kiểm tra lại."
        review.append(note)
        fields["type"] = FieldReport("inferred", number.symbol, note)
        return by_symbol
    note = "Không nhận ra loại văn bản (không có tên loại in hoa, không có 'V/v'): điền type từ danh mục."
    review.append(note)
    fields["type"] = FieldReport("todo", "", note)
    return None


def _subject(h: _Header, doc_type: DocType | None, review: list[str], fields: dict[str, FieldReport]) -> str:
    seen = " ".join(" ".join(h.subject_lines).split())
    if not seen:
        note = "Không thấy trích yếu (dòng 'V/v …' hoặc dòng dưới tên loại văn bản): điền trường subject."
        review.append(note)
        fields["subject"] = FieldReport("todo", "", note)
        return f"{TODO}: trích yếu"
    if _LOOSE_MARK.search(seen):
        note = ("Trích yếu có dấu thanh tách rời khỏi chữ (bản sao lỗi phông/PDF): gõ lại trích yếu theo bản gốc.")
        review.append(note)
        fields["subject"] = FieldReport("todo", seen, note)
        return f"{TODO}: {seen} — dấu thanh bị tách khỏi chữ"
    if len(seen) > 500:
        note = "Trích yếu dài bất thường (có thể đã lẫn phần nội dung): cắt lại đúng trích yếu."
        review.append(note)
        fields["subject"] = FieldReport("todo", seen[:120] + "…", note)
        return f"{TODO}: {seen[:200]}… — trích yếu dài bất thường"
    subject = seen
    if not (doc_type is not None and doc_type.key == "cong-van"):
        subject = _ABOUT.sub("", subject)
    subject = subject[:1].upper() + subject[1:]
    note = ""
    if _is_upper(subject):
        note = "Trích yếu in hoa như bản gốc: có thể viết lại chữ thường (giữ hoa tên riêng)."
        review.append(note)
    fields["subject"] = FieldReport("read", seen, note)
    return subject


def _issuer(h: _Header, registries: Registries, review: list[str], fields: dict[str, FieldReport]) -> tuple[str, str]:
    """The issuer's registry key, or a TODO quoting the printed name, and the registry entry to add.
    Matched by name and place; never chosen from the number's abbreviation alone ("UBND" is every
    province's), never defaulted to this archive's own bodies."""
    printed = " ".join(" ".join(h.issuer_lines).split())
    if not printed:
        guess = _issuer_from_symbol(h, registries)
        if guess is not None:
            note = (f"Bản này không in tên cơ quan; theo ký hiệu '{h.number}' và địa danh '{h.place}' đã chọn "
                    f"{guess.name}: kiểm tra lại.")
            review.append(note)
            fields["issuer"] = FieldReport("inferred", h.number or "", note)
            return guess.key, ""
        note = "Không thấy tên cơ quan ban hành ở đầu văn bản: điền issuer (khóa trong danh mục cơ quan)."
        review.append(note)
        fields["issuer"] = FieldReport("todo", "", note)
        return f"{TODO}: cơ quan ban hành — không thấy tên cơ quan", ""
    match, how = _match_issuer(h, registries)
    if match is not None:
        note = "" if how == "read" else (f"Tên cơ quan in ra không ghi địa danh; chọn {match.name} theo địa danh "
                                         f"ở dòng ngày tháng ('{h.place}'): kiểm tra lại.")
        if note:
            review.append(note)
        fields["issuer"] = FieldReport(how, printed, note)
        return match.key, ""
    entry = _registry_entry(h, printed, registries)
    note = (f"Cơ quan '{printed}' chưa có trong danh mục cơ quan (directives/_registries/issuers.yml): thêm mục "
            "như gợi ý rồi ghi khóa vào issuer.")
    review.append(note)
    fields["issuer"] = FieldReport("todo", printed, note)
    where = f" ({h.place}?)" if h.place and not _place_of(printed) and _words(h.place) not in _words(printed) else ""
    return f"{TODO}: {printed}{where} — chưa có trong danh mục cơ quan", entry


_ORGAN_ABBREVIATIONS = {"ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan", "tp": "thanh pho"}
_UNITS = ("tinh", "thanh pho", "huyen", "thi xa", "quan")


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", fold(text)).split())


def _organ_words(text: str) -> str:
    return " ".join(_ORGAN_ABBREVIATIONS.get(w, w) for w in _words(text).split())


def _place_of(text: str) -> str:
    """"UBND TỈNH LẠNG SƠN" → "lang son"; "" when no province/district is named."""
    m = re.search(r"\b(?:" + "|".join(_UNITS) + r") (.+)$", _organ_words(text))
    return m.group(1) if m else ""


def _match_issuer(h: _Header, registries: Registries) -> tuple[Issuer | None, str]:
    lines = h.issuer_lines
    full = _organ_words(" ".join(lines))
    last = _organ_words(lines[-1])
    parent_place = next((_place_of(line) for line in reversed(lines[:-1]) if _place_of(line)), "")
    own_place = _place_of(" ".join(lines)) if len(lines) <= 2 and not parent_place else ""
    candidates = {full}
    if parent_place:
        candidates.add(f"{last} tinh {parent_place}")
        candidates.add(f"{last} {parent_place}")
    found: list[Issuer] = []
    for issuer in registries.issuers:
        name = _organ_words(issuer.name)
        forms = {name, name.replace(" tinh ", " ")}
        if forms & candidates:
            found.append(issuer)
    if len(found) == 1:
        return found[0], "read"
    if found or parent_place or own_place:
        return None, ""
    # No place printed with the name ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG"): the date line's place may tell.
    place = _words(h.place)
    if place:
        by_place = [i for i in registries.issuers if i.place and _words(i.place) == place
                    and _organ_words(i.name) in (f"{full} tinh {place}", f"{full} {place}")]
        if len(by_place) == 1:
            return by_place[0], "inferred"
    return None, ""


# Abbreviations every province's (and district's) bodies share: they name no one body.
_GENERIC_ABBRS = {"ubnd", "hdnd", "vp", "vpubnd"}


def _issuer_from_symbol(h: _Header, registries: Registries) -> Issuer | None:
    """A copy without its issuer lines: a body-specific abbreviation in the number ("STTTT") AND the
    date line's place agreeing with that body's place. A shared abbreviation ("UBND") never decides."""
    number = _parse_number(h.number or "")
    if number is None or not h.place:
        return None
    found = {i.key: i for part in number.symbol_parts for i in registries.issuers
             if i.abbr and fold(i.abbr) == fold(part) and fold(part) not in _GENERIC_ABBRS
             and i.place and _words(i.place) == _words(h.place)}
    return next(iter(found.values())) if len(found) == 1 else None


def _registry_entry(h: _Header, printed: str, registries: Registries) -> str:
    """A proposed issuers.yml entry for a body the registry lacks (staff check the spelling). Its
    abbreviation is the issuer's part of the number, never the type's: "1961/QĐUBND", whose "-" the
    copy lost, proposes "UBND"."""
    start = _issuing_line(h.issuer_lines)
    body = " ".join(" ".join(h.issuer_lines[start:]).split()) if start else printed
    name = short = _title_case_organ(body)
    if start and not _place_of(body):
        # Under its parent ("UBND TỈNH LÀO CAI" / "SỞ Y TẾ"): the registry names it with the parent's
        # unit and place, "Sở Y tế tỉnh Lào Cai", and its short name is the body's own.
        parent = _title_case_organ(" ".join(" ".join(h.issuer_lines[:start]).split()))
        m = _UNIT_PLACE.search(parent)
        name = f"{short} {m.group(0)}" if m else short
        place_text = m.group(2) if m else h.place
    else:
        place_text = " ".join(w.capitalize() for w in _proper_place(body).split()) if _place_of(body) else h.place
        short = re.sub(r"^Ủy ban nhân dân", "UBND", name)
    number = _parse_number(h.number or "")
    abbr = ""
    if number is not None:
        parts = number.symbol_parts
        type_first = h.title is not None or not h.vv or _is_upper(" ".join(h.subject_lines))
        abbr = parts[1] if len(parts) > 1 and type_first else parts[0]
        fused = _fused_symbol(parts[0], registries) if len(parts) == 1 else None
        if fused is not None:
            abbr = fused[1]
    key = slugify(f"{abbr or 'co-quan'} {place_text}") or "co-quan-moi"
    if _words(name) in _KIND_ONLY:
        # The copy kept only the kind of body ("ỦY BAN NHÂN DÂN"): which one it is, the number's
        # symbol or the date line may suggest, but the registry's full name is for staff to write.
        name = short = f"{TODO}: tên đầy đủ của cơ quan (bản này chỉ in '{body}')"
    entry = {key: {"name": name, "short": short, "abbr": abbr or "TODO", "place": place_text or "TODO"}}
    return yaml.safe_dump(entry, allow_unicode=True, sort_keys=False, default_flow_style=False).rstrip("\n")


_KIND_ONLY = {"uy ban nhan dan", "hoi dong nhan dan"}
"""A body's name reduced to its kind ("Ủy ban nhân dân"), as `_words` folds it."""
_ORGAN_KINDS = ("SỞ", "BỘ", "CỤC", "CHI CỤC", "TỔNG CỤC", "BAN", "PHÒNG", "VĂN PHÒNG", "TRUNG TÂM", "THANH TRA",
                "KHO BẠC", "TRƯỜNG", "BỆNH VIỆN")
_ORGAN_START = re.compile(r"^(?:" + "|".join(_ORGAN_KINDS) + r")\s")


def _issuing_line(lines: list[str]) -> int:
    """Where the issuing body's name starts in the header: after its parent's ("UBND TỈNH LÀO CAI" /
    "SỞ Y TẾ", "TỔNG CỤC THUẾ" / "CỤC THUẾ TP HÀ NỘI"), the last line that starts with a kind of body;
    0 when the lines are one name ("ỦY BAN NHÂN DÂN" / "TỈNH LÀO CAI")."""
    for i in range(len(lines) - 1, 0, -1):
        if _ORGAN_START.match(normalize(lines[i]).upper()):
            return i
    return 0


_UNIT_PLACE = re.compile(r"\b(TỈNH|THÀNH PHỐ|TP\.?|HUYỆN|THỊ XÃ|QUẬN)\s+(.+)$", re.IGNORECASE)
"""The unit word and place ending a body's name, as printed ("… TỈNH LÀO CAI", "… TP HÀ NỘI") or title-cased."""


def _proper_place(printed: str) -> str:
    m = _UNIT_PLACE.search(printed)
    return m.group(2) if m else ""


def _title_case_organ(printed: str) -> str:
    """"ỦY BAN NHÂN DÂN TỈNH LÀO CAI" → "Ủy ban nhân dân tỉnh Lào Cai"; "SỞ GIÁO DỤC VÀ ĐÀO TẠO" → "Sở Giáo dục và Đào tạo";
    "BỘ THÔNG TIN VÀ TRUYỀN THÔNG" → "Bộ Thông tin và Truyền thông"."""
    text = normalize(printed.replace("UBND", "Ủy ban nhân dân").replace("HĐND", "Hội đồng nhân dân"))
    m = _UNIT_PLACE.search(text)
    organ, unit, place = (text[:m.start()].strip(), m.group(1).lower(), m.group(2)) if m else (text, "", "")
    unit = "thành phố" if unit.startswith("tp") else unit
    words = organ.lower().split()
    kind = 2 if words[:2] in (["chi", "cục"], ["tổng", "cục"], ["trung", "tâm"]) else \
        1 if words[:1] in (["sở"], ["bộ"], ["cục"], ["ban"], ["phòng"]) else 0
    if kind and len(words) > kind:  # Decree 30, Appendix II: the first letter of each field's name
        parts = " ".join(words[kind:]).split(" và ")
        organ = " ".join(words[:kind]).capitalize() + " " + " và ".join(p[:1].upper() + p[1:] for p in parts)
    else:
        organ = organ[:1].upper() + organ[1:].lower()
        council = re.match(r"(Ủy ban nhân dân|Hội đồng nhân dân) (.+)$", organ)
        if council and not unit:  # "ỦY BAN NHÂN DÂN / LÀO CAI", its unit word lost: the rest is a place
            organ, place = council.group(1), council.group(2)
    place = " ".join(w.capitalize() for w in place.lower().split())
    return " ".join(x for x in (organ, unit, place) if x)


def _slug_for_unnumbered(number: DocumentNumber, subject: str) -> str:
    words = _words(_VV.sub("", subject)).split()[:6]
    return slugify("-".join([number.symbol, *words]))[:100].strip("-")


def _suggest_topics(subject: str, registries: Registries) -> list[str]:
    # Topics in the order the subject mentions them, which is how staff list them.
    text = f" {_words(subject)} "
    found = []
    for topic in registries.topics:
        phrases = topic.keywords or tuple(topic.name.split(","))
        positions = [text.find(f" {_words(p)} ") for p in phrases if _words(p)]
        positions = [p for p in positions if p >= 0]
        if positions:
            found.append((min(positions), topic.key))
    return [key for _, key in sorted(found)]


def _ref_pattern(registries: Registries) -> re.Pattern[str]:
    names = sorted({t.name for t in registries.types}, key=len, reverse=True)
    return re.compile(r"(?P<title>(?P<type>" + "|".join(re.escape(n) for n in names) + r")\s+số\s+"
                      r"(?P<number>\d{1,6}[a-zA-Z]?/(?:\d{4}/)?[\w&]+(?:-[\w&]+)*)"
                      r"(?:\s+ngày\s+(?:\d{1,2}[/.-]\d{1,2}[/.-](?P<year>\d{4})"
                      r"|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+(?P<written_year>\d{4})))?)",
                      re.IGNORECASE)


def _refs(text: str, registries: Registries) -> list[dict[str, Any]]:
    refs = []
    for m in _ref_pattern(registries).finditer(text):
        try:
            number = DocumentNumber.parse(m["number"])
        except NumberError:
            continue
        ref: dict[str, Any] = {"number": number.text}
        # The date's year ("ngày 04/01/2023", "ngày 02 tháng 11 năm 2018"), else the number's own.
        year = int(m["year"] or m["written_year"] or 0) or number.year
        if year:
            ref["year"] = year
        ref["title"] = m["title"]
        refs.append(ref)
    return refs


def _relations(paragraphs: list[str], registries: Registries) -> dict[str, list[dict[str, Any]]]:
    # Only the lead-in ("Căn cứ …", "Thực hiện …") states a relation; later mentions are citations.
    relations: dict[str, list[dict[str, Any]]] = {}
    for paragraph in paragraphs:
        if _is_upper(paragraph):
            continue  # the authority line of a quyết định ("GIÁM ĐỐC SỞ …") precedes its "Căn cứ"
        lead = re.match(r"^(Căn cứ|Thực hiện)\b", paragraph, re.IGNORECASE)
        if not lead:
            break
        kind = "based_on" if lead.group(1).lower() == "căn cứ" else "implements"
        for ref in _refs(paragraph, registries):
            entry = {k: ref[k] for k in ("number", "year") if k in ref}
            if entry not in relations.setdefault(kind, []):
                relations[kind].append(entry)
    return relations


def _attachments(paragraphs: list[str], registries: Registries) -> list[dict[str, Any]]:
    result = []
    for paragraph in paragraphs:
        m = re.search(r"\b(?:gửi kèm|kèm theo)\b", paragraph, re.IGNORECASE)
        if not m or _LEAD.match(paragraph):
            continue
        for ref in _refs(paragraph[:m.start()], registries):
            entry = {"directive": ref["number"]}
            if "year" in ref:
                entry["year"] = ref["year"]
            entry["title"] = ref["title"]
            result.append(entry)
    return result


# ---------------------------------------------------------------------------------------------
# Body → Markdown
# ---------------------------------------------------------------------------------------------


def _paragraphs(lines: list[str]) -> list[str]:
    """Join wrapped lines into paragraphs. Blank lines separate paragraphs, except inside a sentence
    (a page break: "… tinh gọn bộ" / "máy …"); text without any blank line is hard-wrapped (PDF), where
    a short line ends its paragraph."""
    has_blanks = any(not line for line in lines[1:-1])
    widths = sorted(len(line) for line in lines if line)
    full = widths[int(len(widths) * 0.9)] if widths else 0
    paragraphs: list[str] = []
    gap = False
    prev_short = False
    for line in lines:
        if not line or _RULE.match(line):
            gap = True
            continue
        if not paragraphs:
            paragraphs.append(line)
        else:
            prev = paragraphs[-1]
            ordinal = bool(_AWAITS_ORDINAL.match(prev) and _ORDINAL.match(line))
            awaited = ordinal or (line[:1].isdigit() and bool(_AWAITS_NUMERAL.search(prev)))
            new = not ordinal and (
                _starts_block(line) or prev.endswith(_TERMINAL) or _is_upper(line) != _is_upper(prev)
                or (not awaited and gap and not line[:1].islower())
                or (not awaited and not has_blanks and prev_short and not line[:1].islower()))
            if new:
                paragraphs.append(line)
            else:
                paragraphs[-1] = f"{prev} {line}"
        gap = False
        prev_short = len(line) < 0.75 * full
    return paragraphs


def _markdown(paragraphs: list[str]) -> str:
    blocks: list[str] = []
    in_list = False
    for p in paragraphs:
        bullet = _BULLET.match(p)
        if bullet:
            item = ("    - " if bullet["mark"] == "+" and in_list else "- ") + _escape(bullet["text"])
            if in_list:
                blocks[-1] += "\n" + item
            else:
                blocks.append(item)
            in_list = True
            continue
        in_list = False
        blocks.append(_block(p))
    return "\n\n".join(blocks) + "\n"


def _block(p: str) -> str:
    if m := _ROMAN.match(p):
        if m["num"] in _ROMANS and len(p) <= 200:
            return f"## {p}"
    if _CHAPTER.match(p) and len(p) <= 200:
        return f"## {p}"
    if m := _ARTICLE.match(p):
        return f"**{m['head']}** {_escape(m['text'])}".rstrip()
    if m := _SUB_ARABIC.match(p):
        if len(p) <= 200 and not p.endswith((".", ";")):
            return f"#### {p}"
        return _escape(p)
    if m := _ARABIC.match(p):
        if len(p) <= 200 and not p.endswith((".", ";")):
            return f"### {p}"
        return m["num"] + "\\. " + _escape(m["text"])
    if _is_upper(p) and len(p) <= 120:
        return f"## {p}" if p.endswith(":") else f"**{p}**"
    return _escape(p)


def _escape(text: str) -> str:
    # Keep Markdown from reading document text as structure: headings, quotes, tables, list numbers.
    if text and text[0] in "#>|=":  # ("" is in every string: an empty text must stay empty)
        text = "\\" + text
    return re.sub(r"^(\d+)\.(\s)", r"\1\\.\2", text)


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def render_directive(imported: ImportedDirective, source: str = "") -> str:
    """The directive file: front matter (with a comment over each TODO) and the Markdown body."""
    out = ["---"]
    if source:
        out.append(f"# Nhập từ {source} bằng `vanban import`; xem lại các trường TODO trước khi đăng.")
    for key, value in imported.front.items():
        if key in imported.comments:
            out.append(f"# {imported.comments[key]}")
        out.append(yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=100000,
                                   default_flow_style=False).rstrip("\n"))
    out.append("---")
    return "\n".join(out) + "\n\n" + imported.body


def _is_todo(value: Any) -> bool:
    return isinstance(value, str) and value.strip().upper().startswith(TODO)


# ---------------------------------------------------------------------------------------------
# The import report, duplicates, the signed original
# ---------------------------------------------------------------------------------------------

_STATUS_VI = {"read": "đọc được", "inferred": "suy ra — kiểm tra lại", "todo": "TODO — cần điền"}
_REPORT_ORDER = ("number", "type", "date", "issuer", "subject", "signer.form", "signer.position", "signer.name",
                 "signer", "topics")


def field_report(imported: ImportedDirective) -> dict[str, dict[str, str]]:
    """Each field: its value, "read" / "inferred" / "todo", what was seen, the note; OCR'd reads flagged."""
    front = imported.front
    out: dict[str, dict[str, str]] = {}
    for key in _REPORT_ORDER:
        report = imported.fields.get(key)
        if report is None:
            continue
        if key.startswith("signer."):
            value = (front.get("signer") or {}).get(key.split(".", 1)[1], "")
        elif key == "topics":
            value = ", ".join(front.get("topics", []))
        else:
            value = front.get(key, "")
        entry = {"value": str(value), "status": report.status, "seen": report.seen, "note": report.note}
        entry["ocr"] = bool(imported.ocr and report.status != "todo")
        out[key] = entry
    return out


def report_lines(imported: ImportedDirective) -> list[str]:
    """The terminal report under "Đã ghi …": one line a field, then what to add and what to review."""
    lines = []
    for key, entry in field_report(imported).items():
        status = _STATUS_VI[entry["status"]] + (" (OCR — đối chiếu bản gốc)" if entry["ocr"] else "")
        value = entry["value"] if len(entry["value"]) <= 70 else entry["value"][:69] + "…"
        lines.append(f"  {key:<16} {value:<72} {status}")
    if imported.todos:
        lines.append(f"  Cần điền (TODO): {', '.join(imported.todos)}")
    if imported.registry_entry:
        lines.append("  Cơ quan chưa có trong danh mục: thêm mục sau vào directives/_registries/issuers.yml "
                     "(kiểm tra chính tả), rồi ghi khóa vào issuer:")
        lines += ["      " + row for row in imported.registry_entry.splitlines()]
    if imported.dropped:
        shown = "; ".join(f"'{d[:60]}'" for d in imported.dropped[:5]) + ("; …" if len(imported.dropped) > 5 else "")
        lines.append(f"  Bỏ qua {len(imported.dropped)} dòng không thuộc văn bản (tên trang, đường dẫn tệp, số trang): {shown}")
    lines += [f"  Xem lại: {note}" for note in imported.review]
    return lines


def duplicate_key(front: dict[str, Any]) -> tuple[str, int | None, str] | None:
    """(number, year, issuer) identifying a numbered directive; None when the number is not known."""
    number = front.get("number")
    if not isinstance(number, str) or _is_todo(number):
        return None
    parsed = _parse_number(number)
    if parsed is None or not parsed.is_numbered:
        return None
    date = str(front.get("date") or "")
    year = int(date[:4]) if re.match(r"^\d{4}", date) else parsed.year
    return parsed.key, year, str(front.get("issuer", ""))


def body_fingerprint(body: str) -> str:
    """The body's words, folded: the same text imported twice, however it was wrapped."""
    return " ".join(_words(body).split())


def find_duplicate(imported: ImportedDirective, existing: dict[Any, Path]) -> Path | None:
    """The archive file already holding this document: same number, year and issuer, or (without a
    number) the same text."""
    key = duplicate_key(imported.front)
    if key is not None:
        return existing.get(key)
    fingerprint = body_fingerprint(imported.body)
    return existing.get(("text", fingerprint)) if len(fingerprint) >= 200 else None


def archive_index(directives: Path) -> dict[Any, Path]:
    """Every directive file by its duplicate key and by its text's fingerprint."""
    index: dict[Any, Path] = {}
    for path in sorted(directives.rglob("*.md")):
        if any(part.startswith(("_", ".")) for part in path.relative_to(directives).parts):
            continue
        try:
            text = path.read_text(encoding="utf-8")
            _, head, body = text.split("---\n", 2)
            front = yaml.safe_load(head) or {}
        except (ValueError, yaml.YAMLError, UnicodeDecodeError, OSError):
            continue  # `vanban check` reports unreadable files; here they just cannot be duplicates
        if not isinstance(front, dict):
            continue
        key = duplicate_key(front)
        if key is not None:
            index.setdefault(key, path)
        fingerprint = body_fingerprint(body)
        if len(fingerprint) >= 200:
            index.setdefault(("text", fingerprint), path)
    return index


_ORIGINAL_TITLES = {".pdf": "Bản gốc đã ký (PDF)", ".docx": "Bản gốc nhận được (Word)"}


def attach_original(imported: ImportedDirective, source: Path, target: Path) -> dict[str, str]:
    """Copy the received file beside the directive as its authoritative copy and list it first among
    the attachments, with its SHA-256 so anyone can check a downloaded copy against it."""
    import hashlib
    import shutil

    suffix = source.suffix.lower()
    name = f"{target.stem}{suffix}"
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    destination = target.parent / name
    if destination.resolve() != source.resolve():
        shutil.copyfile(source, destination)
    title = _ORIGINAL_TITLES.get(suffix, "Bản quét nhận được (ảnh)")
    entry = {"file": name, "title": title, "sha256": digest}
    attachments = [a for a in imported.front.get("attachments", []) if not (isinstance(a, dict) and a.get("file") == name)]
    front = dict(imported.front)
    # Keep the key order: attachments go where the front matter lists them, before relations' targets.
    front["attachments"] = [entry, *attachments]
    imported.front.clear()
    imported.front.update(front)
    return entry
