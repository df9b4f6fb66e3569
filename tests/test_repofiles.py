"""A directive file or folder linked from outside the repository is an error naming it, and nothing
of it is published; a link that stays inside the repository is read as before."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import fixture_text, make_archive, run_build

VANBAN = str(Path(sys.executable).parent / "vanban")


def _project(tmp_path: Path) -> tuple[Path, Path]:
    """A repository folder with directives/ (one real directive) and a secret file outside it."""
    repo = tmp_path / "repo"
    folder = make_archive(repo / "directives", {"2023/tot.md": fixture_text("cong-van-hop-le.md")})
    outside = tmp_path / "ngoai"
    outside.mkdir()
    (outside / "bi-mat.md").write_text(fixture_text("ke-hoach-hop-le.md"), encoding="utf-8")
    return repo, folder


def _check(repo: Path, folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([VANBAN, "check", "--directives", str(folder), "--format", "json"],
                          cwd=repo, capture_output=True, text=True, timeout=120)


def test_a_linked_file_from_outside_is_an_error_naming_it(tmp_path):
    repo, folder = _project(tmp_path)
    (folder / "2023" / "lien-ket.md").symlink_to(tmp_path / "ngoai" / "bi-mat.md")
    proc = _check(repo, folder)
    assert proc.returncode == 1
    [problem] = json.loads(proc.stdout)["problems"]
    assert problem["path"] == "directives/2023/lien-ket.md" and problem["severity"] == "error"
    assert "symlink" in problem["message"] and str(tmp_path / "ngoai" / "bi-mat.md") in problem["message"]


def test_a_linked_folder_from_outside_is_an_error_naming_it(tmp_path):
    repo, folder = _project(tmp_path)
    (folder / "2024").symlink_to(tmp_path / "ngoai", target_is_directory=True)
    [problem] = json.loads(_check(repo, folder).stdout)["problems"]
    assert problem["path"] == "directives/2024" and problem["severity"] == "error"


def test_a_link_inside_the_repository_is_read(tmp_path):
    repo, folder = _project(tmp_path)
    (repo / "ban-goc").mkdir()
    (repo / "ban-goc" / "kh.md").write_text(fixture_text("ke-hoach-hop-le.md"), encoding="utf-8")
    (folder / "2023" / "kh.md").symlink_to(repo / "ban-goc" / "kh.md")
    proc = _check(repo, folder)
    assert proc.returncode == 0 and json.loads(proc.stdout)["problems"] == []


def test_the_strict_build_fails_and_publishes_nothing_of_it(tmp_path):
    repo, folder = _project(tmp_path)
    (folder / "2023" / "lien-ket.md").symlink_to(tmp_path / "ngoai" / "bi-mat.md")
    result = run_build(tmp_path / "site", folder)
    assert result.returncode != 0 and "lien-ket.md" in result.output and "symlink" in result.output
    loose = run_build(tmp_path / "site2", folder, strict=False)
    assert loose.returncode == 1  # every valid directive is written, and the build fails as `vanban check` does
    assert not (tmp_path / "site2" / "van-ban" / "2023" / "02-kh-ubnd").exists()
    assert "02/KH-UBND" not in (tmp_path / "site2" / "du-lieu" / "van-ban.csv").read_text(encoding="utf-8-sig")
