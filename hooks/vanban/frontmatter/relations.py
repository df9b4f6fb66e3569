"""The `relations:` groups (based_on, implements, replaces, amends, repeals) and references by number.

An item is a number ("30/2020/NĐ-CP"), or `{number:, year:}` when the number alone is ambiguous, or
`{number:, issuer:}` for a document of another body that the archive will not hold: declared
external, it is shown without a link and never reported as missing.
"""

from __future__ import annotations

from typing import Any

from ..model import RELATIONS, RelationRef
from ..numbers import DocumentNumber, NumberError
from ..registry import REGISTRY_DIR
from .context import FrontMatter

__all__ = ["read_relations", "read_ref", "RELATION_KINDS"]

# Relation keys accepted under `relations:` and their Vietnamese labels.
RELATION_KINDS = {key: predicate.label for key, predicate in RELATIONS.items() if predicate.written}

_ITEM_KEYS = ("number", "year", "issuer")


def read_relations(fm: FrontMatter) -> tuple[RelationRef, ...]:
    raw = fm.data.get("relations")
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        fm.report("VB504", "relations", "Trường 'relations' cần các khóa " + ", ".join(RELATION_KINDS) +
                  " (mỗi khóa một dòng, thụt vào 2 dấu cách), mỗi khóa là danh sách số ký hiệu, "
                  "ví dụ based_on: [30/2020/NĐ-CP].")
        return ()
    refs = []
    for kind, items in raw.items():
        if kind not in RELATION_KINDS:
            fm.report("VB505", f"relations.{kind}", f"Quan hệ '{kind}' không hợp lệ: dùng một trong {', '.join(RELATION_KINDS)}.")
            continue
        if items is None:
            continue  # "amends:" left empty
        for i, item in enumerate(items if isinstance(items, list) else [items]):
            key = f"relations.{kind}[{i}]"
            if isinstance(item, dict):
                for k in item:
                    if k not in _ITEM_KEYS:
                        fm.report("VB506", f"{key}.{k}", f"Trường lạ '{k}' trong mục quan hệ: chỉ dùng number, year, issuer, "
                                                         "ví dụ {number: 749/QĐ-TTg, issuer: thu-tuong}.")
                ref = read_ref(fm, item.get("number"), item.get("year"), item.get("issuer"), key, kind)
            else:
                ref = read_ref(fm, item, None, None, key, kind)
            if ref:
                refs.append(ref)
    return tuple(refs)


def read_ref(fm: FrontMatter, number: Any, year: Any, issuer: Any, key: str, kind: str) -> RelationRef | None:
    """A reference by number (and year, and the issuer of a document outside the archive)."""
    try:
        parsed = DocumentNumber.parse(str(number))
    except NumberError:
        fm.report("VB506", key, f"'{number}' không phải số ký hiệu văn bản: ghi số như trên bản gốc, ví dụ 02/KH-UBND "
                                "hoặc {number: 02/KH-UBND, year: 2023}.")
        return None
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 1945 <= year <= 2100):
        fm.report("VB507", key + ".year", f"Năm '{year}' không hợp lệ: ghi năm ban hành bằng số, ví dụ year: 2023.")
        return None
    entry = None
    if issuer is not None:
        entry = fm.registries.issuers.get(str(issuer))
        if entry is None:
            fm.report("VB508", key + ".issuer", f"Không có cơ quan '{issuer}' trong danh mục cơ quan ban hành "
                                                f"(directives/{REGISTRY_DIR}/issuers.yml): dùng một trong "
                                                f"{', '.join(fm.registries.issuers.keys())}, hoặc thêm cơ quan đó vào danh mục.")
            return None
    return RelationRef(number=parsed, year=year, kind=kind, issuer=entry, line=fm.line_of(key))
