"""The rulebook: every problem `vanban check`, `mkdocs build` (strict or not) and the preview report.

Each rule has a stable code (documented in docs/pages/huong-dan/truong-thong-tin.md, and the key of
`vanban check --format json`), a severity, and whether `--strict` turns it into an error. The three
front ends read an archive with the same loader (`project.load_archive`) and then decide here, with
the same functions, what each problem's final severity is and whether the run fails:

- `outcome(problems, strict)`: the problems as reported (strict-able warnings become errors under
  `--strict`, of `vanban check` and of `mkdocs build` alike);
- `exit_status(problems)`: 1 when an error remains — `vanban check`, and both builds, which still
  write every valid directive before they fail; the preview never stops and lists them instead.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Iterable

from .problems import ERROR, WARNING, Problem

__all__ = ["Rule", "RULES", "SCHEMA_VERSION", "problem", "outcome", "exit_status", "log_level", "as_json",
           "summary_line", "files_with_errors"]

SCHEMA_VERSION = 1
"""Version of `vanban check --format json`: raised when a key changes meaning or goes away."""


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    strict: bool
    """For a warning: whether `--strict` makes it an error."""
    title: str
    """What the rule checks, in Vietnamese (the field reference's table)."""


def _rules(*rows: tuple[str, str, bool, str]) -> dict[str, Rule]:
    return {code: Rule(code, severity, strict, title) for code, severity, strict, title in rows}


E, W = ERROR, WARNING
RULES: dict[str, Rule] = _rules(
    # The file itself and its YAML.
    ("VB101", E, True, "Không đọc được tệp"),
    ("VB102", E, True, "Tệp rỗng"),
    ("VB103", E, True, "Tệp quá lớn (trên 5 MB)"),
    ("VB104", E, True, "Tệp nhị phân đặt đuôi .md"),
    ("VB105", E, True, "Tệp không mã hóa UTF-8"),
    ("VB106", E, True, "Không có phần thông tin giữa hai dòng ---"),
    ("VB107", E, True, "YAML sai cú pháp (dấu hai chấm, thụt lề, ngoặc kép)"),
    ("VB108", E, True, "Có ký tự tab trong phần thông tin"),
    ("VB109", E, True, "Ngoặc kép mở mà không đóng"),
    ("VB110", E, True, "Dùng bí danh YAML (&, *)"),
    ("VB111", E, True, "Phần thông tin trống hoặc không phải các cặp trường: giá trị"),
    ("VB112", E, True, "Một trường ghi hai lần"),
    ("VB113", E, True, "Giá trị vượt giới hạn (quá dài, lồng quá sâu, quá nhiều mục)"),
    ("VB114", E, True, "Số quá lớn (hàng nghìn chữ số)"),
    ("VB115", E, True, "Tệp là liên kết tượng trưng trỏ ra ngoài kho"),
    # Fields.
    ("VB201", W, True, "Trường lạ (gõ nhầm tên trường)"),
    ("VB202", E, True, "Thiếu trường bắt buộc"),
    ("VB203", E, True, "Còn giá trị TODO chưa điền"),
    ("VB204", E, True, "Số ký hiệu sai dạng"),
    ("VB205", E, True, "Loại văn bản hoặc cơ quan ban hành không có trong danh mục"),
    ("VB206", E, True, "Ngày ban hành sai dạng"),
    ("VB207", E, True, "Ngày ban hành không tồn tại"),
    ("VB208", E, True, "Năm ban hành ngoài khoảng hợp lý"),
    ("VB209", E, True, "Ngày ban hành ở tương lai"),
    ("VB210", E, True, "Trường chữ sai kiểu hoặc quá dài"),
    ("VB211", E, True, "Trích yếu chỉ có 'V/v'"),
    ("VB212", E, True, "Văn bản chưa ghi số thiếu slug"),
    ("VB213", E, True, "slug sai dạng"),
    ("VB214", E, True, "Trường true/false ghi giá trị khác"),
    ("VB215", E, True, "Trường danh sách ghi sai dạng"),
    ("VB216", E, True, "Đường dẫn cũ (aliases) sai dạng"),
    ("VB217", E, True, "Tình trạng (status) không hợp lệ"),
    ("VB218", W, True, "metadata_only nhưng tệp có toàn văn"),
    ("VB219", W, False, "status: con-hieu-luc bị ngày hiệu lực hoặc văn bản khác trong kho thay đổi"),
    ("VB221", E, True, "signer không phải nhóm trường"),
    ("VB222", W, True, "Trường con lạ trong signer"),
    ("VB223", E, True, "Trường con của signer không phải một dòng chữ"),
    ("VB224", W, True, "Hình thức ký không theo Nghị định 30/2020/NĐ-CP"),
    ("VB225", W, True, "Thiếu tên người ký"),
    ("VB231", E, True, "Lĩnh vực không có trong danh mục"),
    ("VB241", E, True, "attachments không phải danh sách"),
    ("VB242", E, True, "Mục đính kèm thiếu file"),
    ("VB243", E, True, "Tệp đính kèm ghi đường dẫn tuyệt đối"),
    ("VB244", E, True, "Tệp đính kèm nằm ngoài thư mục văn bản"),
    ("VB245", E, True, "Tên tệp đính kèm không dùng được"),
    ("VB246", E, True, "Không tìm thấy tệp đính kèm"),
    ("VB247", W, False, "Tệp đính kèm ghi là văn bản chưa có trong kho"),
    ("VB248", E, True, "Mã SHA-256 của tệp đính kèm sai dạng"),
    ("VB249", E, True, "Mã SHA-256 không khớp tệp đính kèm"),
    # Effective dates and withdrawal (thu hồi).
    ("VB261", E, True, "Ngày có hiệu lực / hết hiệu lực sai dạng hoặc không tồn tại"),
    ("VB262", E, True, "Ngày hết hiệu lực trước ngày có hiệu lực"),
    ("VB263", E, True, "status: thu-hoi mà thiếu trường withdrawal"),
    ("VB264", E, True, "Có withdrawal mà chưa ghi status: thu-hoi"),
    ("VB265", E, True, "withdrawal không phải nhóm trường"),
    ("VB266", W, True, "Trường con lạ trong withdrawal"),
    ("VB267", E, True, "Thiếu hoặc sai ngày thu hồi"),
    ("VB268", E, True, "Ngày thu hồi trước ngày ban hành"),
    ("VB269", E, True, "Thiếu lý do thu hồi, hoặc quá dài"),
    ("VB270", W, True, "Chưa ghi văn bản thu hồi (withdrawal.by)"),
    # The number against the registries.
    ("VB301", E, True, "Chữ viết tắt loại văn bản trong số ký hiệu không khớp trường type"),
    ("VB302", E, True, "Chữ viết tắt loại văn bản không có trong danh mục"),
    ("VB303", E, True, "Phần cơ quan trong số ký hiệu không khớp abbr của cơ quan ban hành"),
    # Across files.
    ("VB401", E, True, "Trùng số ký hiệu (cùng cơ quan, cùng năm)"),
    ("VB402", E, True, "Trùng đường dẫn"),
    ("VB403", E, True, "slug trùng đường dẫn danh sách"),
    ("VB404", E, True, "Văn bản chưa ghi số bị đăng hai lần (trùng nội dung)"),
    ("VB405", E, True, "Tệp văn bản đã công bố bị xóa (hãy thu hồi, đừng xóa)"),
    # Relations and citations.
    ("VB501", W, False, "Quan hệ tới văn bản chưa có trong kho"),
    ("VB502", W, True, "Quan hệ khớp nhiều văn bản cùng số"),
    ("VB503", W, True, "Quan hệ trỏ tới chính văn bản này"),
    ("VB504", E, True, "relations ghi sai dạng"),
    ("VB505", E, True, "Loại quan hệ không hợp lệ"),
    ("VB506", E, True, "Mục quan hệ không phải số ký hiệu"),
    ("VB507", E, True, "Năm của quan hệ không hợp lệ"),
    ("VB508", E, True, "Cơ quan của văn bản ngoài kho không có trong danh mục"),
    ("VB511", W, False, "Dẫn chiếu tới văn bản chưa có trong kho"),
    ("VB512", W, False, "Dẫn chiếu khớp nhiều văn bản cùng số"),
    # The body (toàn văn), as the build renders it.
    ("VB701", E, True, "Toàn văn dựng quá thời gian cho phép"),
    ("VB702", W, True, "Liên kết trong toàn văn không được phép (hiển thị thành chữ)"),
    # Registries.
    ("VB601", E, True, "Thiếu tệp danh mục"),
    ("VB602", E, True, "Tệp danh mục không đọc được"),
    ("VB603", E, True, "Mục danh mục thiếu trường, có trường lạ hoặc còn TODO"),
)


def problem(code: str, path: str, message: str, field: str | None = None, line: int | None = None) -> Problem:
    """A problem of rule `code`, with the rule's severity and strictness."""
    rule = RULES[code]
    return Problem(path, message, field=field, line=line, severity=rule.severity,  # type: ignore[arg-type]
                   strict=rule.strict, code=code)


def outcome(problems: Iterable[Problem], strict: bool) -> list[Problem]:
    """The problems as every front end reports them: under `--strict`, strict-able warnings are errors."""
    if not strict:
        return list(problems)
    return [dataclasses.replace(p, severity=ERROR) if not p.is_error and p.strict else p for p in problems]


def exit_status(problems: Iterable[Problem]) -> int:
    """1 when an error remains (after `outcome`), else 0: `vanban check` and `mkdocs build` alike."""
    return 1 if any(p.is_error for p in problems) else 0


def log_level(p: Problem) -> int:
    """How the build logs a problem (after `outcome`). A warning `--strict` would not make an error is
    logged as information, so that MkDocs' own strict mode (which fails on any logged warning) and
    `vanban check --strict` fail on the same problems."""
    if p.is_error:
        return logging.ERROR
    return logging.WARNING if p.strict else logging.INFO


def files_with_errors(problems: Iterable[Problem]) -> list[str]:
    return sorted({p.path for p in problems if p.is_error})


def summary_line(problems: list[Problem], checked: int) -> str:
    """"Đã kiểm tra 12 văn bản: 2 lỗi, 1 cảnh báo. Tệp có lỗi: a.md, b.md." """
    errors = sum(p.is_error for p in problems)
    text = f"Đã kiểm tra {checked} văn bản: {errors} lỗi, {len(problems) - errors} cảnh báo."
    bad = files_with_errors(problems)
    if bad:
        text += f" Tệp có lỗi ({len(bad)}): {', '.join(bad)}."
    return text


def as_json(problems: list[Problem], checked: int, strict: bool) -> dict[str, object]:
    """`vanban check --format json`: versioned, one object per problem with its rule's code."""
    errors = sum(p.is_error for p in problems)
    return {
        "schema_version": SCHEMA_VERSION,
        "strict": strict,
        "checked": checked,
        "errors": errors,
        "warnings": len(problems) - errors,
        "files_with_errors": files_with_errors(problems),
        "problems": [p.as_dict() for p in problems],
    }
