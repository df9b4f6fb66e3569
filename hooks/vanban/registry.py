"""Registries staff can extend: document types, issuers and topics (YAML files in `directives/_registries/`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Iterator, TypeVar

import yaml

from .problems import Problem
from .rules import problem
from .text import normalize

__all__ = ["DocType", "Issuer", "Topic", "Registries", "load_registries", "REGISTRY_DIR"]

REGISTRY_DIR = "_registries"


@dataclass(frozen=True, slots=True)
class DocType:
    key: str
    name: str
    """"Kế hoạch"."""
    abbr: str
    """Abbreviation in the ký hiệu ("KH"); empty for công văn."""
    legal_normative: bool = False


@dataclass(frozen=True, slots=True)
class Issuer:
    key: str
    name: str
    """Full name: "Ủy ban nhân dân tỉnh Lạng Sơn"."""
    short: str
    """Name used in running text: "UBND tỉnh"."""
    abbr: str
    """Abbreviation used in numbers: "UBND"."""
    place: str = ""


@dataclass(frozen=True, slots=True)
class Topic:
    key: str
    name: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    """Phrases that suggest this topic when importing a document (the name's parts if empty)."""


T = TypeVar("T")


class Registry(Generic[T]):
    """Entries of one registry by key, in file order."""

    def __init__(self, label: str, entries: dict[str, T]) -> None:
        self.label = label
        self._entries = entries

    def get(self, key: str) -> T | None:
        return self._entries.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[T]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def keys(self) -> list[str]:
        return list(self._entries)


@dataclass
class Registries:
    types: Registry[DocType]
    issuers: Registry[Issuer]
    topics: Registry[Topic]
    files: tuple[Path, ...] = ()
    """The YAML files read, so a cache or a file watcher can depend on them."""


_SPECS: dict[str, tuple[str, type, dict[str, bool]]] = {
    # file stem: (Vietnamese label, entry class, {field: required})
    "types": ("loại văn bản", DocType, {"name": True, "abbr": False, "legal_normative": False}),
    "issuers": ("cơ quan ban hành", Issuer, {"name": True, "short": True, "abbr": True, "place": False}),
    "topics": ("lĩnh vực", Topic, {"name": True, "description": False, "keywords": False}),
}


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when present: every `vanban` command and build reads the registries."""


def load_registries(directives_dir: Path, root: Path | None = None) -> tuple[Registries, list[Problem]]:
    """Read the three registry files; every malformed entry is a problem, valid ones are kept."""
    folder = directives_dir / REGISTRY_DIR
    problems: list[Problem] = []
    loaded: dict[str, Registry] = {}
    files = []
    for stem, (label, cls, fields) in _SPECS.items():
        path = folder / f"{stem}.yml"
        shown = _display(path, root)
        entries: dict = {}
        if not path.exists():
            problems.append(problem("VB601", shown, f"Không tìm thấy tệp danh mục {label}: tạo tệp này (chép từ "
                                                    "directives/_registries/ của kho mẫu)."))
        else:
            files.append(path)
            entries = _read_entries(path, shown, label, cls, fields, problems)
        loaded[stem] = Registry(label, entries)
    return Registries(loaded["types"], loaded["issuers"], loaded["topics"], tuple(files)), problems


def _read_entries(path: Path, shown: str, label: str, cls: type, fields: dict[str, bool], problems: list[Problem]) -> dict:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}  # noqa: S506 - a safe loader
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        what = "không phải UTF-8: lưu lại tệp với mã hóa UTF-8" if isinstance(exc, UnicodeDecodeError) else (
            "sai cú pháp YAML: kiểm tra dấu ':' sau khóa, thụt lề bằng dấu cách (không dùng tab) và ngoặc kép")
        problems.append(problem("VB602", shown, f"Tệp danh mục {label} {what}.", line=line + 1 if line is not None else None))
        return {}
    if not isinstance(data, dict):
        problems.append(problem("VB602", shown, f"Danh mục {label} phải là các mục dạng `khóa: {{name: …}}`.", line=1))
        return {}
    lines = _key_lines(path)
    entries = {}
    for key, value in data.items():
        key = str(key)
        if not isinstance(value, dict):
            problems.append(problem("VB603", shown, f"Mục '{key}' phải có các trường {', '.join(fields)}.", field=key,
                                    line=lines.get(key)))
            continue
        missing = [f for f, required in fields.items() if required and not value.get(f)]
        unknown = [f for f in value if f not in fields]
        if missing or unknown:
            detail = (f"thiếu {', '.join(missing)}" if missing else "") + (
                f"{'; ' if missing else ''}trường lạ {', '.join(map(str, unknown))}" if unknown else "")
            problems.append(problem("VB603", shown, f"Mục '{key}' của danh mục {label}: {detail}.", field=key,
                                    line=lines.get(key)))
            continue
        todo = [f for f, v in value.items() if isinstance(v, str) and v.strip().upper().startswith("TODO")]
        if todo:  # an entry `vanban import` proposed, pasted before its TODO was filled in
            problems.append(problem("VB603", shown, f"Mục '{key}' của danh mục {label}: {', '.join(todo)} còn TODO — "
                                                    "điền theo bản gốc văn bản.", field=key, line=lines.get(key)))
            continue
        if "keywords" in value and not _is_text_list(value["keywords"]):
            problems.append(problem("VB603", shown, f"Mục '{key}': 'keywords' phải là danh sách cụm từ, ví dụ "
                                                    "[sáp nhập, giải thể thôn].", field=key, line=lines.get(key)))
            continue
        values = {f: (normalize(str(v)) if isinstance(v, str) else v) for f, v in value.items()}
        if "keywords" in values:
            values["keywords"] = tuple(normalize(str(k)) for k in values["keywords"] or ())
        for f, required in fields.items():
            if f not in values and f not in ("legal_normative", "keywords"):
                values[f] = ""
        if "abbr" in values and values["abbr"] is None:
            values["abbr"] = ""
        entries[key] = cls(key=key, **values)
    return entries


def _key_lines(path: Path) -> dict[str, int]:
    """Top-level key → its line, so a problem of an entry names it."""
    found: dict[str, int] = {}
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = re.match(r"^([^\s#:][^:]*):", line)
        if match:
            found.setdefault(match.group(1).strip().strip("'\""), i)
    return found


def _is_text_list(value: object) -> bool:
    return value is None or (isinstance(value, list) and all(isinstance(v, (str, int)) for v in value))


def _display(path: Path, root: Path | None) -> str:
    try:
        return str(path.relative_to(root)) if root else str(path)
    except ValueError:
        return str(path)
