"""`Archive`: every loaded directive, indexed by URL and number, with the checks that span files.

A permalink or a number+year pair belongs to one directive only; collisions are errors that name
both files. Lookups by number ignore case, spaces, the look-alike Ð and leading zeros. `links` holds
the cross references (citations, relations, computed status: see `crossrefs.py`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from .crossrefs import CrossRefs
from .force import set_forces, stale_statuses
from .model import Directive, RelationRef
from .numbers import DocumentNumber
from .problems import ERROR, Problem
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
    """Sort the directives and report collisions. Colliding directives are all left out.
    `as_of`: the day of the statuses in force (default: the build date)."""
    directives = sorted(directives, key=lambda d: d.sort_key, reverse=True)
    problems: list[Problem] = []
    bad: set[int] = set()
    for url, group in _collisions(directives, lambda d: [d.url] + list(d.aliases)).items():
        names = " và ".join(d.rel_path for d in group)
        for d in group:
            problems.append(Problem(d.rel_path, f"Trùng đường dẫn /{url} giữa {names}: đặt trường 'slug' "
                                                "khác nhau cho các văn bản này (hoặc bỏ 'aliases' bị trùng).",
                                    field="slug", severity=ERROR))
            bad.add(id(d))
    # Numbers restart every year and belong to their issuer: the same number from another issuer
    # or year is a different document (it still needs its own slug if the permalinks collide).
    same_number = lambda d: [f"{d.issuer.key} {d.number.key} ({d.year})"] if d.number.is_numbered else []  # noqa: E731
    for key, group in _collisions(directives, same_number).items():
        names = " và ".join(d.rel_path for d in group)
        for d in group:
            if id(d) in bad:
                continue
            problems.append(Problem(d.rel_path, f"Trùng số ký hiệu {d.number} năm {d.year} giữa {names}: "
                                                "mỗi số chỉ dùng một lần trong một năm; kiểm tra lại số ký hiệu.",
                                    field="number"))
            bad.add(id(d))
    for d in directives:
        if d.slug in RESERVED_SEGMENTS:
            problems.append(Problem(d.rel_path, f"slug '{d.slug}' trùng với đường dẫn danh sách; chọn slug khác.", field="slug"))
            bad.add(id(d))
    kept = [d for d in directives if id(d) not in bad]
    archive = Archive(kept, registries, as_of or build_date())
    return archive, problems + archive.links.problems + stale_statuses(archive.directives, archive.as_of)


def _collisions(directives: list[Directive], keys_of) -> dict[str, list[Directive]]:
    seen: dict[str, list[Directive]] = defaultdict(list)
    for d in directives:
        for key in keys_of(d):
            if d not in seen[key]:
                seen[key].append(d)
    return {k: v for k, v in seen.items() if len(v) > 1}
