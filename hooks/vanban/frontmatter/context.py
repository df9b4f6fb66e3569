"""`FrontMatter`: one file's parsed front matter, the line of every field and sub-field, and the
problems found while reading it (each with its rule's code, the field and its line)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..problems import Problem
from ..registry import Registries
from ..rules import problem

__all__ = ["FrontMatter", "blank", "kind_of"]

_LAST_PART = re.compile(r"(?:\.[^.\[]+|\[\d+\])$")


class FrontMatter:
    """What the field readers share: the data, where each key is, and the problems reported so far."""

    def __init__(self, path: Path, shown: str, data: dict, lines: dict[str, int], registries: Registries) -> None:
        self.path = path
        self.shown = shown
        self.data = {str(k): v for k, v in data.items()}
        self.lines = lines
        """"signer.name", "relations.based_on[0]" → line in the file (the opening '---' is line 1)."""
        self.registries = registries
        self.problems: list[Problem] = []
        self.todo_keys: set[str] = set()

    def line_of(self, key: str) -> int | None:
        """The line of `key`, else of the nearest enclosing key that has one."""
        while key:
            if key in self.lines:
                return self.lines[key]
            shorter = _LAST_PART.sub("", key)
            if shorter == key:
                break
            key = shorter
        return None

    def report(self, code: str, key: str, message: str, line_of: str | None = None) -> None:
        """A problem of rule `code` about field `key`, at the line of `key` (or of `line_of`, for a
        field that is missing: the line it is needed by)."""
        if any(key == todo or key.startswith(todo + ".") or key.startswith(todo + "[") for todo in self.todo_keys):
            return  # already reported once as "not filled in": one line per field staff must fill
        self.problems.append(problem(code, self.shown, message, field=key, line=self.line_of(line_of or key)))

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def kind_of(value: Any) -> str:
    return {dict: "một nhóm trường", list: "một danh sách", bool: "true/false"}.get(type(value), "một " + type(value).__name__)
