"""The real-document corpus of `vanban import` and how an imported field is scored against it.

`tests/fixtures/import/real/NAME.txt` is a provincial document's text as a portal, a legal-text site or
a crawl shows it; `NAME.yml` beside it states what a careful clerk reads in it. `NAME.pdf`, `NAME.docx`
and `NAME.png` (made by `make_real_forms.py`) are its signed-PDF, Word and scanned forms.

A field scores *right*, *todo* (left for staff, honestly) or *wrong* (a value that is not the
document's: the one outcome the importer must never produce). Expected values written `TODO …` are
fields whose right answer IS a TODO: an issuer outside the registry (the TODO must quote the printed
name), a type outside the registry, a number the copy does not carry.

Text is compared the way a reader would: case, spacing, quote style and a leading "V/v"/"Về việc"
do not matter; every letter and tone mark does.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REAL = Path(__file__).resolve().parent / "fixtures" / "import" / "real"
FIELDS = ("number", "date", "type", "issuer", "subject", "signer_form", "signer_position", "signer_name", "signer")
FORMATS = {"text": ".txt", "pdf": ".pdf", "docx": ".docx", "scan": ".png"}


@dataclass(frozen=True)
class Case:
    name: str
    expected: dict[str, Any]

    def source(self, fmt: str) -> Path:
        return REAL / f"{self.name}{FORMATS[fmt]}"


def cases() -> list[Case]:
    return [Case(p.stem, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in sorted(REAL.glob("*.yml"))]


def is_todo(value: Any) -> bool:
    return isinstance(value, str) and value.strip().upper().startswith("TODO")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def _plain(text: Any) -> str:
    """Reader's comparison form: NFC, lower-case, no spaces, one quote style, no leading V/v."""
    text = unicodedata.normalize("NFC", str(text)).lower()
    text = re.sub(r"^\s*(?:v/v|về việc)\s*:?\s*", "", text)
    text = re.sub("[“”„\"'‘’]", '"', text)
    return re.sub(r"\s+", "", text).rstrip(".")


def _number(text: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", str(text))).replace("Ð", "Đ").upper()


def score(field: str, expected: Any, front: dict[str, Any]) -> str:
    """'right', 'todo' or 'wrong' for one field of one imported document."""
    signer = front.get("signer") if isinstance(front.get("signer"), dict) else {}
    if field == "signer":  # the copy has no signature: nothing may be invented there
        shown = [v for v in (signer or {}).values() if v and not is_todo(v)]
        return "wrong" if shown else "right"
    if field.startswith("signer_") and not signer:
        return "todo"  # no signature read at all: the report asks staff to fill it in
    got = signer.get(field.split("_", 1)[1]) if field.startswith("signer_") else front.get(field)
    got = "" if got is None else got
    if isinstance(expected, str) and is_todo(expected):
        if not is_todo(got):
            return "wrong"
        quoted = expected[4:].strip()
        # An issuer outside the registry is right only when the TODO quotes what was printed.
        return "right" if not quoted or _fold(quoted) in _fold(got) else "todo"
    if is_todo(got):
        return "todo"
    expected = "" if expected is None else expected
    if field == "number":
        same = _number(got) == _number(expected)
    elif field == "date":
        same = str(got) == str(expected)
    elif field in ("type", "issuer"):
        same = got == expected
    else:
        same = _plain(got) == _plain(expected)
    return "right" if same else "wrong"


def expected_fields(case: Case) -> list[str]:
    has_signer = any(k.startswith("signer_") for k in case.expected)
    return [f for f in FIELDS if f in case.expected or (f == "signer" and not has_signer)]


def score_case(case: Case, front: dict[str, Any]) -> dict[str, str]:
    return {f: score(f, case.expected.get(f), front) for f in expected_fields(case)}
