"""`vanban check` as staff run it: exit codes and one line per problem."""

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, fixture_text, make_archive

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
        line for line in proc.stdout.strip().splitlines() if line.startswith("d/2023/xau.md:5: lỗi [issuer]")
    ]
    proc = run("check", "--directives", str(folder), "--format", "json", cwd=tmp_path)
    [problem] = json.loads(proc.stdout)
    assert problem["field"] == "issuer" and problem["line"] == 5 and problem["severity"] == "error"


def test_help_is_vietnamese():
    proc = run("--help")
    assert proc.returncode == 0 and "kiểm tra" in proc.stdout
