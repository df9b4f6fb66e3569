"""The plain fields of the front matter: number, type, issuer, date, subject, slug, lists, flags,
topics, aliases, status, the `TODO`s the importer leaves, and whether the number agrees with the
type and the issuer (Decree 30/2020/NĐ-CP, Art. 8 and Appendix III)."""

from __future__ import annotations

import re
from datetime import date as _date, datetime, timedelta, timezone
from typing import Any

from ..model import WRITTEN_STATUSES, PartialDate
from ..numbers import DocumentNumber, NumberError
from ..registry import REGISTRY_DIR, DocType, Issuer
from .context import FrontMatter, blank, kind_of
from .yamltext import END

__all__ = ["FIELDS", "REQUIRED", "read_number", "read_registry_key", "read_date", "read_subject", "read_slug",
           "read_bool", "read_str_list", "read_topics", "read_aliases", "read_status", "check_todos",
           "check_unknown_fields", "check_required", "check_number_agrees", "today_in_vietnam", "parse_partial_date"]

# Every front-matter key staff may write (the contract documented in docs/pages/huong-dan).
FIELDS = (
    "number", "type", "date", "issuer", "subject", "signer", "recipients", "distribution", "topics",
    "attachments", "slug", "aliases", "relations", "status", "withdrawal", "effective_from", "effective_until",
    "metadata_only", "demo",
)
REQUIRED = ("number", "type", "date", "issuer", "subject")

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TODO = re.compile(r"\bTODO\b")
_VIETNAM = timezone(timedelta(hours=7))

# Abbreviations of the 2011 circular (01/2011/TT-BNV) that Decree 30/2020/NĐ-CP replaced, still
# printed in many public tables: a number using one gets the current abbreviation as advice.
_OLD_ABBREVIATIONS = {"GN": "BGN", "TTH": "BTT", "UQ": "GUQ", "NP": "GNP"}
# Copies carry their own abbreviation (sao y, trích sao, sao lục) whatever the original's type.
_COPY_ABBREVIATIONS = {"SY", "TRS", "SL"}


def today_in_vietnam() -> _date:
    """The date in Vietnam (UTC+7): a document dated today there is not in the future."""
    return datetime.now(_VIETNAM).date()


def check_unknown_fields(fm: FrontMatter) -> None:
    for key in fm.data:
        if key not in FIELDS:
            close = [f for f in FIELDS if _close(key, f)]
            hint = f" Có phải '{close[0]}'?" if close else ""
            fm.report("VB201", key, f"Trường lạ '{key}' bị bỏ qua.{hint} Các trường hợp lệ: {', '.join(FIELDS)}.")


def _close(a: str, b: str) -> bool:
    # One letter typed wrong, missing or extra ("subjet", "isuer", "dates").
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a.lower(), b).ratio() >= 0.8


def check_required(fm: FrontMatter, metadata_only: bool) -> None:
    for key in REQUIRED:
        if blank(fm.data.get(key)) and not (key == "date" and metadata_only):
            # At the line of the field when written blank, else of the closing '---' it goes above.
            fm.report("VB202", key, f"Thiếu trường bắt buộc '{key}': {_REQUIRED_HINTS[key]}",
                      line_of=key if key in fm.lines else END)


_REQUIRED_HINTS = {
    "number": "ghi số, ký hiệu đúng như bản gốc, ví dụ number: 02/KH-UBND.",
    "type": "ghi khóa loại văn bản trong danh mục, ví dụ type: ke-hoach.",
    "date": "ghi ngày ban hành, ví dụ date: 2023-01-04 (hoặc 2023-01, 2023 nếu bản gốc để trống ngày).",
    "issuer": "ghi khóa cơ quan ban hành trong danh mục, ví dụ issuer: ubnd-tinh.",
    "subject": "ghi trích yếu của văn bản, ví dụ subject: Cải cách hành chính tỉnh Lạng Sơn năm 2023.",
}


def check_todos(fm: FrontMatter, value: Any, key: str) -> None:
    """Every value still holding "TODO" (what `vanban import` and `vanban new` leave to fill) is an error."""
    if isinstance(value, str) and _TODO.search(value):
        fm.report("VB203", key, f"Chưa điền: '{value.strip()}'. Điền giá trị đúng theo bản gốc, hoặc xóa dòng "
                                "này nếu trường không bắt buộc.")
        fm.todo_keys.add(key)
    elif isinstance(value, dict):
        for k, v in value.items():
            check_todos(fm, v, f"{key}.{k}" if key else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            check_todos(fm, v, f"{key}[{i}]")


def read_number(fm: FrontMatter) -> DocumentNumber | None:
    raw = fm.data.get("number")
    if blank(raw):
        return None
    try:
        return DocumentNumber.parse(str(raw))
    except NumberError:
        fm.report("VB204", "number", f"Số ký hiệu '{raw}' không đúng dạng: cần 'số/ký hiệu' như '1562/UBND-KT', "
                                     "'02/KH-UBND', '30/2020/NĐ-CP', hoặc '/STTTT-TTBCXB' nếu bản gốc chưa ghi số.")
        return None


def read_registry_key(fm: FrontMatter, key: str, registry: Any) -> Any:
    raw = fm.data.get(key)
    if blank(raw):
        return None
    entry = registry.get(str(raw))
    if entry is None:
        fm.report("VB205", key, f"Không có '{raw}' trong danh mục {registry.label} (directives/{REGISTRY_DIR}/): "
                                f"dùng một trong {', '.join(registry.keys())}, hoặc thêm mục mới vào danh mục.")
    return entry


def parse_partial_date(raw: Any) -> tuple[str, PartialDate | None, str]:
    """A written date that may leave the day or month blank ("2023-01", "2023"): its text, its value,
    and "" — or None and why not: "format" (not year-month-day) or "missing" (no such day)."""
    text = raw.isoformat() if isinstance(raw, _date) else str(raw).strip()
    match = _ISO_DATE.match(text)
    if not match:
        return text, None, "format"
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    try:
        _date(year, month or 1, day or 1)
    except ValueError:
        return text, None, "missing"
    return text, PartialDate(year, month, day), ""


def read_date(fm: FrontMatter) -> PartialDate | None:
    raw = fm.data.get("date")
    if blank(raw):
        return None
    text, written, wrong = parse_partial_date(raw)
    expected = "cần dạng năm-tháng-ngày như 2023-01-04 (hoặc 2023-01, 2023 nếu bản gốc để trống ngày)."
    if wrong == "format":
        fm.report("VB206", "date", f"Ngày ban hành '{raw}' không đúng dạng: {expected}")
        return None
    if written is None:
        fm.report("VB207", "date", f"Ngày ban hành '{text}' không tồn tại: {expected}")
        return None
    year, month, day = written.year, written.month, written.day
    if year < 1945:
        fm.report("VB208", "date", f"Năm ban hành {year} trước 1945: kiểm tra lại năm (gõ nhầm?), ví dụ date: 2023-01-04.")
        return None
    today = today_in_vietnam()
    if written.sort_key()[: 3 if day else 2 if month else 1] > (today.year, today.month, today.day)[: 3 if day else 2 if month else 1]:
        fm.report("VB209", "date", f"Ngày ban hành {written.display()} ở sau hôm nay ({today:%d/%m/%Y}): "
                                   "văn bản trong kho phải đã ban hành; kiểm tra lại ngày, tháng, năm (gõ nhầm?).")
        return None
    return written


def read_text(fm: FrontMatter, key: str) -> str | None:
    raw = fm.data.get(key)
    if blank(raw):
        return None
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        fm.report("VB210", key, f"Trường '{key}' phải là một dòng chữ, không phải {kind_of(raw)}: đặt cả giá trị "
                                "trong ngoặc kép trên một dòng.")
        return None
    text = " ".join(str(raw).split())
    if len(text) > 2000:
        fm.report("VB210", key, f"Trường '{key}' dài {len(text)} ký tự: tối đa 2000; chỉ ghi trích yếu, toàn văn "
                                "đặt dưới phần thông tin.")
        return None
    return text


def read_subject(fm: FrontMatter) -> str | None:
    # The trích yếu is stored without the "V/v" that công văn print before it; pages add it back.
    text = read_text(fm, "subject")
    if text and text[:3].lower() == "v/v":
        text = text[3:].lstrip(" :") or None
        if text is None:
            fm.report("VB211", "subject", "Trích yếu chỉ có 'V/v': ghi nội dung trích yếu sau 'V/v', "
                                          "ví dụ subject: \"V/v tuyên truyền cải cách hành chính\".")
    return text


def read_slug(fm: FrontMatter, number: DocumentNumber | None) -> str | None:
    raw = fm.data.get("slug")
    if blank(raw):
        if number is not None and not number.is_numbered:
            fm.report("VB212", "slug", f"Văn bản chưa ghi số ('{number}') cần trường 'slug' để có đường dẫn cố định: "
                                         f"thêm dòng slug: {number.slug}-<vài-chữ-của-trích-yếu>, "
                                       "ví dụ slug: stttt-ttbcxb-tuyen-truyen-cchc.", line_of="number")
        return None
    slug = str(raw)
    if not _SLUG.match(slug) or len(slug) > 120:
        fm.report("VB213", "slug", f"slug '{slug}' không hợp lệ: chỉ dùng chữ thường không dấu, số và dấu '-' "
                                   "(tối đa 120 ký tự), ví dụ slug: 1562-ubnd-kt.")
        return None
    return slug


def read_bool(fm: FrontMatter, key: str) -> bool:
    raw = fm.data.get(key, False)
    if not isinstance(raw, bool):
        fm.report("VB214", key, f"Trường '{key}' phải là true hoặc false, không phải '{raw}': ghi {key}: true.")
        return False
    return raw


def read_str_list(fm: FrontMatter, key: str) -> tuple[str, ...]:
    raw = fm.data.get(key)
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if isinstance(raw, list):
        raw = [x for x in raw if x is not None]  # an empty "- " line (or one of invisible characters)
    if not isinstance(raw, list) or not all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in raw):
        fm.report("VB215", key, f"Trường '{key}' phải là danh sách các dòng chữ: mỗi dòng bắt đầu bằng '- ', "
                                "dòng có dấu ':' đặt trong ngoặc kép (ví dụ - \"Lưu: VT\").")
        return ()
    return tuple(" ".join(str(x).split()) for x in raw if str(x).strip())


def read_topics(fm: FrontMatter) -> tuple:
    topics = []
    for i, key in enumerate(read_str_list(fm, "topics")):
        topic = fm.registries.topics.get(key)
        if topic is None:
            fm.report("VB231", f"topics[{i}]", f"Không có lĩnh vực '{key}' trong danh mục lĩnh vực "
                                               f"(directives/{REGISTRY_DIR}/topics.yml): dùng một trong "
                                               f"{', '.join(fm.registries.topics.keys())}, hoặc thêm mục mới.")
        elif topic not in topics:
            topics.append(topic)
    return tuple(topics)


def read_aliases(fm: FrontMatter) -> tuple[str, ...]:
    aliases = []
    for i, alias in enumerate(read_str_list(fm, "aliases")):
        clean = alias.strip().strip("/")
        if not clean or ".." in clean.split("/") or "://" in alias or not re.match(r"^[\w\-./%]+$", clean):
            fm.report("VB216", f"aliases[{i}]", f"Đường dẫn cũ '{alias}' không hợp lệ: ghi dạng /van-ban/2023/ten-cu/ "
                                                "(đường dẫn trong trang, không có tên miền).")
            continue
        aliases.append(clean + ("/" if "." not in clean.rsplit("/", 1)[-1] else ""))
    return tuple(aliases)


def read_status(fm: FrontMatter) -> str | None:
    raw = fm.data.get("status")
    if blank(raw):
        return None
    if str(raw) == "chua-co-hieu-luc":
        fm.report("VB217", "status", "Không ghi 'status: chua-co-hieu-luc' (sẽ sai ngay khi văn bản có hiệu lực): "
                                     "ghi ngày có hiệu lực, ví dụ effective_from: 2025-07-01; trang tự tính tình trạng.")
        return None
    if str(raw) not in WRITTEN_STATUSES:
        fm.report("VB217", "status", f"Tình trạng '{raw}' không hợp lệ: dùng một trong {', '.join(WRITTEN_STATUSES)}.")
        return None
    return str(raw)


def check_number_agrees(fm: FrontMatter, number: DocumentNumber, doc_type: DocType | None, issuer: Issuer | None) -> None:
    """The ký hiệu names the type (its abbreviation, none for công văn) and the issuer (its `abbr`)."""
    parts = [_upper(p) for p in number.symbol_parts]
    first = parts[0]
    issuer_abbr = _upper(issuer.abbr) if issuer is not None and issuer.abbr else ""
    by_abbr = {_upper(t.abbr): t for t in fm.registries.types if t.abbr}
    issuer_part: str | None = None
    if doc_type is not None and doc_type.abbr:
        own = _upper(doc_type.abbr)
        if first == own or first in _COPY_ABBREVIATIONS:
            issuer_part = parts[1] if len(parts) > 1 else None
        elif first in by_abbr and first != issuer_abbr:
            other = by_abbr[first]
            fm.report("VB301", "number", f"Ký hiệu '{number.symbol}' bắt đầu bằng '{number.symbol_parts[0]}' của loại "
                                         f"{other.name}, nhưng type: {doc_type.key} ({doc_type.name}, viết tắt "
                                         f"{doc_type.abbr}): sửa số ký hiệu, hoặc ghi type: {other.key}.")
            return
        elif first in _OLD_ABBREVIATIONS:
            _old_abbreviation(fm, number, first)
            return
        elif first == issuer_abbr:
            fm.report("VB301", "number", f"Số ký hiệu '{number}' không có chữ viết tắt loại văn bản (dạng của công văn), "
                                         f"nhưng type: {doc_type.key}: {doc_type.name} ghi '{doc_type.abbr}-{issuer.abbr}', "
                                         "ví dụ " + f"02/{doc_type.abbr}-{issuer.abbr}; hoặc ghi type: cong-van.")
            return
        else:
            _unknown_abbreviation(fm, number, doc_type)
            return
    elif doc_type is not None:
        # Công văn and thư công carry no type abbreviation: the ký hiệu starts with the issuer.
        if first in by_abbr and first != issuer_abbr and len(parts) > 1:
            other = by_abbr[first]
            fm.report("VB301", "number", f"Ký hiệu '{number.symbol}' bắt đầu bằng '{number.symbol_parts[0]}' của loại "
                                         f"{other.name}, nhưng type: {doc_type.key} ({doc_type.name} không có chữ viết "
                                         f"tắt loại, dạng 1562/UBND-KT): ghi type: {other.key}, hoặc sửa số ký hiệu.")
            return
        if first in _OLD_ABBREVIATIONS and len(parts) > 1:
            _old_abbreviation(fm, number, first)
            return
        if first != issuer_abbr and len(parts) > 1 and parts[1] == issuer_abbr:
            fm.report("VB302", "number", f"Chữ viết tắt '{number.symbol_parts[0]}' trong '{number}' không có trong danh mục "
                                         f"loại văn bản (directives/{REGISTRY_DIR}/types.yml), và {doc_type.name} không "
                                         f"có chữ viết tắt loại: ký hiệu bắt đầu bằng cơ quan ban hành, ví dụ "
                                         f"1562/{issuer.abbr}-VP. Sửa số ký hiệu, hoặc ghi đúng type, hoặc thêm loại mới "
                                         "vào danh mục.")
            return
        if doc_type.legal_normative:
            return  # laws: "80/2015/QH13" — the issuer's part carries the legislature's term
        issuer_part = first
    if issuer is None or not issuer_abbr:
        return
    if issuer_part is None:
        fm.report("VB303", "number", f"Số ký hiệu '{number}' thiếu phần cơ quan ban hành: ghi thêm '-{issuer.abbr}', "
                                     f"ví dụ {number}-{issuer.abbr}.")
    elif issuer_part != issuer_abbr:
        fm.report("VB303", "number", f"Phần cơ quan '{issuer_part}' trong số ký hiệu '{number}' không khớp chữ viết tắt "
                                     f"'{issuer.abbr}' của cơ quan ban hành {issuer.key} ({issuer.name}): sửa số ký hiệu "
                                     f"hoặc trường issuer (hoặc sửa 'abbr' trong danh mục cơ quan).")


def _old_abbreviation(fm: FrontMatter, number: DocumentNumber, first: str) -> None:
    fm.report("VB302", "number", f"Chữ viết tắt '{number.symbol_parts[0]}' trong '{number}' là cách viết cũ (Thông tư "
                                 f"01/2011/TT-BNV); Nghị định 30/2020/NĐ-CP dùng '{_OLD_ABBREVIATIONS[first]}': ghi đúng "
                                 "như bản gốc, và nếu bản gốc ghi cách cũ thì thêm loại đó vào danh mục loại văn bản.")


def _unknown_abbreviation(fm: FrontMatter, number: DocumentNumber, doc_type: DocType) -> None:
    fm.report("VB302", "number", f"Chữ viết tắt '{number.symbol_parts[0]}' trong '{number}' không có trong danh mục loại "
                                 f"văn bản (directives/{REGISTRY_DIR}/types.yml); {doc_type.name} viết tắt "
                                 f"'{doc_type.abbr}' theo Nghị định 30/2020/NĐ-CP: sửa số ký hiệu, hoặc thêm loại mới "
                                 "vào danh mục.")


def _upper(text: str) -> str:
    return text.upper().replace("Ð", "Đ")
