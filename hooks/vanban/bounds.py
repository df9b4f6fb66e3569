"""Bounds on every value of a front matter, checked before any field is read.

YAML accepts what no directive needs: integers of thousands of digits (Python refuses to turn one of
more than 4 300 digits into text, and the build died with a `ValueError` naming no file), lists nested
hundreds deep, keys and values of megabytes. Such a value is an error naming the file, the line of
its top-level field and the field; the file yields no directive.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .problems import Problem
from .rules import problem

__all__ = ["MAX_DEPTH", "MAX_ITEMS", "MAX_KEY", "MAX_TEXT", "MAX_INTEGER", "check_bounds", "huge_number"]

MAX_DEPTH = 5
"""Levels of lists and groups under a top-level field (`attachments: [{file: …}]` uses two)."""
MAX_ITEMS = 1000
"""Entries of one list or group (recipients, attachments, relations…)."""
MAX_KEY = 100
MAX_TEXT = 20_000
"""Characters of one value (the subject has its own, smaller limit)."""
MAX_INTEGER = 10**12

_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:", re.MULTILINE)
_LONG_DIGITS = re.compile(r"\d{100,}")


def check_bounds(data: dict, shown: str, front: str) -> list[Problem]:
    """One error per value past a bound (at most one per top-level field)."""
    lines = {m.group(1): front.count("\n", 0, m.start()) + 2 for m in _TOP_KEY.finditer(front)}
    problems = []
    for key, value in data.items():
        name = str(key)
        message = _key_problem(key) or _value_problem(value)
        if message:
            problems.append(problem("VB113", shown, message, field=name[:MAX_KEY] + ("…" if len(name) > MAX_KEY else ""),
                                    line=lines.get(name)))
    return problems


def huge_number(shown: str, front: str) -> Problem:
    """The error for an integer YAML could not even read (more than 4 300 digits)."""
    match = _LONG_DIGITS.search(front)
    line = front.count("\n", 0, match.start()) + 2 if match else None
    key = None
    if match:
        keys = [m for m in _TOP_KEY.finditer(front) if m.start() <= match.start()]
        key = keys[-1].group(1) if keys else None
    return problem("VB114", shown, "Số quá lớn (hàng nghìn chữ số): ghi đúng giá trị theo bản gốc, hoặc đặt trong ngoặc kép "
                          "nếu đó là chữ.", field=key, line=line)


def _key_problem(key: Any) -> str | None:
    if len(str(key)) > MAX_KEY:
        return f"Tên trường dài {len(str(key))} ký tự: tối đa {MAX_KEY}."
    return None


def _value_problem(value: Any) -> str | None:
    # Walked with a stack, not recursion: the nesting itself is what is being bounded.
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"Giá trị lồng nhau quá sâu (hơn {MAX_DEPTH} cấp danh sách hoặc nhóm trường)."
        if isinstance(item, bool) or item is None:
            continue
        if isinstance(item, int):
            if not -MAX_INTEGER < item < MAX_INTEGER:
                return f"Số quá lớn ({_digits(item)} chữ số): tối đa {len(str(MAX_INTEGER)) - 1} chữ số."
        elif isinstance(item, float):
            if not math.isfinite(item) or abs(item) >= MAX_INTEGER:
                return "Số quá lớn hoặc không xác định (.inf, .nan): ghi đúng giá trị theo bản gốc."
        elif isinstance(item, str):
            if len(item) > MAX_TEXT:
                return f"Giá trị dài {len(item)} ký tự: tối đa {MAX_TEXT}."
        elif isinstance(item, (list, dict)):
            if len(item) > MAX_ITEMS:
                return f"Danh sách có {len(item)} mục: tối đa {MAX_ITEMS}."
            for key in item if isinstance(item, dict) else ():
                message = _key_problem(key)
                if message:
                    return message
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return None


def _digits(n: int) -> int:
    # len(str(n)) fails past 4 300 digits; the bit length gives the count within one.
    return max(1, int(abs(n).bit_length() * 0.30103) + 1)
