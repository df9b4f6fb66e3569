"""Directive files must be real files of the repository: a symbolic link under `directives/` that
points outside it would publish a file nobody reviewed in the repository (a page, its JSON, CSV,
feeds and search entry). Such a link, to a file or a folder, is an error naming it; links that stay
inside the repository are left to the loader. (Attachments are checked by the loader itself.)
"""

from __future__ import annotations

import os
from pathlib import Path

from .problems import Problem
from .rules import problem

__all__ = ["links_outside"]


def links_outside(directives_dir: Path, root: Path) -> tuple[set[Path], list[Problem]]:
    """The directive files reached through a link that leaves `root`, and one error per such link."""
    repository = root.resolve()
    refused: set[Path] = set()
    problems: list[Problem] = []
    for folder, dirs, files in os.walk(directives_dir):
        # os.walk reads each folder with scandir, which knows a link without a stat per file (a
        # stat each cost a preview rebuild of 10 000 directives 0.3 s).
        with os.scandir(folder) as entries:
            links = {e.name for e in entries if e.is_symlink()}
        for name in sorted(dirs) + sorted(files):
            if name not in links:
                continue
            path = Path(folder, name)
            try:
                target = path.resolve()
            except (OSError, RuntimeError):  # a loop of links
                target = None
            if target is not None and target.is_relative_to(repository):
                continue
            shown = _relative(path, root)
            if name.endswith(".md") or path.is_dir():
                problems.append(problem("VB115", shown, f"'{shown}' là liên kết tượng trưng (symlink) trỏ ra ngoài kho "
                                               f"({target or 'vòng lặp liên kết'}): văn bản không được đăng. "
                                               "Chép tệp thật vào thư mục directives/ rồi commit."))
            refused.add(path)
    return refused, problems


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
