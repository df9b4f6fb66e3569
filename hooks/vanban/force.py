"""The status in force ("tình trạng hiệu lực") of each directive, as of one day (the build date).

Computed from, in this order (the first that decides wins):

1. `status: thu-hoi` — withdrawn ("Đã bị thu hồi").
2. A directive of the archive that replaces or repeals it and is itself neither withdrawn nor yet to
   take effect ("Đã bị thay thế", "Đã bị bãi bỏ"; see `CrossRefs`).
3. A written `status` that ends its force (het-hieu-luc, bi-thay-the, bi-bai-bo): staff know of a
   replacement or repeal the archive does not hold.
4. `effective_from` / `effective_until` against the day: "Chưa có hiệu lực", "Còn hiệu lực", "Hết
   hiệu lực". A blank day or month counts only when the whole month or year is on one side of the
   day ("2026-12" on 3 December 2026 decides nothing).
5. A written `status: con-hieu-luc` (dates and relations, being facts with a day, outrank it).
6. Otherwise "Không rõ": the archive never guesses.

The day is part of what a page shows, so the page keys hash each directive's `force` (not the day:
a build on another day reuses every page whose status did not change).
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

from .model import STATUSES, WITHDRAWN, Directive, PartialDate
from .problems import Problem
from .rules import problem

__all__ = ["legal_force", "set_forces", "stale_statuses", "UNKNOWN"]

UNKNOWN = "khong-ro"
_ENDING = ("het-hieu-luc", "bi-thay-the", "bi-bai-bo")


def legal_force(d: Directive, from_relations: str | None, as_of: date) -> str:
    """Key of `model.STATUSES` for `d` on `as_of`; `from_relations` is what replacing or repealing
    directives give it ("bi-thay-the", "bi-bai-bo" or None)."""
    if d.status == WITHDRAWN:
        return WITHDRAWN
    if from_relations:
        return from_relations
    if d.status in _ENDING:
        return d.status  # type: ignore[return-value]
    by_dates = _by_dates(d.effective_from, d.effective_until, as_of)
    if by_dates:
        return by_dates
    return d.status or UNKNOWN


def started(day: PartialDate | None, as_of: date) -> bool | None:
    """Has the period begun by `as_of`? None when `day` is blank or straddles `as_of`."""
    if day is None:
        return None
    if day.last_day() <= as_of:
        return True
    if day.first_day() > as_of:
        return False
    return None


def _by_dates(start: PartialDate | None, until: PartialDate | None, as_of: date) -> str | None:
    if until is not None:
        if until.last_day() < as_of:
            return "het-hieu-luc"
        if until.first_day() < as_of:
            return None  # within the blank days of a partial end date: not known
    began = started(start, as_of)
    if began is False:
        return "chua-co-hieu-luc"
    if began is True:
        return "con-hieu-luc"
    return None


def set_forces(directives: Iterable[Directive], as_of: date) -> None:
    """Give every directive its `force` on `as_of` (`computed_status` must be set already)."""
    for d in directives:
        d.force = legal_force(d, d.computed_status, as_of)


def stale_statuses(directives: Iterable[Directive], as_of: date) -> list[Problem]:
    """A written `status: con-hieu-luc` that relations or dates overrule on `as_of`: the page shows
    the computed status; the warning asks staff to drop the stale line. Not strict: it appears with
    the passing of a date, and a deploy must not start failing on its own."""
    return [
        problem("VB219", d.rel_path, f"Trường status ghi 'con-hieu-luc' nhưng tính đến ngày {as_of:%d/%m/%Y}, văn bản có "
                            f"tình trạng “{STATUSES[d.force]}” (theo ngày hiệu lực hoặc văn bản khác trong kho) và "
                            "trang hiện tình trạng này. Bỏ dòng status để trang tự tính.",
                field="status")
        for d in directives if d.status == "con-hieu-luc" and d.force not in (None, "con-hieu-luc", UNKNOWN)
    ]
