"""The manifest of public URLs: what the build writes, and `vanban links` failing on a lost URL."""

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, fixture_text, make_archive
from vanban.folderpages import FOLDER_PAGE_MARK

VANBAN = str(Path(sys.executable).parent / "vanban")


def run(*args, cwd=ROOT):
    return subprocess.run([VANBAN, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def urls_of(text: str) -> list[str]:
    return [line.split("\t")[0] for line in text.splitlines() if line and not line.startswith("#")]


def test_committed_manifest_matches_sample_archive():
    proc = run("links")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 đường dẫn bị mất" in proc.stderr
    assert "chưa có trong sổ" not in proc.stderr, "published-urls.txt is out of date: run `vanban links --update`"


def test_build_writes_manifest_of_every_public_url(sample_site):
    text = (sample_site.site / "_manifest" / "urls.txt").read_text(encoding="utf-8")
    urls = urls_of(text)
    committed = urls_of((ROOT / "published-urls.txt").read_text(encoding="utf-8"))
    assert urls == committed, "published-urls.txt is out of date: run `vanban links --update` and commit it"
    kinds = {
        "/van-ban/2022/1562-ubnd-kt/",  # directive
        "/van-ban/2024/15-qd-stttt/15-qd-stttt-ban-ky-so.pdf",  # attachment
        "/loai/ke-hoach/", "/van-ban/2023/", "/nam/",  # listings and indexes
        "/van-ban/2024/qd-15-stttt/",  # alias redirect page
        "/so/1562-ubnd-kt/",  # short link
        "/huong-dan/dang-van-ban/",  # hand-written page
        "/van-ban/2022/1562-ubnd-kt/index.json", "/loai/ke-hoach/atom.xml", "/du-lieu/van-ban.csv",  # open data
    }
    assert kinds <= set(urls)
    for url in urls:
        path = sample_site.site / (url.lstrip("/") + ("index.html" if url.endswith("/") else ""))
        assert path.is_file(), url
    # Each directive line names its document and source file.
    line = next(l for l in text.splitlines() if l.startswith("/van-ban/2022/1562-ubnd-kt/\t"))
    assert line.split("\t")[1:] == ["Công văn 1562/UBND-KT", "directives/2022/1562-ubnd-kt.md"]


TECHNICAL = ("/_", "/assets/", "/pagefind/", "/404.html", "/sitemap.xml.gz")
"""Files of the build that are not addresses people link to: server files, theme assets, search index."""


def test_every_built_file_is_in_manifest(sample_site):
    # The other direction: no public file of the build escapes the manifest.
    urls = set(urls_of((sample_site.site / "_manifest" / "urls.txt").read_text(encoding="utf-8")))
    for path in sample_site.site.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(sample_site.site).as_posix()
        url = "/" + (rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel)
        if url.startswith(TECHNICAL):
            continue
        if rel.endswith(".gz") and path.with_suffix("").is_file():
            continue  # the build's compressed copy of a file, for nginx's gzip_static
        if path.name == "index.html" and FOLDER_PAGE_MARK in path.read_text(encoding="utf-8"):
            continue  # a folder's page only leads to published pages (vanban.folderpages)
        assert url in urls, url


@pytest.fixture
def archive(tmp_path):
    folder = make_archive(tmp_path / "d", {"2022/cong-van.md": fixture_text("cong-van-hop-le.md")})
    manifest = tmp_path / "published-urls.txt"
    proc = run("links", "--directives", str(folder), "--manifest", str(manifest), "--update", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "/van-ban/2022/1562-ubnd-kt/\tCông văn 1562/UBND-KT\td/2022/cong-van.md" in manifest.read_text(encoding="utf-8")
    return folder, manifest


def check(folder, manifest):
    return run("links", "--directives", str(folder), "--manifest", str(manifest), cwd=folder.parent)


def test_unchanged_archive_passes(archive):
    proc = check(*archive)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_changed_number_fails_naming_document_then_alias_passes(archive):
    folder, manifest = archive
    source = folder / "2022" / "cong-van.md"
    source.write_text(source.read_text(encoding="utf-8").replace("1562/UBND-KT", "1563/UBND-KT"), encoding="utf-8")
    proc = check(folder, manifest)
    assert proc.returncode == 1
    lines = proc.stdout.strip().splitlines()
    assert any(l.startswith("d/2022/cong-van.md: lỗi [aliases]: Đường dẫn đã công bố /van-ban/2022/1562-ubnd-kt/ "
                            "(Công văn 1562/UBND-KT) không còn; văn bản nay ở /van-ban/2022/1563-ubnd-kt/") for l in lines), lines
    # The short link of the old number went away as well, and is named too.
    assert any("/so/1562-ubnd-kt/" in l for l in lines)
    text = source.read_text(encoding="utf-8").replace(
        "issuer: ubnd-tinh", "issuer: ubnd-tinh\naliases: [/van-ban/2022/1562-ubnd-kt/, /so/1562-ubnd-kt/]")
    source.write_text(text, encoding="utf-8")
    proc = check(folder, manifest)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "đường dẫn mới chưa có trong sổ" in proc.stderr  # the new number's URLs: time to --update


def test_removed_directive_fails_naming_it_from_manifest(archive):
    folder, manifest = archive
    (folder / "2022" / "cong-van.md").unlink()
    proc = check(folder, manifest)
    assert proc.returncode == 1
    # One error for the deleted file (not one per address), saying to withdraw instead.
    [line] = [l for l in proc.stdout.splitlines() if "/van-ban/2022/1562-ubnd-kt/ " in l]
    assert line.startswith("d/2022/cong-van.md: lỗi VB405 [status]: Tệp đã bị xoá nhưng Công văn 1562/UBND-KT đã công bố "
                           "tại /van-ban/2022/1562-ubnd-kt/ (cùng ")
    assert "đừng xoá, hãy thu hồi: status: thu-hoi" in line
    assert len([l for l in proc.stdout.splitlines() if "cong-van.md" in l]) == 1
    # Accepting the removal on purpose: --update, then the check passes.
    assert run("links", "--directives", str(folder), "--manifest", str(manifest), "--update", cwd=folder.parent).returncode == 0
    assert check(folder, manifest).returncode == 0


def test_missing_manifest_is_a_clear_error(tmp_path):
    folder = make_archive(tmp_path / "d", {"a.md": fixture_text("cong-van-hop-le.md")})
    proc = run("links", "--directives", str(folder), "--manifest", str(tmp_path / "none.txt"), cwd=tmp_path)
    assert proc.returncode == 2 and "vanban links --update" in proc.stderr


@pytest.mark.browser
def test_alias_page_forwards_to_permalink(browser, served_sample):
    page = browser.new_page()
    try:
        page.goto(served_sample + "van-ban/2024/qd-15-stttt/")
        page.wait_for_url("**/van-ban/2024/15-qd-stttt/")
        assert "15/QĐ-STTTT" in page.locator("h1").inner_text()
    finally:
        page.close()


def test_alias_keeps_the_files_under_the_old_address(sample_site):
    # /van-ban/2024/qd-15-stttt/ is an alias of 15/QĐ-STTTT: its PDF and JSON links still answer.
    new, old = sample_site.site / "van-ban/2024/15-qd-stttt", sample_site.site / "van-ban/2024/qd-15-stttt"
    for name in ("15-qd-stttt-ban-ky-so.pdf", "phu-luc-danh-muc.pdf", "index.json"):
        assert (old / name).read_bytes() == (new / name).read_bytes(), name
    page = (old / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh" content="0; url=../15-qd-stttt/"' in page
