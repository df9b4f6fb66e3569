"""The `attachments:` list: files beside the directive, or other archive directives sent with it."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from ..model import Attachment
from .context import FrontMatter
from .relations import read_ref

__all__ = ["read_attachments"]


def read_attachments(fm: FrontMatter) -> tuple[Attachment, ...]:
    raw = fm.data.get("attachments")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        fm.report("VB241", "attachments", "Trường 'attachments' phải là danh sách; mỗi mục bắt đầu bằng '- file: tên-tệp.pdf' "
                                          "và có 'title: Tên tệp'.")
        return ()
    folder = fm.path.parent.resolve()
    result = []
    for i, item in enumerate(raw):
        key = f"attachments[{i}]"
        if isinstance(item, str):
            item = {"file": item}
        if not isinstance(item, dict):
            fm.report("VB242", key, "Mỗi tệp đính kèm cần 'file' (tên tệp đặt cạnh văn bản) và 'title'.")
            continue
        title = " ".join(str(item.get("title") or "").split())
        ref = read_ref(fm, item.get("directive"), item.get("year"), None, key + ".directive", "") if item.get("directive") else None
        file = item.get("file")
        if file is None:
            if ref is None:
                fm.report("VB242", key, "Tệp đính kèm cần 'file' (tên tệp đặt cạnh văn bản), hoặc 'directive' "
                                        "nếu là văn bản đã có trong kho.")
                continue
            result.append(Attachment(title=title or str(ref.number), directive=ref))
            continue
        source = _attachment_path(fm, str(file), folder, key + ".file")
        if source is None:
            continue
        result.append(Attachment(title=title or Path(str(file)).name, path=str(file).replace("\\", "/"),
                                 source=source, size=source.stat().st_size, directive=ref,
                                 sha256=_attachment_sha256(fm, item.get("sha256"), source, key + ".sha256")))
    return tuple(result)


def _attachment_sha256(fm: FrontMatter, stated: Any, source: Path, key: str) -> str | None:
    # A stated digest is a promise to readers: it must be the file's, or the page would vouch for another file.
    if stated is None:
        return None
    text = str(stated).strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", text):
        fm.report("VB248", key, f"'sha256' phải là 64 chữ số hệ 16 (mã SHA-256 của tệp), không phải '{str(stated)[:80]}': "
                                "chép lại mã từ báo cáo của `vanban import`, hoặc xóa dòng này.")
        return None
    actual = hashlib.sha256(source.read_bytes()).hexdigest()
    if actual != text:
        fm.report("VB249", key, f"Mã SHA-256 ghi trong văn bản không khớp tệp '{source.name}' (tệp là {actual}): "
                                "tệp đã bị thay đổi hoặc thay nhầm; đặt lại đúng bản gốc.")
        return None
    return text


def _attachment_path(fm: FrontMatter, file: str, folder: Path, key: str) -> Path | None:
    rel = Path(file.replace("\\", "/"))
    if rel.is_absolute() or file.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", file):
        fm.report("VB243", key, f"Đường dẫn tệp đính kèm '{file}' là đường dẫn tuyệt đối: chép tệp vào cùng thư mục "
                                f"với văn bản và chỉ ghi tên tệp, ví dụ file: {rel.name or 'phu-luc.pdf'}.")
        return None
    if ".." in rel.parts:
        fm.report("VB244", key, f"Đường dẫn tệp đính kèm '{file}' trỏ ra ngoài thư mục của văn bản ('..'): "
                                "hãy chép tệp vào cùng thư mục với văn bản và chỉ ghi tên tệp.")
        return None
    try:
        source = (folder / rel).resolve()
        exists = source.is_file()
    except (OSError, ValueError):  # a name too long for the file system, or a NUL in it
        fm.report("VB245", key, f"Tên tệp đính kèm '{file[:80]}…' không dùng được (quá dài hoặc có ký tự lạ): "
                                "đặt tên tệp ngắn, không dấu, ví dụ phu-luc-1.pdf.")
        return None
    if not source.is_relative_to(folder):
        fm.report("VB244", key, f"Tệp đính kèm '{file}' là liên kết trỏ ra ngoài thư mục của văn bản: chép tệp thật "
                                "vào cùng thư mục với văn bản.")
        return None
    if not exists:
        fm.report("VB246", key, f"Không tìm thấy tệp đính kèm '{file}' trong thư mục {Path(fm.shown).parent.as_posix()}: "
                                "kiểm tra tên tệp (phân biệt chữ hoa, chữ thường) hoặc chép tệp vào thư mục đó.")
        return None
    return source
