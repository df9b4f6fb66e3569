"""The loader reports every problem with file, line, field and a Vietnamese message."""

import os
import re
from pathlib import Path

import pytest

from conftest import REGISTRIES, fixture_text, make_archive
from vanban.loader import load_directive
from vanban.project import load_archive
from vanban.registry import load_registries


@pytest.fixture(scope="module")
def registries():
    regs, problems = load_registries(REGISTRIES.parent)
    assert problems == []
    return regs


def load(tmp_path: Path, text: str | bytes, name: str = "vb.md", registries=None, extra: dict | None = None):
    make_archive(tmp_path, {name: text, **(extra or {})}, registries=False)
    regs = registries or load_registries(REGISTRIES.parent)[0]
    return load_directive(tmp_path / name, regs, tmp_path)


def replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


VALID = fixture_text("ke-hoach-hop-le.md")


def test_valid_directive(tmp_path, registries):
    d, problems = load(tmp_path, VALID, registries=registries)
    assert problems == []
    assert d.number.text == "02/KH-UBND"
    assert d.url == "van-ban/2023/02-kh-ubnd/"
    assert d.date.display() == "04/01/2023"
    assert d.signer.form == "KT. CHỦ TỊCH"
    assert [t.name for t in d.topics] == ["Cải cách hành chính"]


def test_subject_drops_vv_prefix(tmp_path, registries):
    d, problems = load(tmp_path, fixture_text("cong-van-hop-le.md"), registries=registries)
    assert problems == []
    assert d.subject.startswith("tăng cường")


def only(problems):
    assert len(problems) == 1, [p.format() for p in problems]
    return problems[0]


def test_malformed_yaml_names_line(tmp_path, registries):
    bad = replace(VALID, "subject: Cải cách", "subject: [Cải cách")
    d, problems = load(tmp_path, bad, registries=registries)
    p = only(problems)
    assert d is None
    assert p.path == "vb.md" and p.line is not None
    assert "YAML sai cú pháp" in p.message


def test_missing_required_field(tmp_path, registries):
    d, problems = load(tmp_path, replace(VALID, "issuer: ubnd-tinh\n", ""), registries=registries)
    p = only(problems)
    assert d is None and p.field == "issuer" and "Thiếu trường bắt buộc" in p.message


@pytest.mark.parametrize("field, old, new, expected", [
    ("type", "type: ke-hoach", "type: ke-hoach-x", "danh mục loại văn bản"),
    ("issuer", "issuer: ubnd-tinh", "issuer: ubnd-xyz", "danh mục cơ quan ban hành"),
    ("topics", "topics: [cai-cach-hanh-chinh]", "topics: [khong-co]", "lĩnh vực 'khong-co'"),
])
def test_unknown_registry_key(tmp_path, registries, field, old, new, expected):
    d, problems = load(tmp_path, replace(VALID, old, new), registries=registries)
    p = only(problems)
    assert d is None and p.field.split("[")[0] == field and expected in p.message
    assert p.line == VALID.splitlines().index(old) + 1


@pytest.mark.parametrize("value", ["2023-02-30", "2023-13-01", "04/01/2023", "hôm qua", "1899"])
def test_impossible_or_malformed_date(tmp_path, registries, value):
    d, problems = load(tmp_path, replace(VALID, "date: 2023-01-04", f"date: {value}"), registries=registries)
    p = only(problems)
    assert d is None and p.field == "date" and p.line == 4
    assert value in p.message or "ngoài khoảng" in p.message


@pytest.mark.parametrize("value, shown", [("2023", "2023"), ("2023-01", "01/2023")])
def test_partial_date_is_allowed(tmp_path, registries, value, shown):
    d, problems = load(tmp_path, replace(VALID, "date: 2023-01-04", f"date: {value}"), registries=registries)
    assert problems == [] and d.date.display() == shown and not d.date.is_complete


def test_unnumbered_copy_needs_slug(tmp_path, registries):
    text = replace(VALID, "number: 02/KH-UBND", "number: /KH-UBND")
    d, problems = load(tmp_path, text, registries=registries)
    assert d is None and only(problems).field == "slug"
    d, problems = load(tmp_path, text.replace("type:", "slug: kh-ubnd-khong-so\ntype:"), registries=registries)
    assert problems == [] and d.url == "van-ban/2023/kh-ubnd-khong-so/"


@pytest.mark.parametrize("file, expected", [
    ("khong-co.pdf", "Không tìm thấy tệp đính kèm"),
    ("../ngoai.pdf", "trỏ ra ngoài thư mục"),
    ("/etc/passwd", "đường dẫn tuyệt đối"),
])
def test_bad_attachment(tmp_path, registries, file, expected):
    text = replace(VALID, "topics:", f"attachments:\n  - file: {file}\n    title: Tệp\ntopics:")
    d, problems = load(tmp_path, text, registries=registries)
    p = only(problems)
    assert d is None and p.field == "attachments[0].file" and expected in p.message


def test_attachment_beside_directive(tmp_path, registries):
    text = replace(VALID, "topics:", "attachments:\n  - file: ban-ky-so.pdf\n    title: Bản ký số\ntopics:")
    d, problems = load(tmp_path, text, registries=registries, extra={"ban-ky-so.pdf": b"%PDF-1.4 x"})
    assert problems == []
    a = d.attachments[0]
    assert (a.title, a.extension, a.size) == ("Bản ký số", "PDF", 10)


@pytest.mark.parametrize("content, expected", [
    (b"", "Tệp rỗng"),
    (b"\x00\x01binary", "không phải văn bản"),
    ("---\nnumber: 1\n".encode(), "front matter"),
    ("---\nsubject: Ph\xe1p\n---\n".encode("latin-1"), "UTF-8"),
    (b"---\na: &a [x, *a]\n---\n", "YAML"),
])
def test_unreadable_files(tmp_path, registries, content, expected):
    d, problems = load(tmp_path, content, registries=registries)
    assert d is None and expected in only(problems).message


def test_every_problem_is_reported_not_just_the_first(tmp_path, registries):
    text = replace(replace(VALID, "type: ke-hoach", "type: sai"), "date: 2023-01-04", "date: 2023-02-30")
    d, problems = load(tmp_path, text, registries=registries)
    assert d is None and {p.field for p in problems} == {"type", "date"}


def test_unknown_field_is_a_warning(tmp_path, registries):
    d, problems = load(tmp_path, replace(VALID, "subject:", "subjet: x\nsubject:"), registries=registries)
    p = only(problems)
    assert d is not None and not p.is_error and p.field == "subjet"


def test_todo_left_by_importer_is_an_error(tmp_path, registries):
    d, problems = load(tmp_path, replace(VALID, "date: 2023-01-04", "date: TODO (bản gốc để trống ngày)"), registries=registries)
    assert d is None and any(p.field == "date" and "Chưa điền" in p.message for p in problems)


def test_duplicate_number_names_both_files_and_which_keeps_the_address(tmp_path):
    make_archive(tmp_path / "d", {"a.md": VALID})
    os.utime(tmp_path / "d" / "a.md", (1_600_000_000, 1_600_000_000))  # the older file keeps the address
    # An unrelated file relates to that number: the one keeping it resolves, no warning follows.
    related = VALID.replace("02/KH-UBND", "05/KH-UBND").replace(
        "topics:", "relations:\n  implements: [{number: 02/KH-UBND, year: 2023}]\ntopics:")
    make_archive(tmp_path / "d", {"sub/b.md": VALID, "c.md": related + "Thực hiện Kế hoạch số 02/KH-UBND ngày 04/01/2023.\n"})
    loaded = load_archive(tmp_path / "d", tmp_path)
    [dup] = loaded.problems
    assert (dup.code, dup.path, dup.field, dup.line) == ("VB401", "d/sub/b.md", "number", 2)
    assert dup.message.startswith("Trùng số ký hiệu 02/KH-UBND (UBND tỉnh, năm 2023) với d/a.md: văn bản đó giữ "
                                  "đường dẫn /van-ban/2023/02-kh-ubnd/; tệp này không được đăng.")
    assert "slug" not in dup.message
    assert sorted(d.rel_path for d in loaded.archive.directives) == ["d/a.md", "d/c.md"]


def test_same_address_of_two_documents_advises_a_slug(tmp_path):
    other = VALID.replace("issuer: ubnd-tinh", "issuer: hdnd-tinh").replace("KH-UBND", "KH-HĐND")
    make_archive(tmp_path / "d", {"a.md": VALID.replace("02/KH-UBND", "02/KH-UBND"), "b.md": other,
                                  "c.md": VALID.replace("number: 02/KH-UBND", "number: 03/KH-UBND\naliases: [/van-ban/2023/02-kh-hdnd/]")})
    loaded = load_archive(tmp_path / "d", tmp_path)
    [dup] = loaded.problems
    assert dup.code == "VB402" and "slug" in dup.message and "/van-ban/2023/02-kh-hdnd/" in dup.message


def test_same_number_in_another_year_is_fine(tmp_path):
    other_year = replace(VALID, "date: 2023-01-04", "date: 2026-01-04")
    make_archive(tmp_path / "d", {"a.md": VALID, "b.md": other_year})
    loaded = load_archive(tmp_path / "d", tmp_path)
    assert loaded.problems == []
    assert sorted(d.url for d in loaded.archive.directives) == ["van-ban/2023/02-kh-ubnd/", "van-ban/2026/02-kh-ubnd/"]


def test_duplicate_number_same_year_with_slug(tmp_path):
    make_archive(tmp_path / "d", {"a.md": VALID, "b.md": replace(VALID, "type:", "slug: khac\ntype:")})
    loaded = load_archive(tmp_path / "d", tmp_path)
    assert {p.field for p in loaded.errors} == {"number"}
    assert all("Trùng số ký hiệu" in p.message for p in loaded.errors)


def test_loader_never_writes_into_directives(tmp_path):
    folder = make_archive(tmp_path / "d", {"a.md": VALID, "b.md": "rác"})
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    load_archive(folder, tmp_path)
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_loading_on_several_cores_gives_the_same_directives_and_problems(tmp_path, monkeypatch):
    # Above PARALLEL_THRESHOLD files, forked workers read them; the directives must come back in
    # file order with the parent's registry entries, and every problem must be reported.
    import subprocess
    import sys

    from vanban.loader import PARALLEL_THRESHOLD

    folder = tmp_path / "d"
    subprocess.run([sys.executable, str(Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"),
                    str(folder), "--count", str(PARALLEL_THRESHOLD)], check=True, capture_output=True, timeout=300)
    (folder / "xau-yaml.md").write_text("---\nnumber: 1/KH\ntype: [ke-hoach\n---\nx\n", encoding="utf-8")
    (folder / "xau-ngay.md").write_text(fixture_text("ke-hoach-hop-le.md").replace("2023-01-04", "2023-02-30"),
                                        encoding="utf-8")
    monkeypatch.setenv("VANBAN_WORKERS", "1")
    serial = load_archive(folder, tmp_path)
    monkeypatch.setenv("VANBAN_WORKERS", "2")
    parallel = load_archive(folder, tmp_path)
    assert [d.source for d in parallel.archive.directives] == [d.source for d in serial.archive.directives]
    assert [(d.stamp, d.url, d.body) for d in parallel.archive.directives] == [(d.stamp, d.url, d.body) for d in serial.archive.directives]
    assert [p.format() for p in parallel.problems] == [p.format() for p in serial.problems]
    assert {p.path for p in parallel.problems if p.severity == "error"} >= {"d/xau-yaml.md", "d/xau-ngay.md"}
    # Directives share the registry entries of the archive they belong to (not copies).
    types = {id(t) for t in parallel.archive.registries.types}
    assert all(id(d.type) in types for d in parallel.archive.directives)
    # One object for each value directives repeat (a signer, a "Nơi nhận" list, a date), however
    # the files were read: the build holds them all to the end, and forked writers share them.
    for loaded in (serial, parallel):
        for values in ([d.signer for d in loaded.archive.directives if d.signer],
                       [d.recipients for d in loaded.archive.directives],
                       [d.date for d in loaded.archive.directives if d.date]):
            objects: dict = {}
            for value in values:
                objects.setdefault(value, set()).add(id(value))
            assert len(objects) < len(values)  # the generated archive repeats them
            assert all(len(ids) == 1 for ids in objects.values())


# -- the rulebook's messages: Vietnamese, at the line of the field, saying what to write ---------

ENGLISH = re.compile(r"\b(found|mapping|token|scalar|expected|while|scanning|stream|allowed)\b")


@pytest.mark.parametrize("old, new, code, line, words", [
    ("  name: Nguyễn Văn A", "\tname: Nguyễn Văn A", "VB108", 10, "ký tự tab"),
    ("subject: Cải cách hành chính tỉnh Lạng Sơn năm 2023", 'subject: "Cải cách hành chính', "VB109", 6,
     "mở ở dòng 6 chưa được đóng"),
    ("subject: Cải cách", "subject: V/v cải cách: hành chính", "VB107", 6, "đặt cả giá trị trong ngoặc kép"),
    ("date: 2023-01-04", "date: 2023-01-04\ndate: 2023-01-05", "VB112", 5, "ghi hai lần (dòng 4 và dòng 5)"),
])
def test_yaml_problems_are_vietnamese_at_the_right_line(tmp_path, registries, old, new, code, line, words):
    d, problems = load(tmp_path, replace(VALID, old, new), registries=registries)
    p = only(problems)
    assert d is None and (p.code, p.line) == (code, line) and words in p.message, p
    assert not ENGLISH.search(p.message), p.message


@pytest.mark.parametrize("line_break", ["\r", "\r\n", "\u2028", "\u2029"], ids=["CR", "CRLF", "LS", "PS"])
def test_every_line_break_an_editor_shows_counts_as_a_line(tmp_path, registries, line_break):
    # Old Mac files end lines with a lone CR; text pasted from the web may hold U+2028/U+2029. Editors
    # and the YAML reader both start a new line there: the file reads as with "\n", and a problem
    # names the line the staff member sees (a lone CR once ended the check in a traceback).
    d, problems = load(tmp_path / "ok", VALID.replace("\n", line_break), registries=registries)
    assert problems == [] and d.number.text == "02/KH-UBND" and d.date.display() == "04/01/2023"
    bad = replace(VALID, "  name: Nguyễn Văn A", "\tname: Nguyễn Văn A").replace("\n", line_break)
    d, problems = load(tmp_path / "tab", bad, registries=registries)
    assert d is None and [(p.code, p.line) for p in problems] == [("VB108", 10)]


@pytest.mark.parametrize("raw", [b'---\n$\r&:\n---', b'---\n"\r":\n---', b'---\na: 1\r  b: 2\n---\n'])
def test_a_yaml_error_beside_a_lone_carriage_return_is_a_problem_not_a_traceback(tmp_path, registries, raw):
    d, problems = load(tmp_path, raw, registries=registries)
    assert d is None and problems and all(p.path == "vb.md" and p.line for p in problems)


@pytest.mark.parametrize("old, new, code, words", [
    ("number: 02/KH-UBND", "number: 02/QĐ-UBND", "VB301", "của loại Quyết định, nhưng type: ke-hoach"),
    ("number: 02/KH-UBND", "number: 02/XYZ-UBND", "VB302", "'XYZ' trong '02/XYZ-UBND' không có trong danh mục"),
    ("number: 02/KH-UBND", "number: 02/KH-STTTT", "VB303", "'STTTT' trong số ký hiệu '02/KH-STTTT' không khớp"),
    ("date: 2023-01-04", "date: 2099-01-04", "VB209", "ở sau hôm nay"),
    ("name: Nguyễn Văn A", "name: Nguyễn Văn A TODO kiểm tra", "VB203", "Chưa điền"),
])
def test_number_date_and_todo_rules(tmp_path, registries, old, new, code, words):
    d, problems = load(tmp_path, replace(VALID, old, new), registries=registries)
    p = only(problems)
    assert d is None and p.code == code and p.is_error and words in p.message, p


def test_a_cong_van_starts_with_its_issuer(tmp_path, registries):
    cong_van = fixture_text("cong-van-hop-le.md")
    d, problems = load(tmp_path, cong_van, registries=registries)
    assert d is not None and problems == []
    d, problems = load(tmp_path, cong_van.replace("1562/UBND-KT", "1562/QĐ-UBND"), registries=registries)
    assert only(problems).code == "VB301" and "ghi type: quyet-dinh" in only(problems).message
