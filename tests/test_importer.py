"""`vanban import` as staff run it: documents in, directive files out, `check` and the build on the result."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, ROOT, make_archive, run_build

VANBAN = str(Path(sys.executable).parent / "vanban")
# The real document the project started from (../shared/seed), committed as a fixture so a clean
# clone in CI imports it too.
SEED = FIXTURES / "seed" / "seed-stttt.txt"
SAMPLE = ROOT / "directives" / "2023" / "stttt-tuyen-truyen-cchc-sap-nhap-thon.md"
IMPORT = FIXTURES / "import"
GOLDEN = IMPORT / "golden"
REGEN = os.environ.get("VANBAN_REGEN_GOLDEN") == "1"


def vanban(*args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    # Imports run in a project of their own: the sample archive already holds several of these
    # documents, and importing one of them there is (rightly) refused as a duplicate.
    cwd = cwd or (_empty_project() if args[:1] == ("import",) else ROOT)
    return subprocess.run([VANBAN, *args], cwd=cwd, capture_output=True, text=True, timeout=120, input=stdin)


def _empty_project() -> Path:
    global _EMPTY
    if _EMPTY is None:
        _EMPTY = Path(tempfile.mkdtemp(prefix="vanban-import-"))
        make_archive(_EMPTY / "directives", {})
        (_EMPTY / "mkdocs.yml").write_text("site_name: thử\n", encoding="utf-8")
    return _EMPTY


_EMPTY: Path | None = None


@pytest.fixture(scope="module", autouse=True)
def _remove_the_empty_project():
    # Made outside pytest's own folders (a helper cannot ask for tmp_path), so removed here.
    global _EMPTY
    yield
    if _EMPTY is not None:
        shutil.rmtree(_EMPTY, ignore_errors=True)
        _EMPTY = None


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def body_of(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[1]


@pytest.fixture(scope="module")
def seed() -> Path:
    return SEED


# -- the seed document -------------------------------------------------------------------------


def test_seed_imports_every_stated_field_like_the_hand_made_entry(seed, tmp_path):
    proc = vanban("import", str(seed), "-d", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    [written] = tmp_path.glob("*.md")
    assert f"Đã ghi {written}" in proc.stdout
    assert "Cần điền (TODO): number, date" in proc.stdout
    got, want = front_matter(written), front_matter(SAMPLE)
    # The blanks of the copy stay blanks, as explicit TODOs: never an invented number or day.
    assert got.pop("number") == "TODO: " + want.pop("number") == "TODO: /STTTT-TTBCXB"
    assert got.pop("date") == f"TODO: {want.pop('date')}"
    want.pop("slug")  # hand-chosen short URL; the importer proposes its own only with --keep-blank
    assert got == want


def test_imported_seed_fails_check_only_on_its_blanks(seed, tmp_path):
    folder = make_archive(tmp_path / "directives", {})
    assert vanban("import", str(seed), "-d", str(folder / "2023")).returncode == 0
    proc = vanban("check", "--directives", str(folder), cwd=tmp_path)
    assert proc.returncode == 1
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 2 and all(": lỗi VB203 [" in line and "Chưa điền" in line for line in lines)
    proc = vanban("check", "--directives", str(folder), "--format", "json", cwd=tmp_path)
    problems = __import__("json").loads(proc.stdout)["problems"]
    assert [(p["field"], p["severity"]) for p in problems] == [("number", "error"), ("date", "error")]


def _meta_blocks(html: str) -> dict[str, str]:
    blocks = {}
    for name, pattern in [("title", r'<h1 [^>]*class="vb-title">.*?</h1>'), ("table", r'<table class="vb-meta">.*?</table>'),
                          ("attachments", r'<section class="vb-attachments".*?</section>')]:
        match = re.search(pattern, html, re.DOTALL)
        assert match, name
        blocks[name] = match.group(0)
    blocks["notices"] = "\n".join(re.findall(r'<p class="vb-notice"[^>]*>.*?</p>', html, re.DOTALL))
    return blocks


def test_imported_seed_builds_a_page_identical_in_metadata(seed, sample_site, tmp_path):
    # The hand-made entry's place in the archive is taken by the imported copy (same number).
    folder = tmp_path / "directives"
    shutil.copytree(ROOT / "directives", folder)
    (folder / SAMPLE.relative_to(ROOT / "directives")).unlink()
    proc = vanban("import", str(seed), "--keep-blank", "-d", str(folder / "2023"))
    assert proc.returncode == 0, proc.stderr
    assert "Cần điền (TODO)" not in proc.stdout
    slug = front_matter(next((folder / "2023").glob("stttt-ttbcxb-*.md")))["slug"]
    assert vanban("check", "--directives", str(folder), cwd=tmp_path).returncode == 0
    built = run_build(tmp_path / "site", directives=folder)
    assert built.returncode == 0, built.output
    mine = _meta_blocks(built.page(f"van-ban/2023/{slug}/"))
    theirs = _meta_blocks(sample_site.page(f"van-ban/2023/{front_matter(SAMPLE)['slug']}/"))
    assert "Lê Hải Yến" in mine["table"] and "Lâm nghiệp" in mine["table"]
    assert mine == theirs


def test_imported_seed_body_keeps_sections_and_joins_the_page_break(seed, tmp_path):
    vanban("import", str(seed), "-o", str(tmp_path / "x.md"))
    body = body_of(tmp_path / "x.md")
    assert re.findall(r"^### (\d)\. ", body, re.MULTILINE) == ["1", "2", "3", "4", "5"]
    assert "tinh gọn bộ máy" in body  # the copy's page break inside a sentence is not a paragraph
    assert "\n- Báo Lạng Sơn" not in body and "Nơi nhận" not in body and "Lê Hải Yến" not in body
    # Every paragraph of the hand-made entry is there, word for word (it only adds emphasis).
    for paragraph in body_of(SAMPLE).split("\n\n"):
        plain = paragraph.strip().strip("*")
        assert plain in body


# -- other types -------------------------------------------------------------------------------

TXT_FIXTURES = sorted(p.name for p in IMPORT.glob("*.txt"))


@pytest.mark.parametrize("name", TXT_FIXTURES)
def test_text_fixture_matches_golden_and_passes_check(name, tmp_path):
    out = tmp_path / "directives" / "2025" / "x.md"
    make_archive(tmp_path / "directives", {})
    proc = vanban("import", str(IMPORT / name), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Cần điền (TODO)" not in proc.stdout
    text = out.read_text(encoding="utf-8").replace(str(IMPORT / name), name)
    golden = GOLDEN / (Path(name).stem + ".md")
    if REGEN:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), f"VANBAN_REGEN_GOLDEN=1 pytest {__file__} regenerates"
    check = vanban("check", "--directives", str(tmp_path / "directives"), cwd=tmp_path)
    assert check.returncode == 0, check.stdout


def test_a_narrow_copy_keeps_each_article_and_chapter_heading_whole(tmp_path):
    # A legal text copied from a narrow web column (Thông tư 15/2011/TT-BTTTT as thuvienphapluat.vn
    # shows it, an excerpt): "Điều" / "1. Phạm vi …"
    # and "Chương" / "I" are each one heading, as printed; the article keeps its anchor for citations.
    vanban("import", str(IMPORT / "web-copy" / "thong-tu-15-2011-btttt.txt"), "-o", str(tmp_path / "tt.md"))
    body = body_of(tmp_path / "tt.md")
    assert "\n## Chương I\n" in body
    assert "\n**Điều 1.** Phạm vi điều chỉnh và đối tượng áp dụng:\n" in body
    assert not re.search(r"^(?:Điều|Chương)$", body, re.MULTILINE)
    assert front_matter(tmp_path / "tt.md")["relations"] == {"based_on": [{"number": "187/2007/NĐ-CP", "year": 2007}]}


def test_quyet_dinh_articles_and_legal_basis(tmp_path):
    vanban("import", str(IMPORT / "quyet-dinh.txt"), "-o", str(tmp_path / "qd.md"))
    fm, body = front_matter(tmp_path / "qd.md"), body_of(tmp_path / "qd.md")
    assert (fm["type"], fm["number"], fm["date"], fm["issuer"]) == ("quyet-dinh", "40/QĐ-STTTT", "2025-06-02", "stttt")
    assert fm["subject"].startswith("Ban hành Quy chế")  # "Về việc" is not part of the trích yếu
    assert fm["signer"] == {"form": "Q. GIÁM ĐỐC", "position": "", "name": "Trần Thị Minh Họa"}
    assert fm["relations"]["based_on"] == [{"number": "30/2020/NĐ-CP", "year": 2020}, {"number": "15/QĐ-STTTT", "year": 2024}]
    assert re.findall(r"^\*\*Điều (\d)\.\*\* ", body, re.MULTILINE) == ["1", "2", "3"]
    assert "## QUYẾT ĐỊNH:" in body


def test_ke_hoach_roman_sections_become_headings(tmp_path):
    vanban("import", str(IMPORT / "ke-hoach.txt"), "-o", str(tmp_path / "kh.md"))
    body = body_of(tmp_path / "kh.md")
    assert re.findall(r"^## ([IVX]+)\. ", body, re.MULTILINE) == ["I", "II", "III"]
    # A numbered sentence keeps its number as text (Markdown would renumber a list).
    assert "1\\. Nâng cao nhận thức" in body and "### 1. Tuyên truyền các nhiệm vụ" in body


def test_thong_bao_sub_bullets_nest(tmp_path):
    vanban("import", str(IMPORT / "thong-bao.txt"), "-o", str(tmp_path / "tb.md"))
    assert "\n    - Rà soát danh mục hồ sơ năm 2024." in body_of(tmp_path / "tb.md")
    assert front_matter(tmp_path / "tb.md")["signer"]["position"] == "CHÁNH VĂN PHÒNG"


def test_giay_moi_inline_recipient(tmp_path):
    vanban("import", str(IMPORT / "giay-moi.txt"), "-o", str(tmp_path / "gm.md"))
    fm = front_matter(tmp_path / "gm.md")
    assert fm["type"] == "giay-moi" and fm["recipients"] == ["Văn thư các phòng, đơn vị thuộc Sở"]


def _make_docx(path: Path) -> None:
    # Laid out as Word templates are: the header and the signature block are borderless 2-column tables.
    import docx

    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.paragraphs[0].text = "UBND TỈNH LẠNG SƠN"
    for text in ["SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Số: 245/STTTT-VP", "V/v triển khai ứng dụng chữ ký số",
                 "trong cơ quan nhà nước"]:
        left.add_paragraph(text)
    right.paragraphs[0].text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    right.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    right.add_paragraph("Lạng Sơn, ngày 05 tháng 11 năm 2025")
    document.add_paragraph("Kính gửi:")
    document.add_paragraph("- Các phòng, đơn vị thuộc Sở;")
    document.add_paragraph("- Trung tâm Công nghệ số.")
    document.add_paragraph("Căn cứ Quyết định số 40/QĐ-STTTT ngày 02/6/2025 của Sở Thông tin và Truyền thông, "
                           "Sở đề nghị các phòng, đơn vị:")
    document.add_paragraph("1. Rà soát chứng thư số")
    document.add_paragraph("- Lập danh sách cán bộ cần cấp mới chứng thư số.")
    document.add_paragraph("Đề nghị các phòng, đơn vị thực hiện nghiêm túc./.")
    foot = document.add_table(rows=1, cols=2)
    copies, signature = foot.rows[0].cells
    copies.paragraphs[0].text = "Nơi nhận:"
    for text in ["- Như trên;", "- Lưu: VT, VP."]:
        copies.add_paragraph(text)
    signature.paragraphs[0].text = "KT. GIÁM ĐỐC"
    for text in ["PHÓ GIÁM ĐỐC", "", "", "Lê Hải Yến"]:
        signature.add_paragraph(text)
    document.save(str(path))


def test_docx_with_header_and_signature_tables(tmp_path):
    source = tmp_path / "cong-van.docx"
    _make_docx(source)
    folder = make_archive(tmp_path / "directives", {})
    proc = vanban("import", str(source), "-d", str(folder / "2025"))
    assert proc.returncode == 0, proc.stderr
    written = folder / "2025" / "245-stttt-vp.md"
    fm = front_matter(written)
    assert fm["number"] == "245/STTTT-VP" and fm["type"] == "cong-van" and fm["issuer"] == "stttt"
    assert fm["date"] == "2025-11-05"
    assert fm["subject"] == "V/v triển khai ứng dụng chữ ký số trong cơ quan nhà nước"
    assert fm["recipients"] == ["Các phòng, đơn vị thuộc Sở", "Trung tâm Công nghệ số"]
    assert fm["distribution"] == ["Như trên", "Lưu: VT, VP"]
    assert fm["signer"] == {"form": "KT. GIÁM ĐỐC", "position": "PHÓ GIÁM ĐỐC", "name": "Lê Hải Yến"}
    assert fm["relations"] == {"based_on": [{"number": "40/QĐ-STTTT", "year": 2025}]}
    assert "### 1. Rà soát chứng thư số" in body_of(written)
    assert vanban("check", "--directives", str(folder), cwd=tmp_path).returncode == 0


def test_text_layer_pdf(tmp_path):
    out = tmp_path / "tb.md"
    proc = vanban("import", str(IMPORT / "thong-bao-ky-so.pdf"), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    fm, body = front_matter(out), body_of(out)
    assert (fm["number"], fm["type"], fm["date"], fm["issuer"]) == ("07/TB-STTTT", "thong-bao", "2025-03-20", "stttt")
    assert fm["subject"] == "Lịch hướng dẫn sử dụng chữ ký số cho cán bộ, công chức"
    assert fm["signer"]["name"] == "Hoàng Văn Minh Họa" and fm["distribution"][-1] == "Lưu: VT, VP"
    # Lines the PDF wrapped are one paragraph again; headings and bullets stay apart.
    assert "Hệ thống hội nghị truyền hình của tỉnh." in body
    assert "### 2. Tổ chức thực hiện\n\nVăn phòng Sở tổng hợp" in body


# -- what staff must be protected from ---------------------------------------------------------


def test_never_overwrites_without_force(tmp_path):
    out = tmp_path / "kh.md"
    out.write_text("bản của tôi", encoding="utf-8")
    proc = vanban("import", str(IMPORT / "ke-hoach.txt"), "-o", str(out))
    assert proc.returncode == 1
    assert "không ghi đè" in proc.stderr and "--force" in proc.stderr
    assert out.read_text(encoding="utf-8") == "bản của tôi"
    proc = vanban("import", str(IMPORT / "ke-hoach.txt"), "-o", str(out), "--force")
    assert proc.returncode == 0 and out.read_text(encoding="utf-8").startswith("---\n")


def test_output_file_with_many_inputs_is_refused(tmp_path):
    proc = vanban("import", str(IMPORT / "ke-hoach.txt"), str(IMPORT / "giay-moi.txt"), "-o", str(tmp_path / "x.md"))
    assert proc.returncode == 2 and "-d" in proc.stderr and not (tmp_path / "x.md").exists()


def tidy_folder(tmp_path: Path) -> Path:
    """The six tidy fixtures in a folder of their own (IMPORT also holds the real corpus)."""
    folder = tmp_path / "van-ban-den"
    folder.mkdir()
    for path in IMPORT.iterdir():
        if path.is_file() and path.suffix in (".txt", ".pdf"):
            shutil.copy(path, folder / path.name)
    return folder


def test_folder_import_writes_each_document_without_a_bar_in_logs(tmp_path):
    proc = vanban("import", str(tidy_folder(tmp_path)), "-d", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in tmp_path.glob("*.md"))
    assert names == ["02-kh-ubnd.md", "05-tb-stttt.md", "07-tb-stttt.md", "12-kh-stttt.md", "20-gm-stttt.md",
                     "40-qd-stttt.md"]
    assert proc.stdout.count("Đã ghi ") == 6
    assert "\r" not in proc.stderr and "it/s" not in proc.stderr and "tệp/s" not in proc.stderr


def test_progress_bar_on_a_terminal(tmp_path):
    # stderr is a terminal here, as when staff run the command themselves.
    seen = run_on_terminal([VANBAN, "import", str(tidy_folder(tmp_path)), "-d", str(tmp_path)])
    assert "Nhập" in seen and "6/6" in seen


def run_on_terminal(cmd: list[str]) -> str:
    """Run with stderr on a pseudo-terminal of 100×30 characters; returns what the terminal received."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=follower, text=True, timeout=300, cwd=_empty_project())
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert proc.returncode in (0, 1), seen
    return seen.decode("utf-8", "replace")


def test_unknown_issuer_and_missing_number_are_todos(tmp_path):
    source = tmp_path / "la.txt"
    source.write_text("BAN QUẢN LÝ KHU KINH TẾ CỬA KHẨU\n\nLạng Sơn, ngày 03 tháng 4 năm 2025\n\n"
                      "THÔNG BÁO\nVề lịch tiếp công dân\n\nBan thông báo lịch tiếp công dân./.\n", encoding="utf-8")
    folder = make_archive(tmp_path / "directives", {})
    proc = vanban("import", str(source), "-d", str(folder / "2025"))
    assert proc.returncode == 0
    assert "Cần điền (TODO): number, issuer" in proc.stdout
    assert "BAN QUẢN LÝ KHU KINH TẾ CỬA KHẨU" in proc.stdout  # the review note names what was not found
    check = vanban("check", "--directives", str(folder), "--format", "json", cwd=tmp_path)
    assert check.returncode == 1
    assert sorted(p["field"] for p in __import__("json").loads(check.stdout)["problems"]) == ["issuer", "number"]


def test_legacy_encodings_are_refused_not_garbled(tmp_path):
    cp1258 = tmp_path / "cu.txt"
    cp1258.write_bytes(b"S\xf5\xd2 Th\xf4ng tin\nS\xf4\xec: 05/TB-STTTT\n")  # "Sở Thông tin / Số:" in Windows-1258
    tcvn3 = tmp_path / "tcvn3.txt"
    # "Sở Thông tin và Truyền thông … tuyên truyền …" as the .VnTime font stores it.
    tcvn3.write_text("Sè: 05/TB-STTTT\n" + "Tuyªn truyÒn c¶i c¸ch hµnh chÝnh, phßng ch¸y ch÷a ch¸y rõng. " * 6, encoding="utf-8")
    proc = vanban("import", str(cp1258), str(tcvn3), "-d", str(tmp_path / "out"))
    assert proc.returncode == 1
    assert "cu.txt: lỗi: Tệp không được mã hóa UTF-8" in proc.stderr
    assert "tcvn3.txt: lỗi: Văn bản có vẻ dùng bảng mã cũ TCVN3" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_two_columns_read_as_one_line(tmp_path):
    # What some PDF exports give: the left and right columns of the header and signature on one line.
    source = tmp_path / "cot.txt"
    source.write_text(
        "UBND TỈNH LẠNG SƠN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG Độc lập - Tự do - Hạnh phúc\n"
        "Số: 1562/STTTT-VP Lạng Sơn, ngày 27 tháng 12 năm 2022\n"
        "V/v tăng cường quản lý bảo vệ,\nphòng cháy, chữa cháy rừng\n"
        "Kính gửi: Các phòng, đơn vị thuộc Sở.\n"
        "Sở đề nghị các phòng, đơn vị tăng cường công tác phòng cháy, chữa cháy rừng\ntrong dịp Tết./.\n"
        "Nơi nhận: KT. GIÁM ĐỐC\n- Như trên; PHÓ GIÁM ĐỐC\n- Lưu: VT.\nNguyễn Văn A\n", encoding="utf-8")
    assert vanban("import", str(source), "-o", str(tmp_path / "x.md")).returncode == 0
    fm = front_matter(tmp_path / "x.md")
    assert (fm["number"], fm["date"], fm["issuer"], fm["type"]) == ("1562/STTTT-VP", "2022-12-27", "stttt", "cong-van")
    assert fm["subject"] == "V/v tăng cường quản lý bảo vệ, phòng cháy, chữa cháy rừng"
    assert fm["signer"] == {"form": "KT. GIÁM ĐỐC", "position": "PHÓ GIÁM ĐỐC", "name": "Nguyễn Văn A"}
    assert fm["distribution"] == ["Như trên", "Lưu: VT"] and fm["recipients"] == ["Các phòng, đơn vị thuộc Sở"]
    assert body_of(tmp_path / "x.md").strip() == ("Sở đề nghị các phòng, đơn vị tăng cường công tác phòng cháy, "
                                                  "chữa cháy rừng trong dịp Tết./.")


def test_default_target_is_the_projects_year_folder(seed, tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: thử\n", encoding="utf-8")
    make_archive(tmp_path / "directives", {})
    (tmp_path / "cong-van.doc").write_bytes(b"\xd0\xcf\x11\xe0 old Word")
    proc = vanban("import", str(seed), str(tmp_path / "cong-van.doc"), cwd=tmp_path)
    assert proc.returncode == 1  # one of the two could not be read
    [written] = (tmp_path / "directives" / "2023").glob("*.md")
    assert proc.stdout.startswith(f"Đã ghi directives/2023/{written.name} (từ {seed.name})")
    assert "cong-van.doc: lỗi: Tệp .doc (Word 97–2003) chưa đọc được" in proc.stderr
    assert "Đã nhập 1/2 tệp; 1 tệp còn trường TODO" in proc.stderr


def test_provincial_header_on_two_lines_and_two_signing_forms(tmp_path):
    vanban("import", str(IMPORT / "ke-hoach-ubnd.txt"), "-o", str(tmp_path / "kh.md"))
    fm = front_matter(tmp_path / "kh.md")
    assert (fm["issuer"], fm["number"], fm["subject"]) == ("ubnd-tinh", "02/KH-UBND", "Cải cách hành chính tỉnh Lạng Sơn năm 2023")
    assert fm["signer"] == {"form": "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH", "position": "PHÓ CHỦ TỊCH", "name": "Nguyễn Văn A"}
