"""`vanban new`: an empty directive for a type and an issuer, with the next free file name.

Every field staff must still fill is an explicit ``TODO`` value, so `vanban check` lists exactly
those and nothing else. The number is never filled in: only the văn thư assigns it; the next
running number of that type and issuer in that year is offered in a comment and in the file name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import yaml

from .model import Directive
from .registry import DocType, Issuer
from .text import fold, slugify

__all__ = ["Scaffold", "scaffold", "next_numeral", "expected_symbol"]


@dataclass
class Scaffold:
    text: str
    file_stem: str
    suggested_number: str


def expected_symbol(doc_type: DocType, issuer: Issuer) -> str:
    """"KH-STTTT" for a kế hoạch; a công văn carries the issuer then the drafting unit: "STTTT-…"."""
    return f"{doc_type.abbr}-{issuer.abbr}" if doc_type.abbr else f"{issuer.abbr}-"


def next_numeral(directives: Iterable[Directive], doc_type: DocType, issuer: Issuer, year: int) -> int:
    """One more than the highest number of this type and issuer in that year (numbers restart each year)."""
    highest = 0
    for d in directives:
        if d.type.key != doc_type.key or d.issuer.key != issuer.key or not d.date or d.date.year != year:
            continue
        if d.number.numeral and d.number.numeral.isdigit():
            highest = max(highest, int(d.number.numeral))
    return highest + 1


def scaffold(doc_type: DocType, issuer: Issuer, year: int, numeral: int) -> Scaffold:
    symbol = expected_symbol(doc_type, issuer)
    suggested = f"{numeral:02d}/{symbol}" + ("…" if symbol.endswith("-") else "")
    stem = slugify(f"{numeral:02d}-{symbol.rstrip('-')}")
    front: list[tuple[str, object, str]] = [
        ("number", f"TODO: số ký hiệu do văn thư cấp, ví dụ {suggested}",
         f"Số tiếp theo trong kho: {suggested}. Chỉ điền số đã ghi trên bản gốc."),
        ("type", doc_type.key, ""),
        ("date", f"TODO: ngày ban hành dạng năm-tháng-ngày, ví dụ {year}-01-31", ""),
        ("issuer", issuer.key, ""),
        ("subject", "TODO: trích yếu" + (" (sau chữ V/v)" if doc_type.key == "cong-van" else ""), ""),
        ("signer", {"form": "TODO: hình thức ký như KT. GIÁM ĐỐC (để trống \"\" nếu người đứng đầu ký)",
                    "position": "TODO: chức vụ", "name": "TODO: họ tên người ký"}, ""),
    ]
    if doc_type.key == "cong-van":
        front.append(("recipients", ["TODO: nơi được kính gửi"], "Kính gửi: mỗi dòng một nơi."))
    front.append(("distribution", ["TODO: nơi nhận", "Lưu: VT"], "Nơi nhận: mỗi dòng một nơi."))
    front.append(("topics", [], "Lĩnh vực (không bắt buộc): khóa trong directives/_registries/topics.yml."))
    out = ["---", f"# Tạo bằng `vanban new` ({doc_type.name}, {issuer.name}, năm {year}): "
                  "điền mọi giá trị TODO theo bản gốc, rồi chạy `vanban check`."]
    for key, value, comment in front:
        if comment:
            out.append(f"# {comment}")
        out.append(yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=100000,
                                   default_flow_style=False).rstrip("\n"))
    out.append("---")
    body = "\n\nDán toàn văn vào đây (các mục 1., 2. viết thành tiêu đề `### 1. …`, gạch đầu dòng bằng `- `).\n"
    return Scaffold("\n".join(out) + body, stem, suggested)


def find_entry(entries: Iterable, wanted: str):
    """A registry entry by key, name or abbreviation, ignoring case and diacritics."""
    wanted_f = fold(wanted).strip()
    for entry in entries:
        names = {entry.key, fold(entry.name), fold(getattr(entry, "abbr", "") or "") or None, fold(getattr(entry, "short", "") or "") or None}
        if wanted_f in names or wanted == entry.key:
            return entry
    return None


def free_path(folder: Path, stem: str) -> Path:
    """`folder/stem.md`, or `stem-2.md`… if taken: `new` never overwrites."""
    path = folder / f"{stem}.md"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}.md"
        n += 1
    return path
