"""A directive's life after it is issued: `effective_from` / `effective_until` (ngày có hiệu lực,
hết hiệu lực; a blank day or month allowed, as for `date`) and `withdrawal` (thu hồi: when, why and
by which document). The status in force is computed from them in `vanban.force`, not read here."""

from __future__ import annotations

from typing import Any

from ..model import WITHDRAWN, PartialDate, Withdrawal
from .context import FrontMatter, blank
from .fields import parse_partial_date
from .relations import read_ref

__all__ = ["WITHDRAWAL_FIELDS", "read_effective_dates", "read_withdrawal"]

WITHDRAWAL_FIELDS = ("date", "reason", "by")
_EXAMPLE = "withdrawal: {date: 2025-03-10, reason: Ban hành không đúng thẩm quyền, by: 45/QĐ-STTTT}"


def read_partial_date(fm: FrontMatter, code: str, key: str, raw: Any, label: str) -> PartialDate | None:
    """A date that may leave the day or month blank ("2025-07", "2025"), like `date`."""
    if blank(raw):
        return None
    text, value, wrong = parse_partial_date(raw)
    expected = "cần dạng năm-tháng-ngày như 2025-07-01 (hoặc 2025-07, 2025 nếu chỉ biết tháng, năm)."
    if wrong == "format":
        fm.report(code, key, f"{label} '{raw}' không đúng dạng: {expected}")
        return None
    if value is None:
        fm.report(code, key, f"{label} '{text}' không tồn tại: {expected}")
        return None
    if not 1945 <= value.year <= 2100:
        fm.report(code, key, f"{label}: năm {value.year} ngoài khoảng hợp lý (1945–2100).")
        return None
    return value


def read_effective_dates(fm: FrontMatter) -> dict[str, PartialDate | None]:
    start = read_partial_date(fm, "VB261", "effective_from", fm.data.get("effective_from"), "Ngày có hiệu lực")
    until = read_partial_date(fm, "VB261", "effective_until", fm.data.get("effective_until"), "Ngày hết hiệu lực")
    if start and until and until.last_day() < start.first_day():
        fm.report("VB262", "effective_until", f"Ngày hết hiệu lực {until.display()} trước ngày có hiệu lực "
                                              f"{start.display()}: kiểm tra lại effective_from và effective_until.")
        until = None
    return {"effective_from": start, "effective_until": until}


def read_withdrawal(fm: FrontMatter, status: str | None, issued: PartialDate | None) -> Withdrawal | None:
    raw = fm.data.get("withdrawal")
    if raw is None:
        if status == WITHDRAWN:
            fm.report("VB263", "status", "Văn bản thu hồi (status: thu-hoi) cần trường 'withdrawal' ghi ngày thu hồi "
                                         "(date), lý do (reason) và văn bản thu hồi (by), ví dụ " + _EXAMPLE + ".")
        return None
    if status != WITHDRAWN:
        fm.report("VB264", "withdrawal", "Có trường 'withdrawal' nhưng chưa ghi 'status: thu-hoi': thêm dòng "
                                         "status: thu-hoi nếu văn bản đã bị thu hồi, nếu không thì xóa 'withdrawal'.")
        return None
    if not isinstance(raw, dict):
        fm.report("VB265", "withdrawal", "Trường 'withdrawal' cần các trường con date, reason, by, ví dụ " + _EXAMPLE + ".")
        return None
    for k in raw:
        if k not in WITHDRAWAL_FIELDS:
            fm.report("VB266", f"withdrawal.{k}", f"Trường lạ 'withdrawal.{k}' bị bỏ qua: chỉ dùng date, reason, by.")
    day = read_partial_date(fm, "VB267", "withdrawal.date", raw.get("date"), "Ngày thu hồi")
    if day is None and blank(raw.get("date")):
        fm.report("VB267", "withdrawal.date", "Thiếu ngày thu hồi 'withdrawal.date' (ngày của văn bản thu hồi), "
                                              "ví dụ date: 2025-03-10.", line_of="withdrawal")
    if day and issued and day.last_day() < issued.first_day():
        fm.report("VB268", "withdrawal.date", f"Ngày thu hồi {day.display()} trước ngày ban hành {issued.display()}: "
                                              "kiểm tra lại withdrawal.date.")
        day = None
    reason = raw.get("reason")
    if blank(reason) or not isinstance(reason, (str, int, float)) or isinstance(reason, bool):
        fm.report("VB269", "withdrawal.reason", "Thiếu lý do thu hồi 'withdrawal.reason' (một dòng chữ), ví dụ "
                                                "reason: Ban hành không đúng thẩm quyền.", line_of="withdrawal")
        reason = None
    elif len(str(reason)) > 2000:
        fm.report("VB269", "withdrawal.reason", f"Lý do thu hồi dài {len(str(reason))} ký tự: tối đa 2000; ghi tóm tắt, "
                                                "chi tiết để trong văn bản thu hồi.")
        reason = None
    by = raw.get("by")
    ref = None
    if blank(by):
        fm.report("VB270", "withdrawal.by", "Chưa ghi văn bản thu hồi 'withdrawal.by' (số ký hiệu, ví dụ by: 45/QĐ-STTTT): "
                                            "trang sẽ không liên kết tới văn bản đó.", line_of="withdrawal")
    elif isinstance(by, dict):
        ref = read_ref(fm, by.get("number"), by.get("year"), by.get("issuer"), "withdrawal.by", "withdrawn_by")
    else:
        ref = read_ref(fm, by, None, None, "withdrawal.by", "withdrawn_by")
    if day is None or reason is None:
        return None
    return Withdrawal(day, " ".join(str(reason).split()), ref)
