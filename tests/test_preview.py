"""The preview (`mkdocs serve --dirty`, what `make serve` runs) shows the rulebook's problems: a page
listing them, a banner on every page while they exist, the problems of a broken directive at its
address instead of a 404 — and it never hangs, whatever the input, then recovers when it is fixed."""

from __future__ import annotations

import re
import shutil
import time

import pytest

from conftest import fixture_text, make_archive
from test_serve import CONG_VAN, KE_HOACH, Server, fetch, wait_for

PROBLEMS = "loi-can-sua/"


@pytest.fixture()
def preview(tmp_path):
    folder = make_archive(tmp_path / "d", {"a.md": fixture_text("ke-hoach-hop-le.md"),
                                           "b.md": fixture_text("cong-van-hop-le.md")})
    srv = Server(folder, tmp_path / "serve.log", tmp_path)
    srv.folder = folder
    try:
        srv.wait_rebuild(1)
        wait_for(lambda: "Serving on" in srv.text(), "the server")
        yield srv
    finally:
        srv.stop()


def edit(srv: Server, name: str, text: str, build: int) -> None:
    (srv.folder / name).write_text(text, encoding="utf-8")
    # Once in CI the file watcher reported no event for a write made right after a rebuild (no
    # "Detected file changes" in the log, the server still answering): save the file again, as a
    # person would, before calling the preview stuck.
    deadline = time.monotonic() + 20
    while srv.builds() < build and time.monotonic() < deadline:
        time.sleep(0.3)
    if srv.builds() < build:
        (srv.folder / name).write_text(text, encoding="utf-8")
    srv.wait_rebuild(build)


def page(srv: Server, url: str) -> str:
    status, html = fetch(srv.base, url)  # fetch times out after 10 s: a hung preview fails here
    assert status == 200, (url, status)
    return html


def banner(html: str) -> str:
    match = re.search(r'<div class="vb-preview-alert[^"]*" role="alert">(.*?)</div>', html)
    return re.sub(r"<[^>]+>", "", match.group(1)) if match else ""


def test_preview_shows_problems_and_recovers(preview):
    good = fixture_text("ke-hoach-hop-le.md")
    assert banner(page(preview, CONG_VAN)) == "" and "Không có lỗi" in page(preview, PROBLEMS)

    # An impossible date: the directive's own address shows why it is not published.
    edit(preview, "a.md", good.replace("date: 2023-01-04", "date: 2023-01-32"), 2)
    broken = page(preview, KE_HOACH)
    assert "Văn bản có lỗi, chưa được đăng" in broken and "d/a.md" in broken and "VB207" in broken
    assert "Ngày ban hành &#x27;2023-01-32&#x27; không tồn tại" in broken
    assert banner(page(preview, CONG_VAN)) == ("Bản xem trước: kho văn bản có 1 lỗi, 0 cảnh báo. Văn bản có lỗi "
                                               "không được đăng. Xem danh sách lỗi và cách sửa")

    # A tab breaks the YAML: the number cannot be read, the address is the one it had.
    edit(preview, "a.md", good.replace("  name: Nguyễn Văn A", "\tname: Nguyễn Văn A"), 3)
    broken = page(preview, KE_HOACH)
    assert "VB108" in broken and "ký tự tab" in broken

    # A duplicate of the công văn: the first file keeps the address, the preview answers at once.
    shutil.copy(preview.folder / "b.md", preview.folder / "c.md")
    edit(preview, "a.md", good, 4)
    listed = page(preview, PROBLEMS)
    assert "VB401" in listed and "Trùng số ký hiệu 1562/UBND-KT" in listed and "d/c.md" in listed
    assert "V/v" in page(preview, CONG_VAN) and "chưa được đăng" not in page(preview, CONG_VAN)
    assert banner(page(preview, KE_HOACH)).startswith("Bản xem trước: kho văn bản có 1 lỗi")

    # A relation to a document outside the archive is a warning: published, and said so.
    (preview.folder / "c.md").unlink()
    edit(preview, "a.md", good.replace("topics:", "relations:\n  based_on: [749/QĐ-TTg]\ntopics:"), 5)
    assert banner(page(preview, CONG_VAN)).startswith("Bản xem trước: kho văn bản có 1 cảnh báo.")
    assert "Cải cách hành chính" in page(preview, KE_HOACH) and "VB501" in page(preview, PROBLEMS)

    # Fixed: no banner, the directive is back, nothing listed.
    edit(preview, "a.md", good, 6)
    assert banner(page(preview, KE_HOACH)) == "" and "chưa được đăng" not in page(preview, KE_HOACH)
    assert "Không có lỗi" in page(preview, PROBLEMS)
    assert "Traceback" not in preview.text() and "appear stuck" not in preview.text()
