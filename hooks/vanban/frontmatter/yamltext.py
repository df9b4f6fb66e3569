"""The YAML of a front matter → data, the line of every key and list item, or a problem in Vietnamese.

PyYAML's messages are English and name the line where its scanner gave up ("found unexpected end of
stream" on the last line for a quote opened on line 6); staff get instead what is wrong in their
words, at the line where it is: a tab is called a tab, an unclosed quote is reported where it opens.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from ..bounds import huge_number
from ..problems import Problem
from ..rules import problem

__all__ = ["parse_front_matter", "FIRST_LINE", "END"]

FIRST_LINE = 2
"""File line of the front matter's first line (line 1 is the opening '---')."""

END = "<end>"
"""Key of the closing '---' line in the line map: where a missing field is to be added."""

_MAYBE_ALIAS = re.compile(r"(?:^|[\s\[{,:])[&*][^\s]")
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:")


class _DirectiveLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """Safe loader that leaves dates as text, so an impossible date is reported, not raised."""


class _AliasError(yaml.MarkedYAMLError):
    pass


class _NoAliasLoader(yaml.SafeLoader):
    """Pure-Python loader that refuses anchors and aliases (no "billion laughs")."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _AliasError("", None, "alias", event.start_mark)
        return super().compose_node(parent, index)


for _loader in (_DirectiveLoader, _NoAliasLoader):
    _loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def parse_front_matter(front: str, shown: str) -> tuple[dict | None, dict[str, int], list[Problem]]:
    """(data, {key path: line}, problems); data is None when the front matter cannot be read."""
    loader = (_NoAliasLoader if _MAYBE_ALIAS.search(front) else _DirectiveLoader)(front)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        return None, {}, [_yaml_problem(exc, front, shown)]
    except ValueError:  # an integer of more than 4 300 digits: Python refuses to read it
        return None, {}, [huge_number(shown, front)]
    except RecursionError:
        return None, {}, [problem("VB111", shown, "Phần thông tin lồng nhau quá sâu: mỗi trường chỉ có một hoặc hai cấp "
                                                  "thụt lề.", line=FIRST_LINE)]
    finally:
        loader.dispose()
    if data is None:
        return None, {}, [problem("VB111", shown, "Phần thông tin (front matter) trống: cần các trường number, type, "
                                                  "date, issuer, subject (chép mẫu trong trang 'Các trường thông tin').",
                                  line=1)]
    if not isinstance(data, dict):
        return None, {}, [problem("VB111", shown, "Phần thông tin phải là các dòng 'trường: giá trị' (ví dụ "
                                                  "number: 02/KH-UBND), không phải một dòng chữ hay một danh sách.",
                                  line=FIRST_LINE)]
    lines: dict[str, int] = {END: FIRST_LINE + front.count("\n") + 1}
    problems: list[Problem] = []
    _walk(node, "", lines, problems, shown)
    return data, lines, problems


def _walk(node: yaml.Node, path: str, lines: dict[str, int], problems: list[Problem], shown: str) -> None:
    """Record the line of every mapping key and sequence item below `node`; report keys written twice."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            name = str(key_node.value)
            child = f"{path}.{name}" if path else name
            line = key_node.start_mark.line + FIRST_LINE
            if child in lines:
                problems.append(problem("VB112", shown, f"Trường '{child}' ghi hai lần (dòng {lines[child]} và dòng {line}): "
                                                        "chỉ giữ một dòng, với giá trị đúng theo bản gốc.",
                                        field=child, line=line))
                continue
            lines[child] = line
            _walk(value_node, child, lines, problems, shown)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            child = f"{path}[{i}]"
            lines[child] = item.start_mark.line + FIRST_LINE
            _walk(item, child, lines, problems, shown)


def _yaml_problem(exc: yaml.YAMLError, front: str, shown: str) -> Problem:
    text_lines = front.split("\n")  # the only line break the loader leaves (`loader._with_newlines`)
    mark = getattr(exc, "problem_mark", None)
    opened = getattr(exc, "context_mark", None)
    problem_text = str(getattr(exc, "problem", "") or "")
    context = str(getattr(exc, "context", "") or "")
    at = mark.line if mark is not None else len(text_lines) - 1
    if isinstance(exc, _AliasError):
        return problem("VB110", shown, "Không được dùng bí danh YAML ('&tên', '*tên'): ghi lại giá trị đầy đủ, hoặc đặt "
                                       "giá trị có dấu '&' hay '*' ở đầu trong ngoặc kép.",
                       field=_field_at(text_lines, at), line=at + FIRST_LINE)
    tab = next((i for i, line in enumerate(text_lines[: at + 1]) if "\t" in line[: len(line) - len(line.lstrip())]), None)
    if tab is None and "\\t" in problem_text:
        tab = at
    if tab is not None:
        return problem("VB108", shown, f"Dòng {tab + FIRST_LINE} có ký tự tab (phím Tab) ở đầu dòng: phần thông tin chỉ "
                                       "được thụt lề bằng dấu cách; xóa tab và gõ 2 dấu cách cho mỗi cấp.",
                       field=_field_at(text_lines, tab), line=tab + FIRST_LINE)
    where = at
    if "depth" in problem_text or "depth" in context:
        return problem("VB111", shown, f"Phần thông tin lồng nhau quá sâu ở dòng {at + FIRST_LINE}: mỗi trường chỉ có "
                                       "một hoặc hai cấp thụt lề, danh sách không lồng trong danh sách.",
                       field=_field_at(text_lines, at), line=at + FIRST_LINE)
    unclosed = _unclosed_quote(text_lines, at)
    if unclosed is not None and unclosed < at and "escape" not in problem_text:
        # A quoted value may run over several lines in YAML: an unclosed quote swallows the fields
        # below it until another quote, and the error surfaces lines later. Report where it opens.
        quote = "'\"'" if _QUOTED_START.match(text_lines[unclosed]).group(1) == '"' else "\"'\""
        return problem("VB109", shown, f"Dấu ngoặc {quote} mở ở dòng {unclosed + FIRST_LINE} chưa được đóng trên dòng đó: "
                                       f"thêm dấu {quote} ở cuối giá trị (trong giá trị, dùng ngoặc kép “ ” kiểu chữ thay "
                                       "cho \").",
                       field=_field_at(text_lines, unclosed), line=unclosed + FIRST_LINE)
    if "escape" in problem_text:
        advice = "có dấu '\\' trong ngoặc kép: dùng ngoặc đơn ' ' cho giá trị này, hoặc viết '\\\\'."
    elif "quoted scalar" in context and opened is not None:
        quote = _char_at(text_lines, opened)
        return problem("VB109", shown, f"Dấu ngoặc {quote} mở ở dòng {opened.line + FIRST_LINE} chưa được đóng: thêm "
                                       f"dấu {quote} ở cuối giá trị trên cùng dòng đó (trong giá trị, dùng ngoặc kép “ ” "
                                       "kiểu chữ thay cho \").",
                       field=_field_at(text_lines, opened.line), line=opened.line + FIRST_LINE)
    elif "flow" in context and opened is not None:
        where = opened.line
        advice = ("ngoặc [ ] hoặc { } mở ở dòng này mà không đóng đúng chỗ: thêm dấu đóng ngoặc ở cuối dòng, và đặt "
                  "mục có dấu ',' hoặc ':' trong ngoặc kép.")
    elif "simple key" in context and opened is not None:
        where = opened.line
        advice = ("dòng này thiếu dấu ':' sau tên trường (cần dạng 'trường: giá trị'), hoặc là phần tiếp theo của "
                  "dòng trên: nối lên dòng trên.")
    elif "mapping values are not allowed" in problem_text and mark is not None and ": " in text_lines[at][: mark.column].strip():
        advice = ("giá trị có dấu ':' theo sau là dấu cách: đặt cả giá trị trong ngoặc kép, ví dụ "
                  "subject: \"V/v tuyên truyền: cải cách hành chính\".")
    elif "mapping values are not allowed" in problem_text or "expected" in problem_text and (
            "key" in problem_text or "block end" in problem_text or "'-'" in problem_text):
        advice = ("thụt lề không đúng: các trường cùng cấp phải thẳng hàng, trường con và mục danh sách ('- ') "
                  "thụt vào 2 dấu cách so với trường cha.")
    elif "cannot start any token" in problem_text:
        char = _char_at(text_lines, mark) if mark is not None else "'?'"
        advice = f"giá trị không được bắt đầu bằng ký tự {char}: đặt cả giá trị trong ngoặc kép."
    else:
        advice = ("kiểm tra dấu ':' sau tên trường, thụt lề bằng dấu cách, và đặt giá trị có dấu ':' hoặc '#' trong "
                  "ngoặc kép.")
    return problem("VB107", shown, f"Phần thông tin YAML sai cú pháp ở dòng {where + FIRST_LINE}: {advice}",
                   field=_field_at(text_lines, where), line=where + FIRST_LINE)


_QUOTED_START = re.compile(r"^\s*(?:[\w-]+\s*:|-)\s+([\"'])(.*)$")


def _unclosed_quote(lines: list[str], upto: int) -> int | None:
    """The first line up to `upto` whose value opens a quote it does not close."""
    for i, line in enumerate(lines[: upto + 1]):
        match = _QUOTED_START.match(line)
        if not match:
            continue
        quote, rest = match.groups()
        rest = rest.replace("\\\\", "").replace('\\"', "") if quote == '"' else rest.replace("''", "")
        if quote not in rest:
            return i
    return None


def _char_at(lines: list[str], mark: Any) -> str:
    try:
        ch = lines[mark.line][mark.column]
    except IndexError:
        return "'?'"
    return "'\"'" if ch == '"' else "\"'\"" if ch == "'" else f"'{ch}'"


def _field_at(lines: list[str], index: int) -> str | None:
    """The top-level key whose block holds line `index` of the front matter (or that line's first
    word, when it is a key missing its ':')."""
    bare = re.match(r"^([A-Za-z_][\w-]*)\s", lines[index] if index < len(lines) else "")
    if bare and not _TOP_KEY.match(lines[index]):
        return bare.group(1)
    for i in range(min(index, len(lines) - 1), -1, -1):
        match = _TOP_KEY.match(lines[i])
        if match:
            return match.group(1)
    return None
