"""Reading a signed document laid out per Decree 30/2020/NĐ-CP into a directive (front matter + Markdown).

The layout, top to bottom: issuer lines ("UBND TỈNH LẠNG SƠN / SỞ THÔNG TIN VÀ TRUYỀN THÔNG"), the
national motto, "Số: 02/KH-UBND", "{place}, ngày 04 tháng 01 năm 2023", the type title ("KẾ HOẠCH")
and its subject — or, for a công văn, "V/v …" —, "Kính gửi:" and its list, the body, then "Nơi nhận:"
and the signature ("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC / name"). The parser walks the lines once, in that
order, and tolerates what Word tables and PDF columns do to it (header cells read one after the other,
number and date on one line, hard-wrapped paragraphs).

What the document leaves blank (the number, the day) is written as an explicit ``TODO`` value that
the loader reports as an error, never guessed. What the importer infers rather than reads (topics from
the subject, issuer from the number) is listed in `ImportedDirective.review` for staff to confirm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .model import SIGNING_FORMS
from .numbers import DocumentNumber, NumberError
from .registry import DocType, Issuer, Registries
from .text import fold, normalize, slugify

__all__ = ["ImportedDirective", "parse_document", "render_directive", "TODO"]

TODO = "TODO"

# ---------------------------------------------------------------------------------------------
# Line patterns
# ---------------------------------------------------------------------------------------------

_MOTTOS = ("cong hoa xa hoi chu nghia viet nam", "doc lap - tu do - hanh phuc", "doc lap tu do hanh phuc")
_RULE = re.compile(r"^[\s\-_–—=.*]*$")
_NUMBER = re.compile(r"(?<!\w)Số\s*:\s*(?P<numeral>\d{0,6}[a-zA-Z]?)\s*/\s*(?P<rest>(?:\d{4}\s*/\s*)?[\w.&]+(?:\s*-\s*[\w.&]+)*)")
_DATE = re.compile(r"(?P<place>[^\W\d_][\w.]*(?:[ \t]+[^\W\d_][\w.]*){0,5})?\s*,?\s*ngày\s*(?P<day>\d{1,2})?\s*tháng\s*"
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
_CHAPTER = re.compile(r"^(?:Chương|Mục|Phần)\s+[IVX\d]+\b", re.IGNORECASE)
_LEAD = re.compile(r"^(?:Căn cứ|Thực hiện|Theo đề nghị|Xét đề nghị)\b", re.IGNORECASE)
_TERMINAL = (".", ";", ":", "!", "?", "./.", ".”", ".\"")
_ROMANS = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"}


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

    @property
    def todos(self) -> list[str]:
        return [k for k, v in self.front.items() if _is_todo(v) or (isinstance(v, dict) and any(_is_todo(x) for x in v.values()))]


@dataclass
class _Header:
    issuer_lines: list[str] = field(default_factory=list)
    number: str | None = None
    numeral: str = ""
    date: tuple[int | None, int | None, int] | None = None
    place: str = ""
    title: DocType | None = None
    subject_lines: list[str] = field(default_factory=list)
    is_cong_van: bool = False
    recipients: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------


def parse_document(text: str, registries: Registries, *, keep_blank: bool = False, source_name: str = "") -> ImportedDirective:
    """Read the text of one document. `keep_blank`: write a blank number/day as the copy prints it
    (an archived copy that really carries no number) instead of a TODO."""
    lines = [_clean(line) for line in normalize(text).split("\n")]
    header, i = _read_header(lines, registries)
    body_end, trailer = _find_trailer(lines, i)
    distribution, signer = _read_trailer(trailer)
    paragraphs = _paragraphs(lines[i:body_end])
    review: list[str] = []
    comments: dict[str, str] = {}
    front: dict[str, Any] = {}

    number = _number_value(header, keep_blank, review, comments)
    front["number"] = number
    doc_type = _doc_type(header, registries, review)
    issuer = _issuer(header, doc_type, registries, review)
    subject = " ".join(" ".join(header.subject_lines).split())
    if subject and not header.is_cong_van:
        subject = _ABOUT.sub("", subject)
        subject = subject[:1].upper() + subject[1:]
    parsed_number = _parse_number(number)
    slug = None
    if parsed_number is not None and not parsed_number.is_numbered and keep_blank:
        slug = _slug_for_unnumbered(parsed_number, subject)
        front["slug"] = slug
    if parsed_number is not None and not parsed_number.is_numbered and "number" in comments:
        comments["number"] = (f"Bản gốc để trống số. Điền số đã cấp (ví dụ 123{parsed_number}); nếu bản công bố "
                              f"không ghi số thì giữ '{parsed_number}' và thêm dòng: slug: "
                              f"{_slug_for_unnumbered(parsed_number, subject)}")
    front["type"] = doc_type.key if doc_type else f"{TODO}: loại văn bản"
    front["date"] = _date_value(header, keep_blank, review, comments)
    front["issuer"] = issuer.key if issuer else f"{TODO}: cơ quan ban hành"
    if not subject:
        review.append("Không thấy trích yếu (dòng 'V/v …' hoặc dòng dưới tên loại văn bản): điền trường subject.")
        subject = f"{TODO}: trích yếu"
    front["subject"] = subject
    if signer:
        front["signer"] = signer
        if not signer.get("name"):
            signer["name"] = f"{TODO}: họ tên người ký"
            review.append("Không thấy tên người ký ở cuối văn bản: điền signer.name.")
    else:
        review.append("Không thấy phần chữ ký (hình thức ký, chức vụ, họ tên): điền trường signer nếu bản gốc có.")
    if header.recipients:
        front["recipients"] = header.recipients
    if distribution:
        front["distribution"] = distribution
    topics = _suggest_topics(subject, registries)
    if topics:
        front["topics"] = topics
        review.append(f"Lĩnh vực được gợi ý từ trích yếu ({', '.join(topics)}): xem lại, thêm hoặc bớt.")
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
    if header.place and issuer and issuer.place and fold(header.place) != fold(issuer.place):
        review.append(f"Địa danh '{header.place}' khác địa danh của {issuer.name} ('{issuer.place}'): kiểm tra cơ quan ban hành.")

    year = header.date[2] if header.date else None
    if parsed_number is not None and parsed_number.is_numbered:
        stem = parsed_number.slug
    elif parsed_number is not None:
        stem = slug or _slug_for_unnumbered(parsed_number, subject)
    else:
        stem = slugify(source_name) or "van-ban-moi"
    return ImportedDirective(front=front, body=_markdown(paragraphs), review=review, comments=comments,
                             year=year, file_stem=stem)


def _clean(line: str) -> str:
    # Markdown emphasis that text exports put around header/signature lines carries no meaning here.
    line = " ".join(line.split())
    return line.strip("*_ ") if line.startswith(("*", "_")) or line.endswith(("*", "_")) else line


def _is_motto(line: str) -> bool:
    folded = " ".join(fold(line).replace("–", "-").split())
    return any(m in folded for m in _MOTTOS)


def _strip_motto(line: str) -> str:
    for pattern in (r"C[ỘO]NG\s+H[ÒOÀ]A\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM", r"Độc\s+lập\s*[-–]\s*Tự\s+do\s*[-–]\s*Hạnh\s+phúc"):
        line = re.sub(pattern, " ", line, flags=re.IGNORECASE)
    return " ".join(line.split())


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
        raw = lines[i]
        line = _strip_motto(raw) if _is_motto(raw) else raw
        if not line or _RULE.match(line):
            if collecting == "title" and h.subject_lines:
                collecting = None
            if collecting == "vv" and h.subject_lines and not _is_motto(raw):
                collecting = None
            i += 1
            continue
        m = _NUMBER.search(line)
        if m and h.number is None:
            h.numeral = m["numeral"]
            h.number = m["numeral"] + "/" + "".join(m["rest"].split())
            seen_anchor = True
            line = (line[:m.start()] + " " + line[m.end():]).strip()
            collecting = None
            if not line:
                i += 1
                continue
        d = _DATE.search(line)
        if d and h.date is None and (not _LEAD.match(line)):
            h.date = (int(d["day"]) if d["day"] else None, int(d["month"]) if d["month"] else None, int(d["year"]))
            h.place = _place(d["place"] or "")
            seen_anchor = True
            line = (line[:d.start()] + " " + line[d.end():]).strip(" ,")
            if not line:
                i += 1
                continue
        if _VV.match(line):
            h.is_cong_van = True
            h.subject_lines = [line]
            collecting = "vv"
            seen_anchor = True
            i += 1
            continue
        title = _type_title(line, registries) if h.title is None and not h.is_cong_van else None
        if title is not None and (seen_anchor or h.issuer_lines):
            h.title = title
            collecting = "title"
            seen_anchor = True
            i += 1
            continue
        if _TO.match(line):
            i = _read_recipients(lines, i, h)
            return h, i
        if collecting == "vv":
            h.subject_lines.append(line)
            i += 1
            continue
        if collecting == "title" and not _starts_block(line) and not _is_upper(line):
            h.subject_lines.append(line)
            i += 1
            continue
        if not seen_anchor and _is_upper(line):
            h.issuer_lines.append(line)
            i += 1
            continue
        break
    return h, i


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
        if _is_upper(lines[k]) and len(lines[k]) < 80 and _looks_like_name(lines[last]):
            return k, lines[k:]
    return len(lines), []


def _split_columns(text: str) -> tuple[str, str]:
    # "Như trên; PHÓ GIÁM ĐỐC": a recipient, then the signature column's line after it.
    m = re.match(r"^(.*;)\s+(\S+(?:\s+\S+)+)$", text)
    if m and _is_upper(m.group(2)) and all(w.isalpha() or (w.endswith(".") and w[:-1].isalpha()) for w in m.group(2).split()):
        return m.group(1), m.group(2)
    return text, ""


def _looks_like_name(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 6 and all(w[:1].isupper() and w.isalpha() for w in words) and not _is_upper(line)


def _read_trailer(lines: list[str]) -> tuple[list[str], dict[str, str] | None]:
    distribution: list[str] = []
    forms: list[str] = []
    positions: list[str] = []
    name = ""
    in_copies = False
    for line in lines:
        if not line or _SIGNED.match(line) or _RULE.match(line):
            continue
        if _COPIES.match(line):
            in_copies = True
            rest = _COPIES.sub("", line).strip()
            if rest and (_FORM.match(rest) or _is_upper(rest)):
                # A PDF's two columns on one line: "Nơi nhận: KT. GIÁM ĐỐC".
                (forms if _FORM.match(rest) else positions).append(rest)
            elif rest:
                distribution.extend(_items(rest.lstrip("-–• ")))
            continue
        bullet = _BULLET.match(line)
        if bullet and in_copies:
            text, right = _split_columns(bullet["text"])
            distribution.append(_item(text))
            if right:
                (forms if _FORM.match(right) else positions).append(right)
            continue
        if _FORM.match(line):
            forms.append(line)
            in_copies = False
            continue
        if _is_upper(line):
            positions.append(line)
            in_copies = False
            continue
        if _looks_like_name(line):
            name = line
            continue
        if in_copies and distribution:
            # A wrapped recipient continues on the next line.
            distribution[-1] = f"{distribution[-1]} {_item(line)}"
    if not (forms or positions or name):
        return distribution, None
    return distribution, {"form": " ".join(forms), "position": " ".join(positions), "name": name}


# ---------------------------------------------------------------------------------------------
# Front-matter values
# ---------------------------------------------------------------------------------------------


def _number_value(h: _Header, keep_blank: bool, review: list[str], comments: dict[str, str]) -> str:
    if h.number is None:
        review.append("Không thấy dòng 'Số: …': điền số ký hiệu (number) theo bản gốc.")
        return f"{TODO}: số ký hiệu"
    if h.numeral or keep_blank:
        return h.number
    review.append(f"Bản gốc để trống số ('Số: {h.number}'): điền số đã cấp, hoặc nếu bản công bố thật sự không "
                  f"ghi số thì xóa chữ '{TODO}: ' và thêm trường slug (xem ghi chú trong tệp).")
    comments["number"] = f"Bản gốc để trống số. Điền số đã cấp (ví dụ 123{h.number})."
    return f"{TODO}: {h.number}"


def _date_value(h: _Header, keep_blank: bool, review: list[str], comments: dict[str, str]) -> str:
    if h.date is None:
        review.append("Không thấy dòng ngày tháng ('…, ngày … tháng … năm …'): điền date (năm-tháng-ngày).")
        return f"{TODO}: năm-tháng-ngày"
    day, month, year = h.date
    if day and month:
        return f"{year:04d}-{month:02d}-{day:02d}"
    partial = f"{year:04d}-{month:02d}" if month else f"{year:04d}"
    if keep_blank:
        return partial
    review.append(f"Bản gốc để trống {'ngày' if month else 'ngày, tháng'} ban hành: điền ngày đầy đủ, hoặc giữ "
                  f"'{partial}' (xóa chữ '{TODO}: ') nếu bản công bố để trống.")
    comments["date"] = f"Bản gốc để trống {'ngày' if month else 'ngày, tháng'}. Điền năm-tháng-ngày, hoặc giữ '{partial}' nếu bản công bố để trống."
    return f"{TODO}: {partial}"


def _parse_number(value: str) -> DocumentNumber | None:
    raw = value[len(TODO) + 1:].strip() if value.startswith(TODO) else value
    try:
        return DocumentNumber.parse(raw)
    except NumberError:
        return None


def _doc_type(h: _Header, registries: Registries, review: list[str]) -> DocType | None:
    if h.title is not None:
        return h.title
    if h.is_cong_van:
        return registries.types.get("cong-van")
    number = _parse_number(h.number or "")
    if number is not None:
        abbr = fold(number.symbol_parts[0])
        for doc_type in registries.types:
            if doc_type.abbr and fold(doc_type.abbr) == abbr:
                review.append(f"Loại văn bản suy ra từ ký hiệu '{number.symbol}' ({doc_type.name}): kiểm tra lại.")
                return doc_type
    review.append("Không nhận ra loại văn bản (không có tên loại in hoa, không có 'V/v'): điền type từ danh mục.")
    return None


def _issuer(h: _Header, doc_type: DocType | None, registries: Registries, review: list[str]) -> Issuer | None:
    candidates = []
    if h.issuer_lines:
        candidates = [h.issuer_lines[-1], " ".join(h.issuer_lines[-2:]), " ".join(h.issuer_lines)]
    for text in candidates:
        wanted = _organ_words(text)
        exact = [i for i in registries.issuers if wanted in (_organ_words(i.name), _organ_words(i.short))]
        if len(exact) == 1:
            return exact[0]
        prefix = [i for i in registries.issuers if _organ_words(i.name).startswith(wanted + " ")]
        if len(prefix) == 1:
            return prefix[0]
    number = _parse_number(h.number or "")
    if number is not None:
        # A công văn's symbol is issuer-unit; other types put the type first: type-issuer.
        parts = number.symbol_parts
        position = 0 if (doc_type is None or not doc_type.abbr) else 1
        if position < len(parts):
            matches = [i for i in registries.issuers if fold(i.abbr) == fold(parts[position])]
            if len(matches) == 1:
                if candidates:
                    review.append(f"Không tìm thấy cơ quan '{h.issuer_lines[-1]}' trong danh mục; theo ký hiệu "
                                  f"'{number.symbol}' đã chọn {matches[0].name}: kiểm tra lại.")
                return matches[0]
    shown = h.issuer_lines[-1] if h.issuer_lines else "(không có dòng tên cơ quan)"
    review.append(f"Không xác định được cơ quan ban hành '{shown}': điền issuer, hoặc thêm cơ quan vào "
                  "directives/_registries/issuers.yml.")
    return None


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", fold(text)).split())


# Header lines abbreviate the parent body ("UBND TỈNH LẠNG SƠN"); registries spell it out.
_ORGAN_ABBREVIATIONS = {"ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan"}


def _organ_words(text: str) -> str:
    return " ".join(_ORGAN_ABBREVIATIONS.get(w, w) for w in _words(text).split())


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
                      r"(?:\s+ngày\s+(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4}))?)",
                      re.IGNORECASE)


def _refs(text: str, registries: Registries) -> list[dict[str, Any]]:
    refs = []
    for m in _ref_pattern(registries).finditer(text):
        try:
            number = DocumentNumber.parse(m["number"])
        except NumberError:
            continue
        ref: dict[str, Any] = {"number": number.text}
        year = int(m["year"]) if m["year"] else number.year
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
            new = (_starts_block(line) or prev.endswith(_TERMINAL) or _is_upper(line) != _is_upper(prev)
                   or (gap and not line[:1].islower()) or (not has_blanks and prev_short and not line[:1].islower()))
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
    if text[:1] in "#>|=":
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
