"""`Problem`: one thing wrong with the staff's input, reported as one line they can act on.

Which problems exist, their codes and severities are decided in one place, `rules.py`; this module
only holds the record and its two renderings (a text line, a JSON object).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Problem", "ERROR", "WARNING"]

ERROR: Literal["error"] = "error"
WARNING: Literal["warning"] = "warning"

_LABELS = {ERROR: "lỗi", WARNING: "cảnh báo"}


@dataclass(frozen=True)
class Problem:
    """A problem in one file; `message` says what was found and what to write, in Vietnamese."""

    path: str
    """Path of the file, relative to the project (as staff see it in git)."""
    message: str
    field: str | None = None
    """Front-matter key concerned ("date", "signer.name", "relations.based_on[0]"), or None for the whole file."""
    line: int | None = None
    severity: Literal["error", "warning"] = ERROR
    strict: bool = True
    """Whether `--strict` (of `vanban check` and of `mkdocs build`) makes this warning an error.
    False for what staff cannot always fix, such as a citation of a national decree the archive
    does not hold."""
    code: str = ""
    """Stable code of the rule (`rules.RULES`), e.g. "VB301"; documented in the staff's field reference."""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def format(self) -> str:
        """One line: ``path:line: lỗi VB204 [field]: message``."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        code = f" {self.code}" if self.code else ""
        what = f" [{self.field}]" if self.field else ""
        return f"{where}: {_LABELS[self.severity]}{code}{what}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "path": self.path,
            "line": self.line,
            "field": self.field,
            "severity": self.severity,
            "message": self.message,
        }
