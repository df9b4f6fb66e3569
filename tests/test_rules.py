"""The rulebook (`vanban/rules.py`): `vanban check`, `mkdocs build`, `mkdocs build --strict` and the
preview (`mkdocs serve`) report the same problems, with the same severities and exit status, for a
corpus of the mistakes staff make (and some hostile inputs).

The corpus is one archive, one folder per kind of mistake, with distinct numbers so that the kinds
do not meet: it is checked twice, built twice and previewed once (builds are the slow part). Exit
statuses are compared on three small archives, one per kind of outcome.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REGISTRIES, ROOT, make_archive, run_build
from test_serve import Server, fetch, wait_for
from vanban.rules import RULES

VANBAN = str(Path(sys.executable).parent / "vanban")
FIELD_REFERENCE = ROOT / "docs" / "pages" / "huong-dan" / "truong-thong-tin.md"


def doc(n: int, *, type_: str = "ke-hoach", number: str | None = None, issuer: str = "ubnd-tinh",
        date: str = "2024-03-01", subject: str | None = None, extra: str = "", body: str = "Nội dung kế hoạch.") -> str:
    number = number or f"{n:02d}/KH-UBND"
    subject = subject or f"Kế hoạch thử số {n}"
    return (f"---\nnumber: {number}\ntype: {type_}\ndate: {date}\nissuer: {issuer}\nsubject: {subject}\n{extra}---\n\n"
            f"{body}\n")


# Each case: its files (path → text or bytes) and the problems expected in them, as
# (file, line, code, severity) — line None when the problem concerns the whole file.
CASES: dict[str, tuple[dict[str, str | bytes], set[tuple[str, int | None, str, str]]]] = {
    "relation-unknown": ({"a.md": doc(1, extra="relations:\n  based_on:\n    - 749/QĐ-TTg\n")},
                         {("a.md", 9, "VB501", "warning")}),
    "relation-external": ({"a.md": doc(2, extra="relations:\n  based_on:\n    - {number: 749/QĐ-TTg, issuer: thu-tuong}\n")},
                          set()),
    "relation-external-unknown-issuer": ({"a.md": doc(3, extra="relations:\n  based_on:\n    - {number: 1/QĐ-TTg, issuer: ttg}\n")},
                                         {("a.md", 9, "VB508", "error")}),
    "type-abbr-mismatch": ({"a.md": doc(4, type_="cong-van", number="247/QĐ-STTTT", issuer="stttt")},
                           {("a.md", 2, "VB301", "error")}),
    "type-abbr-unknown": ({"a.md": doc(5, type_="cong-van", number="247/XYZ-STTTT", issuer="stttt")},
                          {("a.md", 2, "VB302", "error")}),
    "type-abbr-unknown-for-plan": ({"a.md": doc(6, number="06/XYZ-UBND")}, {("a.md", 2, "VB302", "error")}),
    "type-abbr-old": ({"a.md": doc(7, type_="ban-ghi-nho", number="07/GN-UBND")}, {("a.md", 2, "VB302", "error")}),
    "issuer-mismatch": ({"a.md": doc(8, number="08/KH-STTTT")}, {("a.md", 2, "VB303", "error")}),
    "duplicate-number": ({"a.md": doc(9), "b.md": doc(9, subject="Bản nhập lại")}, {("b.md", 2, "VB401", "error")}),
    "duplicate-unnumbered": ({"a.md": doc(0, number="/UBND-VP", type_="cong-van", extra="slug: ubnd-vp-ban-a\n"),
                              "b.md": doc(0, number="/UBND-VP", type_="cong-van", extra="slug: ubnd-vp-ban-b\n")},
                             {("b.md", 2, "VB404", "error")}),
    "date-future": ({"a.md": doc(11, date="2099-01-04")}, {("a.md", 4, "VB209", "error")}),
    "todo": ({"a.md": doc(12, extra="signer:\n  name: 'TODO: tên người ký'\n")}, {("a.md", 8, "VB203", "error")}),
    "yaml-tab": ({"a.md": doc(13, extra="signer:\n\tname: A\n")}, {("a.md", 8, "VB108", "error")}),
    "yaml-unclosed-quote": ({"a.md": doc(14, subject='"Kế hoạch thử', extra="topics: [cai-cach-hanh-chinh]\n"
                                                                         "recipients:\n  - Các sở\n")},
                            {("a.md", 6, "VB109", "error")}),
    "yaml-colon": ({"a.md": doc(15, subject="V/v tuyên truyền: cải cách")}, {("a.md", 6, "VB107", "error")}),
    "yaml-duplicate-key": ({"a.md": doc(16, extra="date: 2024-03-02\n")}, {("a.md", 7, "VB112", "error")}),
    "yaml-alias": ({"a.md": doc(17, extra="recipients: [&a x, *a]\n")}, {("a.md", 7, "VB110", "error")}),
    "missing-subject": ({"a.md": doc(18).replace("subject: Kế hoạch thử số 18\n", "")}, {("a.md", 6, "VB202", "error")}),
    "unknown-type": ({"a.md": doc(19, type_="ke-hoach-x")}, {("a.md", 3, "VB205", "error")}),
    "impossible-date": ({"a.md": doc(20, date="2023-02-30")}, {("a.md", 4, "VB207", "error")}),
    "date-format": ({"a.md": doc(21, date="04/01/2023")}, {("a.md", 4, "VB206", "error")}),
    "date-too-old": ({"a.md": doc(22, date="1890-01-01")}, {("a.md", 4, "VB208", "error")}),
    "bad-number": ({"a.md": doc(23, number="KH-UBND 23")}, {("a.md", 2, "VB204", "error")}),
    "unknown-field": ({"a.md": doc(24, extra="ghi_chu: x\n")}, {("a.md", 7, "VB201", "warning")}),
    "unknown-topic": ({"a.md": doc(25, extra="topics:\n  - cai-cach-hanh-chinh\n  - khong-co\n")},
                      {("a.md", 9, "VB231", "error")}),
    "attachment-missing": ({"a.md": doc(26, extra="attachments:\n  - file: khong-co.pdf\n    title: Phụ lục\n")},
                           {("a.md", 8, "VB246", "error")}),
    "attachment-outside": ({"a.md": doc(27, extra="attachments:\n  - file: ../x.pdf\n")}, {("a.md", 8, "VB244", "error")}),
    "attachment-absolute": ({"a.md": doc(28, extra="attachments:\n  - file: /etc/passwd\n")}, {("a.md", 8, "VB243", "error")}),
    "unnumbered-no-slug": ({"a.md": doc(29, number="/UBND-KT", type_="cong-van")}, {("a.md", 2, "VB212", "error")}),
    "bad-slug": ({"a.md": doc(30, extra="slug: Kế Hoạch\n")}, {("a.md", 7, "VB213", "error")}),
    "bool-field": ({"a.md": doc(31, extra="metadata_only: có\n")}, {("a.md", 7, "VB214", "error")}),
    "bad-status": ({"a.md": doc(32, extra="status: con-hieu-luc-x\n")}, {("a.md", 7, "VB217", "error")}),
    "bad-relation-kind": ({"a.md": doc(33, extra="relations:\n  thay_the: [01/KH-UBND]\n")}, {("a.md", 8, "VB505", "error")}),
    "bad-relation-year": ({"a.md": doc(34, extra="relations:\n  replaces:\n    - {number: 01/KH-UBND, year: hai}\n")},
                          {("a.md", 9, "VB507", "error")}),
    "no-front-matter": ({"a.md": "# Kế hoạch 35/KH-UBND\n\nNội dung.\n"}, {("a.md", 1, "VB106", "error")}),
    "not-utf8": ({"a.md": doc(36, subject="Đề án").encode("cp1258", "replace")}, {("a.md", 6, "VB105", "error")}),
    "empty": ({"a.md": "\n"}, {("a.md", 1, "VB102", "error")}),
    "binary": ({"a.md": b"PK\x03\x04\x00\x00binary"}, {("a.md", 1, "VB104", "error")}),
    "signer-form": ({"a.md": doc(39, extra="signer:\n  form: THAY MẶT GIÁM ĐỐC\n  name: Lê Văn A\n")},
                    {("a.md", 8, "VB224", "warning")}),
    "citation-unknown": ({"a.md": doc(40, body="Căn cứ Luật số 80/2015/QH13;")}, {("a.md", 9, "VB511", "warning")}),
    "reserved-slug": ({"a.md": doc(41, extra="slug: trang\n")}, {("a.md", 7, "VB403", "error")}),
    "alias-taken": ({"a.md": doc(42), "b.md": doc(43, extra="aliases: [/van-ban/2024/42-kh-ubnd/]\n")},
                    {("b.md", 2, "VB402", "error")}),
    "subject-only-vv": ({"a.md": doc(44, subject="V/v")}, {("a.md", 6, "VB211", "error")}),
    "bad-alias": ({"a.md": doc(45, extra="aliases: ['https://example.org/x']\n")}, {("a.md", 7, "VB216", "error")}),
    "metadata-only-with-body": ({"a.md": doc(46, extra="metadata_only: true\n")}, {("a.md", 7, "VB218", "warning")}),
    "hostile-markup": ({"a.md": doc(47, subject="<script>alert(1)</script> &amp; <b>",
                                    extra="status: '<img src=x onerror=alert(2)>'\n")},
                       {("a.md", 7, "VB217", "error")}),
    "hostile-yaml-bomb": ({"a.md": doc(48, extra="recipients: [" + "[" * 2000 + "]" * 2000 + "]\n")},
                          {("a.md", 7, "VB111", "error")}),
    "signer-not-a-group": ({"a.md": doc(66, extra="signer: Lê Văn A\n")}, {("a.md", 7, "VB221", "error")}),
    "signer-unknown-part": ({"a.md": doc(50, extra="signer:\n  name: Lê Văn A\n  chuc_vu: B\n")},
                            {("a.md", 9, "VB222", "warning")}),
    "signer-part-not-text": ({"a.md": doc(51, extra="signer:\n  name: [Lê Văn A]\n")}, {("a.md", 8, "VB223", "error")}),
    "signer-no-name": ({"a.md": doc(52, extra="signer:\n  form: KT. GIÁM ĐỐC\n")}, {("a.md", 7, "VB225", "warning")}),
    "attachments-not-list": ({"a.md": doc(53, extra="attachments: {file: a.pdf}\n")}, {("a.md", 7, "VB241", "error")}),
    "attachment-no-file": ({"a.md": doc(54, extra="attachments:\n  - title: Phụ lục\n")}, {("a.md", 8, "VB242", "error")}),
    "attachment-bad-name": ({"a.md": doc(55, extra="attachments:\n  - file: " + "x" * 300 + ".pdf\n")},
                            {("a.md", 8, "VB245", "error")}),
    "attachment-directive-unknown": ({"a.md": doc(56, extra="attachments:\n  - directive: 99/KH-UBND\n    year: 2020\n")},
                                     {("a.md", 8, "VB247", "warning")}),
    "relation-ambiguous": ({"a.md": doc(57, date="2023-05-01"), "b.md": doc(57),
                            "c.md": doc(58, extra="relations:\n  implements: [57/KH-UBND]\n")},
                           {("c.md", 8, "VB502", "warning")}),
    "relation-to-itself": ({"a.md": doc(59, extra="relations:\n  amends: [{number: 59/KH-UBND, year: 2024}]\n")},
                           {("a.md", 8, "VB503", "warning")}),
    "relations-not-mapping": ({"a.md": doc(60, extra="relations: [01/KH-UBND]\n")}, {("a.md", 7, "VB504", "error")}),
    "relation-not-a-number": ({"a.md": doc(61, extra="relations:\n  based_on: [không phải số]\n")},
                              {("a.md", 8, "VB506", "error")}),
    "citation-ambiguous": ({"a.md": doc(62, date="2023-05-01"), "b.md": doc(62),
                            "c.md": doc(63, body="Thực hiện Kế hoạch số 62/KH-UBND của UBND tỉnh.")},
                           {("c.md", 9, "VB512", "warning")}),
    "text-not-text": ({"a.md": doc(64).replace("subject: Kế hoạch thử số 64", "subject: [Kế hoạch, thử]")},
                      {("a.md", 6, "VB210", "error")}),
    "list-not-list": ({"a.md": doc(65, extra="recipients: {Các sở: ban ngành}\n")}, {("a.md", 7, "VB215", "error")}),
    "missing-date-and-number": ({"a.md": doc(49).replace("number: 49/KH-UBND\n", "").replace("date: 2024-03-01\n", "")},
                                {("a.md", 5, "VB202", "error")}),
}


# A registry entry missing its name (the registries are files staff edit too).
BAD_TOPIC = "loi-danh-muc: {ten: Thiếu name}\n"


def corpus() -> tuple[dict[str, str | bytes], set[tuple[str, int | None, str, str]]]:
    topics = (REGISTRIES / "topics.yml").read_text(encoding="utf-8")
    files: dict[str, str | bytes] = {"_registries/topics.yml": topics + BAD_TOPIC}
    expected = {("_registries/topics.yml", topics.count("\n") + 1, "VB603", "error")}
    for case, (case_files, problems) in CASES.items():
        for name, text in case_files.items():
            files[f"{case}/{name}"] = text
        expected |= {(f"{case}/{name}", line, code, severity) for name, line, code, severity in problems}
    return files, expected


def make_corpus(folder: Path) -> Path:
    files, _ = corpus()
    make_archive(folder, files)
    # Of two files that are the same document, the older one keeps the address.
    for case in ("duplicate-number", "duplicate-unnumbered", "alias-taken", "relation-ambiguous", "citation-ambiguous"):
        os.utime(folder / case / "a.md", (1_600_000_000, 1_600_000_000))
    return folder


def _relative(path: str, folder: Path) -> str:
    return path.split(folder.name + "/", 1)[-1]


def check(folder: Path, *args: str) -> tuple[int, set[tuple]]:
    proc = subprocess.run([VANBAN, "check", "--format", "json", "--directives", str(folder), *args],
                          cwd=folder.parent, capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stdout)
    assert report["schema_version"] == 1
    return proc.returncode, {(_relative(p["path"], folder), p["line"], p["code"], p["severity"], p["field"])
                             for p in report["problems"]}


_LOGGED = re.compile(r"^(?P<level>ERROR|WARNING|INFO)\s+-\s+(?P<path>\S+?)(?::(?P<line>\d+))?: (?P<sev>lỗi|cảnh báo) "
                     r"(?P<code>VB\d+)(?: \[(?P<field>[^ ]+)\])?: ", re.M)


def logged(output: str, folder: Path) -> set[tuple]:
    found = set()
    for m in _LOGGED.finditer(output):
        severity = "error" if m["sev"] == "lỗi" else "warning"
        # MkDocs' own strict mode fails on logged warnings: a warning --strict tolerates is information.
        assert m["level"] == ("ERROR" if severity == "error" else "WARNING" if RULES[m["code"]].strict else "INFO"), m[0]
        found.add((_relative(m["path"], folder), int(m["line"]) if m["line"] else None, m["code"], severity, m["field"]))
    return found


class _Items(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.items: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs) -> None:
        found = dict(attrs)
        if tag == "li" and "vb-problem" in (found.get("class") or "").split():
            self.items.append(found)


def listed(html: str, folder: Path) -> set[tuple]:
    parser = _Items()
    parser.feed(html)
    return {(_relative(a["data-path"], folder), int(a["data-line"]) if a["data-line"] else None, a["data-code"],
             a["data-severity"], a["data-field"] or None) for a in parser.items}


def without_field(problems: set[tuple]) -> set[tuple]:
    return {p[:4] for p in problems}


def test_every_rule_is_documented_and_the_corpus_covers_thirty_kinds():
    reference = FIELD_REFERENCE.read_text(encoding="utf-8")
    undocumented = [code for code in RULES if f"`{code}`" not in reference]
    assert undocumented == []
    _, expected = corpus()
    assert len(CASES) >= 30 and len({code for _, _, code, _ in expected}) >= 30


def test_check_builds_and_preview_agree_on_every_bad_input(tmp_path):
    folder = make_corpus(tmp_path / "d")
    _, expected = corpus()
    status, checked = check(folder)
    assert without_field(checked) == expected
    # Every problem names its field, except those of the whole file and of the body's text.
    whole_file = ("VB102", "VB104", "VB105", "VB106", "VB511", "VB512")
    assert [p for p in checked if not p[4] and p[2] not in whole_file] == []
    strict_status, strict_checked = check(folder, "--strict")
    escalated = {(p, line, code, "error" if RULES[code].strict else severity, field)
                 for p, line, code, severity, field in checked}
    assert strict_checked == escalated and status == strict_status == 1

    build = run_build(tmp_path / "site", folder, strict=False)
    assert (build.returncode, logged(build.output, folder)) == (1, checked), build.output[-3000:]
    strict = run_build(tmp_path / "site-strict", folder)
    assert (strict.returncode, logged(strict.output, folder)) == (1, strict_checked), strict.output[-3000:]
    assert "Traceback" not in build.output + strict.output
    # Every valid directive is still published, the externally declared relation without a link.
    assert "749/QĐ-TTg của Thủ tướng Chính phủ" in build.page("van-ban/2024/02-kh-ubnd/")

    server = Server(folder, tmp_path / "serve.log", tmp_path)
    try:
        server.wait_rebuild(1)
        wait_for(lambda: "Serving on" in server.text(), "the server")
        status_code, page = fetch(server.base, "loi-can-sua/")
        assert status_code == 200 and listed(page, folder) == checked
        assert "<img" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    finally:
        server.stop()


@pytest.mark.parametrize("name, files, statuses", [
    # (check, check --strict, build, build --strict)
    ("outside-the-archive", {"a.md": doc(1, extra="relations:\n  based_on: [749/QĐ-TTg]\n", body="Căn cứ Luật số 80/2015/QH13;")},
     (0, 0, 0, 0)),
    ("strict-warning", {"a.md": doc(2, extra="ghi_chu: x\n")}, (0, 1, 0, 1)),
    ("error", {"a.md": doc(3, date="2023-02-30"), "b.md": doc(4)}, (1, 1, 1, 1)),
])
def test_exit_status_agrees(tmp_path, name, files, statuses):
    folder = make_archive(tmp_path / "d", files)
    got = (check(folder)[0], check(folder, "--strict")[0], run_build(tmp_path / "s1", folder, strict=False).returncode,
           run_build(tmp_path / "s2", folder).returncode)
    assert got == statuses
