"""A full disk or a read-only folder ends the build with one line naming the path and the cause,
never a traceback: on small tmpfs mounts (skipped where mounting is not permitted)."""

from __future__ import annotations

import errno
import subprocess
from pathlib import Path

import pytest

from conftest import run_build
from vanban.oserrors import describe_os_error


@pytest.fixture
def mount(tmp_path):
    """`mount(size, read_only=False)` → a fresh tmpfs folder; all are unmounted afterwards."""
    mounted: list[Path] = []

    def make(size: str, read_only: bool = False) -> Path:
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        options = f"size={size}" + (",ro" if read_only else "")
        proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
        mounted.append(point)
        return point

    yield make
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], check=False)


def _one_line(output: str, cause: str, under: Path) -> str:
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if cause in line]
    assert len(lines) == 1, output
    assert f"Không ghi được {under}/" in lines[0], lines[0]
    return lines[0]


# The sample site is ~5.5 MB: a disk full while writing the directive pages, while MkDocs copies
# the theme's files, and late in the build (Pagefind's index, when this PR was written: where depends
# on the site's size).
@pytest.mark.parametrize("size, where", [("100k", "van-ban/"), ("1m", "assets/"), ("4500k", "")])
def test_a_full_disk_is_one_line_naming_the_file(mount, size, where):
    disk = mount(size)
    result = run_build(disk / "site")
    assert result.returncode == 1
    line = _one_line(result.output, "hết dung lượng đĩa", disk / "site")
    assert f"{disk}/site/{where}" in line


def test_a_read_only_site_folder_is_one_line_naming_it(mount, tmp_path):
    site = mount("1m", read_only=True)
    result = run_build(site)
    assert result.returncode != 0
    _one_line(result.output, "chỉ cho đọc", site)


def test_a_read_only_parent_folder_names_the_lock_file(mount):
    parent = mount("1m", read_only=True)
    result = run_build(parent / "site")
    assert result.returncode != 0
    assert "Traceback" not in result.output
    assert f"Không ghi được {parent}/.site.lock: ổ đĩa hoặc thư mục chỉ cho đọc." in result.output


def test_describe_names_the_destination_of_a_copy():
    error = OSError(errno.ENOSPC, "No space left on device", "/src/a.png", None, "/site/a.png")
    assert describe_os_error(error) == "Không ghi được /site/a.png: hết dung lượng đĩa."
    assert describe_os_error(OSError(errno.ENOSPC, "x"), "/site") == "Không ghi được /site: hết dung lượng đĩa."
