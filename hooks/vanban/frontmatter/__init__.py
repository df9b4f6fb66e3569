"""Reading one file's front matter into a `Directive`, a reader per part of it:

- `fields`: number, type, issuer, date, subject, slug, lists, flags, topics, aliases, status, TODOs,
  and whether the number agrees with the type and the issuer;
- `signer`, `relations`, `attachments`: the groups of the same names;
- `lifecycle`: effective dates and withdrawal (thu hồi);
- `context.FrontMatter`: what they share (the data, the line of every key, the problems).

Every problem of the file is reported (reading does not stop at the first); a file with an error
gives no `Directive`.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Directive, pack_body
from ..problems import Problem
from ..registry import Registries
from .attachments import read_attachments
from .context import FrontMatter
from .fields import (
    FIELDS, REQUIRED, check_number_agrees, check_required, check_todos, check_unknown_fields, read_aliases, read_bool,
    read_date, read_number, read_registry_key, read_slug, read_status, read_str_list, read_subject, read_topics,
)
from .lifecycle import read_effective_dates, read_withdrawal
from .relations import RELATION_KINDS, read_relations
from .signer import read_signer

__all__ = ["read_directive", "FrontMatter", "FIELDS", "REQUIRED", "RELATION_KINDS"]


def read_directive(path: Path, shown: str, data: dict, lines: dict[str, int], registries: Registries,
                   body: str, body_line: int) -> tuple[Directive | None, list[Problem]]:
    """The directive of one file (None when it has an error) and every problem of its front matter."""
    fm = FrontMatter(path, shown, data, lines, registries)
    check_unknown_fields(fm)
    check_todos(fm, fm.data, "")
    metadata_only = read_bool(fm, "metadata_only")
    check_required(fm, metadata_only)
    number = read_number(fm)
    doc_type = read_registry_key(fm, "type", registries.types)
    issuer = read_registry_key(fm, "issuer", registries.issuers)
    date = read_date(fm)
    subject = read_subject(fm)
    slug = read_slug(fm, number)
    fields = dict(
        signer=read_signer(fm), recipients=read_str_list(fm, "recipients"),
        distribution=read_str_list(fm, "distribution"), topics=read_topics(fm),
        attachments=read_attachments(fm), aliases=read_aliases(fm), relations=read_relations(fm),
        status=read_status(fm), demo=read_bool(fm, "demo"),
    )
    fields.update(read_effective_dates(fm))
    fields["withdrawal"] = read_withdrawal(fm, fields["status"], date)
    if fields["withdrawal"] and fields["withdrawal"].by:
        fields["relations"] += (fields["withdrawal"].by,)
    if number is not None and doc_type is not None:
        check_number_agrees(fm, number, doc_type, issuer)
    if metadata_only and body.strip():
        fm.report("VB218", "metadata_only", "Mục chỉ có thông tin mô tả nhưng tệp có nội dung: nội dung vẫn được hiển thị; "
                                            "bỏ dòng 'metadata_only: true' nếu đây là toàn văn.")
    if fm.has_errors or not (number and doc_type and issuer and subject is not None):
        return None, fm.problems
    directive = Directive(
        source=str(path), rel_path=shown, number=number, type=doc_type, issuer=issuer, subject=subject, date=date,
        body_packed=pack_body(body), body_line=body_line, number_line=fm.line_of("number"),
        slug_line=fm.line_of("slug"), slug=slug, metadata_only=metadata_only, **fields,
    )
    return directive, fm.problems
