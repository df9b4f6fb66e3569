"""Loading a whole archive from disk: registries, directives, cross-file checks. No MkDocs here."""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .archive import Archive, build_archive
from .cache import cache_dir_for, stage_key
from .crossrefs import load_scans, save_scans
from .loader import LoadMemo, load_directives
from .problems import Problem
from .registry import load_registries

__all__ = ["LoadedArchive", "load_archive", "load_archive_kept", "directives_dir_for", "LOAD_MEMO", "SCAN_MEMO", "memo_stamp"]

LOAD_MEMO = "loaded.pickle"
"""The directives of the last load, in the cache folder (`LoadMemo`), shared by builds and `vanban check`."""
SCAN_MEMO = "citations.pickle"
"""The citations found in each directive's body (`vanban.crossrefs.save_scans`)."""


@dataclass
class LoadedArchive:
    archive: Archive
    problems: list[Problem] = field(default_factory=list)
    failed: dict[str, str | None] = field(default_factory=dict)
    """Files with errors → the address each asks for, when its fields tell (`LoadResult.failed`)."""

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
    return LoadedArchive(archive, problems, result.failed)


def memo_stamp(root: Path, directives_dir: Path) -> str:
    """What the kept load memo and citation scans depend on besides the files: the loading code
    (its stage key, not the whole project's), Python, the folders. `vanban check` and the build
    both use this stamp: with two stamps each rewrote the memo the other had kept, and every
    check after a build (or build after a check) read all 10 000 files again (+5 s)."""
    h = hashlib.sha1()
    for part in (stage_key("load"), sys.version, str(root), str(directives_dir)):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()


def load_archive_kept(directives_dir: Path, root: Path, progress: Callable[[int], None] | None = None) -> LoadedArchive:
    """`load_archive` reusing, from the cache folder, the directives of an earlier build or check
    whose files are unchanged (and keeping this load for the next): `vanban check FILE` then reads
    only the files that changed."""
    cache = cache_dir_for(root)
    if cache is None:
        return load_archive(directives_dir, root, progress=progress)
    stamp = memo_stamp(root, directives_dir)
    memo = LoadMemo.read(cache / LOAD_MEMO, stamp)
    load_scans(cache / SCAN_MEMO, stamp)
    loaded = load_archive(directives_dir, root, progress=progress, memo=memo)
    memo.write(cache / LOAD_MEMO, stamp)
    save_scans(cache / SCAN_MEMO, stamp, loaded.archive)
    return loaded
