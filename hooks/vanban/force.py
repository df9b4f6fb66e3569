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

from .model import WITHDRAWN, Directive, PartialDate

__all__ = ["legal_force", "set_forces", "UNKNOWN"]

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
