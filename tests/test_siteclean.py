"""A full build empties the site folder by moving the old files aside, and deletes them in the
background once it has written the new ones (`vanban.siteclean`): nothing of the old site stays,
hidden entries are kept as MkDocs keeps them, and no folder of old files is left behind."""

from __future__ import annotations

import time

from conftest import fixture_text, make_archive, run_build
from vanban.siteclean import delete_aside, move_aside, trash_folders


def _wait_until_gone(site) -> list:
    for _ in range(100):
        left = trash_folders(site)
        if not left:
            return []
        time.sleep(0.1)
    return left


def test_the_visible_entries_move_aside_and_are_deleted(tmp_path):
    site = tmp_path / "site"
    (site / "van-ban" / "2023").mkdir(parents=True)
    (site / "van-ban" / "2023" / "index.html").write_text("old")
    (site / "index.html").write_text("old")
    (site / ".git").mkdir()
    (site / ".nojekyll").write_text("")
    assert move_aside(site) == 2
    assert sorted(p.name for p in site.iterdir()) == [".git", ".nojekyll"]
    (old,) = trash_folders(site)  # kept while the build writes the new site
    assert (old / "van-ban" / "2023" / "index.html").read_text() == "old"
    delete_aside(site)
    assert _wait_until_gone(site) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_an_empty_or_missing_folder_is_left_alone(tmp_path):
    assert move_aside(tmp_path / "missing") == 0
    (tmp_path / "site").mkdir()
    assert move_aside(tmp_path / "site") == 0
    assert trash_folders(tmp_path / "site") == []


def test_the_leftovers_of_a_killed_build_are_deleted_by_the_next(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    left = tmp_path / ".site.old-999999-0"
    (left / "van-ban").mkdir(parents=True)
    (left / "van-ban" / "index.html").write_text("old")
    (site / "index.html").write_text("old")
    move_aside(site)
    delete_aside(site)
    assert _wait_until_gone(site) == []
    assert not left.exists()


def test_a_second_build_leaves_nothing_of_the_first(tmp_path):
    folder = make_archive(tmp_path / "d", {"2023/a.md": fixture_text("ke-hoach-hop-le.md")})
    site = tmp_path / "site"
    assert run_build(site, folder).returncode == 0
    (site / "cu.html").write_text("một trang của bản dựng trước")
    (site / ".giu-lai").write_text("")
    result = run_build(site, folder)
    assert result.returncode == 0, result.output
    assert not (site / "cu.html").exists() and (site / ".giu-lai").exists()
    assert (site / "index.html").is_file() and (site / "pagefind" / "buckets.json").is_file()
    assert _wait_until_gone(site) == []


def test_a_second_build_takes_equal_short_link_stubs_back_and_equals_a_build_into_an_empty_folder(tmp_path):
    from test_cache import site_files

    plan = fixture_text("ke-hoach-hop-le.md")
    folder = make_archive(tmp_path / "d", {"2023/a.md": plan, "2022/b.md": fixture_text("cong-van-hop-le.md")})
    site = tmp_path / "site"
    assert run_build(site, folder).returncode == 0
    kept, moved = site / "so/1562-ubnd-kt/index.html", site / "so/02-kh-ubnd/index.html"
    inode = kept.stat().st_ino
    # The plan gets another address: its short links point there, the letter's stay as they were.
    (folder / "2023/a.md").write_text(plan.replace("type: ke-hoach", "type: ke-hoach\nslug: cchc-2023"), encoding="utf-8")
    result = run_build(site, folder)
    assert result.returncode == 0, result.output
    assert kept.stat().st_ino == inode  # moved back from the old site, not written again
    assert "van-ban/2023/cchc-2023/" in moved.read_text(encoding="utf-8")
    fresh = run_build(tmp_path / "fresh", folder)
    assert fresh.returncode == 0, fresh.output
    assert site_files(site) == site_files(fresh.site)  # the .gz copies too
    assert _wait_until_gone(site) == []
