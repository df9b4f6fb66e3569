"""The `vanban` command as staff run it: exit codes, one line per problem, files written, Vietnamese help."""

import json
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, fixture_text, make_archive, run_build

VANBAN = str(Path(sys.executable).parent / "vanban")


def run(*args, cwd=ROOT):
    return subprocess.run([VANBAN, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_check_sample_archive_is_clean():
    proc = run("check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 lỗi" in proc.stderr


def test_check_reports_problems_and_fails(tmp_path):
    bad = fixture_text("ke-hoach-hop-le.md").replace("issuer: ubnd-tinh", "issuer: khong-co")
    folder = make_archive(tmp_path / "d", {"2023/xau.md": bad})
    proc = run("check", "--directives", str(folder), cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.strip().splitlines() == [
        line for line in proc.stdout.strip().splitlines() if line.startswith("d/2023/xau.md:5: lỗi VB205 [issuer]")
    ]
    assert "Tệp có lỗi (1): d/2023/xau.md." in proc.stderr
    proc = run("check", "--directives", str(folder), "--format", "json", cwd=tmp_path)
    report = json.loads(proc.stdout)
    assert report["schema_version"] == 1 and report["files_with_errors"] == ["d/2023/xau.md"]
    [problem] = report["problems"]
    assert problem["field"] == "issuer" and problem["line"] == 5 and problem["severity"] == "error"
    assert problem["code"] == "VB205"


def test_help_is_vietnamese():
    proc = run("--help")
    assert proc.returncode == 0 and "kiểm tra" in proc.stdout


# -- every sub-command speaks Vietnamese ------------------------------------------------------

SUBCOMMANDS = ["check", "import", "new", "nginx", "links"]


def test_every_subcommand_has_vietnamese_help():
    for command in ["", *SUBCOMMANDS]:
        proc = run(*([command] if command else []), "--help")
        assert proc.returncode == 0, command
        assert proc.stdout.startswith("Cách dùng: vanban"), command
        assert "hiện trợ giúp này rồi thoát" in proc.stdout, command
        for english in ("usage:", "show this help", "options:", "positional arguments"):
            assert english not in proc.stdout, (command, english)


def test_usage_errors_are_vietnamese():
    proc = run("import")
    assert proc.returncode == 2
    assert "vanban import: lỗi: thiếu tham số bắt buộc: TỆP" in proc.stderr
    proc = run("kiem-tra")
    assert proc.returncode == 2 and "lựa chọn không hợp lệ" in proc.stderr


# -- vanban new -------------------------------------------------------------------------------


def _project(tmp_path, files=None):
    (tmp_path / "mkdocs.yml").write_text("site_name: thử\n", encoding="utf-8")
    make_archive(tmp_path / "directives", files or {})
    return tmp_path


def test_new_scaffolds_the_next_number_and_check_lists_only_what_to_fill(tmp_path):
    project = _project(tmp_path, {"2025/12-kh.md": (ROOT / "directives/minh-hoa/2025-12-kh-stttt.md").read_text(encoding="utf-8")})
    proc = run("new", "--type", "KH", "--issuer", "stttt", "--year", "2025", "--no-input", cwd=project)
    assert proc.returncode == 0, proc.stderr
    created = project / "directives" / "2025" / "13-kh-stttt.md"
    assert created.exists() and "directives/2025/13-kh-stttt.md" in proc.stdout and "13/KH-STTTT" in proc.stdout
    check = run("check", "--format", "json", cwd=project)
    assert check.returncode == 1
    problems = json.loads(check.stdout)["problems"]
    # The copied plan cites and implements 02/KH-UBND, absent from this small project: warnings only.
    others = [p for p in problems if p["path"] == "directives/2025/12-kh.md"]
    assert others and all(p["severity"] == "warning" and "02/KH-UBND" in p["message"] for p in others)
    problems = [p for p in problems if p not in others]
    assert all(p["path"] == "directives/2025/13-kh-stttt.md" and p["message"].startswith("Chưa điền") for p in problems)
    assert [p["field"] for p in problems] == ["number", "date", "subject", "signer.form", "signer.position",
                                              "signer.name", "distribution[0]"]
    # Filling in exactly those makes it a valid directive.
    text = created.read_text(encoding="utf-8")
    for old, new in [(r"number: .*", "number: 13/KH-STTTT"), (r"date: .*", "date: '2025-03-01'"),
                     (r"subject: .*", "subject: Tuyên truyền chuyển đổi số"), (r"form: .*", "form: KT. GIÁM ĐỐC"),
                     (r"position: .*", "position: PHÓ GIÁM ĐỐC"), (r"name: .*", "name: Lê Văn A"),
                     (r"- 'TODO: nơi nhận'", "- Như trên")]:
        text = re.sub(old, new, text, count=1)
    created.write_text(text, encoding="utf-8")
    assert run("check", cwd=project).returncode == 0
    # The next one takes the next name and never overwrites.
    proc = run("new", "--type", "ke-hoach", "--issuer", "STTTT", "--year", "2025", "--no-input", cwd=project)
    assert (project / "directives" / "2025" / "14-kh-stttt.md").exists(), proc.stdout


def test_new_for_a_cong_van_asks_for_recipients(tmp_path):
    project = _project(tmp_path)
    assert run("new", "--type", "cong-van", "--issuer", "stttt", "--year", "2024", "--no-input", cwd=project).returncode == 0
    problems = json.loads(run("check", "--format", "json", cwd=project).stdout)["problems"]
    assert "recipients[0]" in [p["field"] for p in problems]


def test_new_without_type_and_no_terminal_names_the_choices(tmp_path):
    project = _project(tmp_path)
    proc = run("new", "--issuer", "stttt", cwd=project)
    assert proc.returncode == 2
    assert "--type: thiếu" in proc.stderr and "ke-hoach" in proc.stderr and "quyet-dinh" in proc.stderr
    assert not list((project / "directives").glob("*/*.md"))


def test_new_asks_on_a_terminal(tmp_path):
    project = _project(tmp_path)
    leader, follower = pty.openpty()
    os.write(leader, b"ke-hoach\nstttt\n")  # typed answers wait in the terminal's input
    proc = subprocess.run([VANBAN, "new", "--year", "2024"], cwd=project, stdin=follower, capture_output=True,
                          text=True, timeout=60)
    os.close(follower)
    os.close(leader)
    assert proc.returncode == 0, proc.stderr
    assert "Loại văn bản (số thứ tự hoặc khóa)" in proc.stdout and "Kế hoạch (ke-hoach)" in proc.stderr
    assert (project / "directives/2024/01-kh-stttt.md").exists()


# -- vanban check on a large archive ----------------------------------------------------------


def test_check_shows_a_progress_bar_only_on_a_terminal(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(tmp_path / "d"), "--count", "250"],
                   check=True, capture_output=True, timeout=300)
    proc = run("check", "--directives", str(tmp_path / "d"), cwd=tmp_path)
    assert "Kiểm tra" not in proc.stderr and "\r" not in proc.stderr
    from test_importer import run_on_terminal

    seen = run_on_terminal([VANBAN, "check", "--directives", str(tmp_path / "d")])
    assert "Kiểm tra:" in seen and "/250 [" in seen and seen.rstrip().endswith("0 lỗi, 0 cảnh báo.")


# -- the staff path ---------------------------------------------------------------------------------


def test_readme_staff_example_is_a_new_directive_that_checks_clean(tmp_path):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"   ```markdown\n(.*?)   ```", text, re.S).group(1)
    example = "\n".join(line[3:] for line in block.splitlines()) + "\n"
    project = _project(tmp_path)
    shutil.copytree(ROOT / "directives", project / "directives", dirs_exist_ok=True)
    target = project / "directives" / "2025" / "03-kh-stttt.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(example, encoding="utf-8")
    proc = run("check", "directives/2025/03-kh-stttt.md", cwd=project)
    assert proc.returncode == 0 and proc.stdout == "", proc.stdout
    assert "Đã kiểm tra 1 văn bản: 0 lỗi, 0 cảnh báo." in proc.stderr


def test_make_serve_installs_no_test_tools():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    serve = re.search(r"^serve: (.*)$", makefile, re.M).group(1).split()
    runtime = re.search(r"^\$\(VENV\)/\.runtime:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert serve == ["$(VENV)/.runtime"] and "-e ." in runtime and "[test]" not in runtime
    assert "test-tools" not in serve and "npm" not in runtime


def test_check_and_build_take_unchanged_directives_from_what_the_other_kept(tmp_path):
    """Staff check, then preview or build, then check again: each reads only the files that changed
    since the other ran. Seen from outside: the memo in the cache folder is not written again."""
    good = fixture_text("ke-hoach-hop-le.md")
    folder = make_archive(tmp_path / "d", {"2023/a.md": good, "2023/b.md": fixture_text("cong-van-hop-le.md")})
    cache = tmp_path / "cache"
    env = dict(os.environ, VANBAN_CACHE=str(cache))

    def check() -> None:
        proc = subprocess.run([VANBAN, "check", "--directives", str(folder)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr

    def kept() -> tuple[int, int]:
        st = (cache / "loaded.pickle").stat()  # replaced, never written in place: a new inode when rewritten
        return st.st_ino, st.st_mtime_ns

    built = run_build(tmp_path / "site", folder, extra_env={"VANBAN_CACHE": str(cache)})
    assert built.returncode == 0, built.output[-2000:]
    after_build = kept()
    check()
    assert kept() == after_build
    (folder / "2023" / "b.md").write_text(fixture_text("cong-van-hop-le.md") + "\nThêm một dòng.\n", encoding="utf-8")
    check()
    after_edit = kept()
    assert after_edit != after_build  # the memo is live: an edited file is read again and kept
    assert run_build(tmp_path / "site", folder, extra_env={"VANBAN_CACHE": str(cache)}).returncode == 0
    assert kept() == after_edit


def test_check_named_files_reports_only_them_with_the_archive_around(tmp_path):
    good = fixture_text("ke-hoach-hop-le.md")
    folder = make_archive(tmp_path / "d", {"a.md": good, "b.md": good.replace("date: 2023-01-04", "date: 2023-02-30"),
                                           "c.md": good.replace("Cải cách", "Nhập lại")})
    os.utime(folder / "a.md", (1_600_000_000, 1_600_000_000))
    proc = run("check", "--directives", str(folder), str(folder / "c.md"), cwd=tmp_path)
    # c.md repeats a.md's number (the archive around it is read); b.md's error is not c.md's.
    assert proc.returncode == 1 and [line.split(":")[0:3] for line in proc.stdout.splitlines()] == [
        ["d/c.md", "2", " lỗi VB401 [number]"]]
    assert "Đã kiểm tra 1 văn bản: 1 lỗi, 0 cảnh báo. Tệp có lỗi (1): d/c.md." in proc.stderr
    assert run("check", "--directives", str(folder), str(folder / "a.md"), cwd=tmp_path).returncode == 0
    refused = run("check", "--directives", str(folder), str(tmp_path / "khong-co.md"), cwd=tmp_path)
    assert refused.returncode == 2 and "Không tìm thấy tệp" in refused.stderr
