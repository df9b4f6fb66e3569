"""The `signer:` group: form (TM., KT., Q., TL., TUQ.), position and name."""

from __future__ import annotations

from ..model import SIGNING_FORMS, Signer
from .context import FrontMatter, kind_of

__all__ = ["read_signer"]

_PARTS = ("name", "position", "form")
_EXAMPLES = {"name": "Lê Hải Yến", "position": "PHÓ GIÁM ĐỐC", "form": "KT. GIÁM ĐỐC"}


def read_signer(fm: FrontMatter) -> Signer | None:
    raw = fm.data.get("signer")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        fm.report("VB221", "signer", "Trường 'signer' cần ba trường con name, position, form, mỗi trường một dòng "
                                     "thụt vào 2 dấu cách (ví dụ form: KT. GIÁM ĐỐC, position: PHÓ GIÁM ĐỐC, "
                                     "name: Lê Hải Yến).")
        return None
    for k in raw:
        if k not in _PARTS:
            fm.report("VB222", f"signer.{k}", f"Trường lạ 'signer.{k}' bị bỏ qua: chỉ dùng name, position, form.")
    values = {}
    for k in _PARTS:
        v = raw.get(k)
        if v is not None and not isinstance(v, str):
            fm.report("VB223", f"signer.{k}", f"'signer.{k}' phải là một dòng chữ, không phải {kind_of(v)}: ghi "
                                              f"trên một dòng, ví dụ {k}: {_EXAMPLES[k]}.")
            v = None
        values[k] = " ".join((v or "").split())
    form = values["form"]
    if form and not any(form.upper().startswith(prefix) for prefix in SIGNING_FORMS):
        fm.report("VB224", "signer.form", f"Hình thức ký '{form}' không bắt đầu bằng {', '.join(SIGNING_FORMS)} "
                                          "(Nghị định 30/2020/NĐ-CP); để trống nếu người đứng đầu ký trực tiếp.")
    if not values["name"] and (raw.get("name") is None or isinstance(raw.get("name"), str)):  # else reported above
        fm.report("VB225", "signer.name", "Thiếu tên người ký: ghi name: Họ và tên như ở chữ ký của bản gốc.")
    return Signer(**values)
