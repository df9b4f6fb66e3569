"""Loading a whole archive from disk: registries, directives, cross-file checks. No MkDocs here."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .archive import Archive, build_archive
from .loader import LoadMemo, load_directives
from .problems import Problem
from .registry import load_registries

__all__ = ["LoadedArchive", "load_archive", "directives_dir_for"]


@dataclass
class LoadedArchive:
    archive: Archive
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def directives_dir_for(project_root: Path) -> Path:
    """`directives/` beside mkdocs.yml, or the folder named by VANBAN_DIRECTIVES (benchmarks, tests)."""
    override = os.environ.get("VANBAN_DIRECTIVES")
    return Path(override).resolve() if override else (project_root / "directives").resolve()


def load_archive(directives_dir: Path, root: Path | None = None,
                 progress: Callable[[int], None] | None = None, memo: LoadMemo | None = None) -> LoadedArchive:
    """Everything `check` and the build need; problems are sorted by file then line."""
    root = root or directives_dir.parent
    registries, problems = load_registries(directives_dir, root)
    if memo is not None:
        registries = memo.same_registries(registries)
    result = load_directives(directives_dir, registries, root, progress=progress, memo=memo)
    archive, archive_problems = build_archive(result.directives, registries)
    problems = problems + result.problems + archive_problems
    problems.sort(key=lambda p: (p.path, p.line or 0))
    return LoadedArchive(archive, problems)
