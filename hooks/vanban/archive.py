"""`Archive`: every loaded directive, indexed by URL and number, with the checks that span files.

A permalink or a number+year pair belongs to one directive only; collisions are errors that name
both files. Lookups by number ignore case, spaces, the look-alike Ð and leading zeros. `links` holds
the cross references (citations, relations, computed status: see `crossrefs.py`).
"""

from __future__ import annotations

import os
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable

from .crossrefs import CrossRefs
from .force import set_forces, stale_statuses
from .model import Directive, RelationRef
from .numbers import DocumentNumber
from .problems import Problem
from .rules import problem
from .text import fold
from .registry import Registries
from .statements import build_date

__all__ = ["Archive", "build_archive", "RESERVED_SEGMENTS"]

# Path segments the listings use under /van-ban/{year}/: a slug may not take them.
RESERVED_SEGMENTS = {"trang"}


@dataclass
class Archive:
    directives: list[Directive]
    """Newest first (date, then numeral), the order of every listing."""
    registries: Registries
    as_of: date = field(default_factory=build_date)
    """The day statuses in force are computed for: the build date (SOURCE_DATE_EPOCH when set)."""

    def __post_init__(self) -> None:
        self.by_url: dict[str, Directive] = {d.url: d for d in self.directives}
        self._by_key: dict[str, list[Directive]] = defaultdict(list)
        self._by_key_year: dict[tuple[str, int | None], list[Directive]] = defaultdict(list)
        for d in self.directives:
            if d.number.is_numbered:
                self._by_key[d.number.key].append(d)
                self._by_key_year[d.number.key, d.year].append(d)
        self.links = CrossRefs(self)
        """Citations, relations and their inverses; sets each directive's `computed_status`."""
        set_forces(self.directives, self.as_of)
        self.listed = [d for d in self.directives if not d.withdrawn]
        """What listings, the home page and feeds show: every directive but the withdrawn ones."""
        self.withdrawn = [d for d in self.directives if d.withdrawn]

    def __len__(self) -> int:
        return len(self.directives)

    def find(self, number: DocumentNumber, year: int | None = None) -> list[Directive]:
        """Directives with this number; of that year when a year is given."""
        # Numerals restart every year: a key alone may name a directive of each year.
        if year is not None:
            return list(self._by_key_year.get((number.key, year), ()))
        return list(self._by_key.get(number.key, ()))

    def resolve(self, ref: RelationRef) -> Directive | None:
        """The one directive a reference names, or None when none or several match (never a guess)."""
        year = ref.year if ref.year is not None else ref.number.year
        found = self.find(ref.number, year)
        return found[0] if len(found) == 1 else None

    def status_of(self, d: Directive) -> str | None:
        """Key of `model.STATUSES` shown for `d` ("bi-thay-the"…): its own `status`, else computed from
        the relations of other directives; None when nothing is known."""
        return d.effective_status

    def group_by(self, key_of) -> dict:
        """Directives grouped by `key_of(directive)` (which may return several keys), keeping order."""
        groups: dict = defaultdict(list)
        for d in self.directives:
            keys = key_of(d)
            for key in keys if isinstance(keys, (list, tuple)) else [keys]:
                groups[key].append(d)
        return groups


def build_archive(directives: Iterable[Directive], registries: Registries,
                  as_of: date | None = None) -> tuple[Archive, list[Problem]]:
    """Sort the directives and report the documents published twice and the addresses taken twice.

    Of two files that are the same document (same number, issuer and year; or, unnumbered, the
    same issuer, year, ký hiệu and subject) or that want the same address, one keeps the address
    and is published — the one already in git, else the older file — and the other is left out
    with one error naming both: nothing else changes, so no other file gets a warning from it.
    `as_of`: the day of the statuses in force (default: the build date).
    """
    directives = sorted(directives, key=lambda d: d.sort_key, reverse=True)
    problems: list[Problem] = []
    left_out: set[int] = set()
    rank = _Seniority(directives)

    def same_document(d: Directive) -> list[str]:
        if d.number.is_numbered:
            return [f"{d.issuer.key} {d.number.key} {d.year}"]
        return [f"{d.issuer.key} {d.number.key} {d.year} {fold(d.subject)}"]

    for group in _collisions(directives, same_document).values():
        keeper, *others = rank.order(group)
        for d in others:
            problems.append(_duplicate_problem(d, keeper))
            left_out.add(id(d))
    kept = [d for d in directives if id(d) not in left_out]
    for url, group in _collisions(kept, lambda d: [d.url] + list(d.aliases)).items():
        keeper, *others = rank.order(group)
        for d in others:
            if id(d) in left_out:
                continue
            problems.append(problem(
                "VB402", d.rel_path, f"Đường dẫn /{url} đã thuộc về {keeper.short_title} ({keeper.rel_path}), văn bản "
                                     f"đó giữ đường dẫn; tệp này ({d.short_title}) không được đăng. Đặt cho tệp này một "
                                     f"'slug' khác, ví dụ slug: {d.path_segment}-{d.issuer.key}, hoặc bỏ mục 'aliases' bị trùng.",
                field="slug" if d.slug else "number", line=d.slug_line or d.number_line))
            left_out.add(id(d))
    for d in directives:
        if d.slug in RESERVED_SEGMENTS and id(d) not in left_out:
            problems.append(problem("VB403", d.rel_path, f"slug '{d.slug}' trùng với đường dẫn danh sách /van-ban/<năm>/{d.slug}/: "
                                                         f"chọn slug khác, ví dụ slug: {d.slug}-{d.number.slug or 'van-ban'}.",
                                    field="slug", line=d.slug_line))
            left_out.add(id(d))
    archive = Archive([d for d in directives if id(d) not in left_out], registries, as_of or build_date())
    return archive, problems + archive.links.problems + stale_statuses(archive.directives, archive.as_of)


def _duplicate_problem(d: Directive, keeper: Directive) -> Problem:
    where = f"/{keeper.url}"
    if d.number.is_numbered:
        return problem(
            "VB401", d.rel_path, f"Trùng số ký hiệu {d.number} ({d.issuer.short}, năm {d.year}) với {keeper.rel_path}: "
                                 f"văn bản đó giữ đường dẫn {where}; tệp này không được đăng. Nếu đây là văn bản khác, "
                                 "sửa số ký hiệu đúng theo bản gốc (số bắt đầu lại mỗi năm); nếu là bản nhập lại, xóa tệp này.",
            field="number", line=d.number_line)
    return problem(
        "VB404", d.rel_path, f"Văn bản chưa ghi số {d.number} năm {d.year} có cùng trích yếu với {keeper.rel_path}: "
                             f"văn bản đó giữ đường dẫn {where}; tệp này không được đăng. Đây là cùng một văn bản "
                             "được nhập hai lần: xóa tệp này (hoặc sửa trích yếu nếu là văn bản khác).",
        field="number", line=d.number_line)


class _Seniority:
    """Which of two colliding files keeps the address: one committed in git before one that is not
    (the published one, not the new import), then the older file, then the path."""

    def __init__(self, directives: list[Directive]) -> None:
        self._tracked: dict[Path, set[str]] = {}
        """Folder → the files git tracks in it (asked only when two files collide)."""

    def order(self, group: list[Directive]) -> list[Directive]:
        return sorted(group, key=lambda d: (not self._in_git(d.source_path), _mtime(d), d.rel_path))

    def _in_git(self, source: Path) -> bool:
        folder = source.parent
        if folder not in self._tracked:
            self._tracked[folder] = set()
            try:
                out = subprocess.run(["git", "ls-files", "-z", "."], cwd=folder, capture_output=True, timeout=10)
            except (OSError, subprocess.SubprocessError):
                return False
            if out.returncode == 0:
                self._tracked[folder] = {name for name in out.stdout.decode("utf-8", "replace").split("\0") if name}
        return source.name in self._tracked[folder]


def _mtime(d: Directive) -> int:
    try:
        return os.stat(d.source).st_mtime_ns
    except OSError:
        return 0


def _collisions(directives: list[Directive], keys_of) -> dict[str, list[Directive]]:
    seen: dict[str, list[Directive]] = defaultdict(list)
    for d in directives:
        for key in keys_of(d):
            if d not in seen[key]:
                seen[key].append(d)
    return {k: v for k, v in seen.items() if len(v) > 1}
