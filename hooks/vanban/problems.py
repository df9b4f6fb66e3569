"""`Problem`: one thing wrong with the staff's input, reported as one line they can act on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Problem", "ERROR", "WARNING"]

ERROR: Literal["error"] = "error"
WARNING: Literal["warning"] = "warning"

_LABELS = {ERROR: "lỗi", WARNING: "cảnh báo"}


@dataclass(frozen=True)
class Problem:
    """A problem in one file; `message` says what was found and what is expected, in Vietnamese."""

    path: str
    """Path of the file, relative to the project (as staff see it in git)."""
    message: str
    field: str | None = None
    """Front-matter key concerned ("date", "signer.name"), or None for the whole file."""
    line: int | None = None
    severity: Literal["error", "warning"] = ERROR
    strict: bool = True
    """Whether `--strict` makes this warning an error. False for what staff cannot always fix, such as
    a citation of a national decree the archive does not hold."""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def format(self) -> str:
        """One line: ``path:line: lỗi [field]: message``."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        what = f" [{self.field}]" if self.field else ""
        return f"{where}: {_LABELS[self.severity]}{what}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "field": self.field,
            "severity": self.severity,
            "message": self.message,
        }
