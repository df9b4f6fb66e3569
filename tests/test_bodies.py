"""The time budget per body: a pathological body is an error naming its file and line, in `vanban
check` and in the build, within the budget (never a build that runs for minutes)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import fixture_text, make_archive, run_build
from vanban.bodies import time_budget

VANBAN = str(Path(sys.executable).parent / "vanban")
BUDGET = "1"  # seconds: the default (5 s) in a test would only make it slower

PATHOLOGICAL = {
    "ngoac-long-nhau": "[[[" * 5000 + "](](" * 3750,  # 30 KB of nested brackets (~100 s unbounded)
    "sao-gach": "*_" * 500_000,  # 1 MB of emphasis markers (> 5 min unbounded)
}


def _file(body: str) -> str:
    return fixture_text("ke-hoach-hop-le.md").split("\n---\n", 1)[0] + "\n---\n\nĐoạn mở đầu.\n\n" + body + "\n"


def test_the_budget_interrupts_a_long_computation():
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        with time_budget(0.2):
            while True:
                pass
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_check_names_a_body_past_its_budget(tmp_path, name):
    text = _file(PATHOLOGICAL[name])
    folder = make_archive(tmp_path / "d", {f"2023/{name}.md": text, "2023/tot.md": fixture_text("cong-van-hop-le.md")})
    line = text.split("\n").index("Đoạn mở đầu.")  # the body starts on the blank line after '---'
    started = time.monotonic()
    proc = subprocess.run([VANBAN, "check", "--directives", str(folder)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, env=dict(os.environ, VANBAN_BODY_SECONDS=BUDGET))
    elapsed = time.monotonic() - started
    assert proc.returncode == 1
    assert [p for p in proc.stdout.splitlines() if "lỗi" in p] == [
        f"d/2023/{name}.md:{line}: lỗi VB701: Nội dung văn bản dựng quá 1 giây và bị dừng: có thể có hàng nghìn dấu "
        "ngoặc vuông '[', '(' hoặc '*', '_' lồng nhau (thường do chép từ PDF hoặc Word). Xóa hoặc sửa đoạn ký hiệu lặp đó."
    ]
    assert elapsed < 15, elapsed


def test_the_build_stops_with_one_line_naming_the_file(tmp_path):
    folder = make_archive(tmp_path / "d", {"2023/xau.md": _file(PATHOLOGICAL["ngoac-long-nhau"])})
    started = time.monotonic()
    result = run_build(tmp_path / "site", folder, extra_env={"VANBAN_BODY_SECONDS": BUDGET})
    assert result.returncode != 0
    assert "Traceback" not in result.output
    assert "xau.md:" in result.output and "dựng quá 1 giây" in result.output
    assert time.monotonic() - started < 60
