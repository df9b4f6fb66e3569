"""`make serve`: `mkdocs serve --dirty` shows edits live and rewrites only the pages they change."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, VENV_BIN, fixture_text, fragments_text, hangup_as_from_a_terminal, make_archive

CONG_VAN = "van-ban/2022/1562-ubnd-kt/"
KE_HOACH = "van-ban/2023/02-kh-ubnd/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(base: str, url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(base + url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def wait_for(check, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


class Server:
    def __init__(self, folder: Path, log: Path, tmp: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        # MkDocs builds the preview into a folder under TMPDIR: one per server, so a test can look in it.
        self.tmp = tmp / "tmp"
        self.tmp.mkdir(exist_ok=True)
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", VANBAN_DIRECTIVES=str(folder), VANBAN_CACHE=str(tmp / "cache"),
                   TMPDIR=str(self.tmp))
        self.log = log
        self.out = log.open("w")
        # -v: MkDocs logs "Building page …" for every page it writes; the test counts them.
        with hangup_as_from_a_terminal():
            self.proc = subprocess.Popen(
                [str(VENV_BIN / "mkdocs"), "serve", "--dirty", "-v", "-a", f"127.0.0.1:{self.port}",
                 "--config-file", str(ROOT / "mkdocs.yml")],
                cwd=ROOT, env=env, stdout=self.out, stderr=subprocess.STDOUT,
            )

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def build_ends(self, text: str) -> list[int]:
        """Where each finished build ends in the log. MkDocs' "Documentation built in 0.16 seconds"
        cannot count them: a filter on its logger drops a message already logged, so a rebuild that
        takes as long as an earlier one prints nothing. The first build's line is always new; each
        rebuild ends with the server's "Reloading browsers", which has no such filter."""
        first = text.find("Documentation built in")
        if first < 0:
            return []
        return [first] + [m.start() for m in re.finditer("Reloading browsers", text)]

    def builds(self) -> int:
        return len(self.build_ends(self.text()))

    def wait_rebuild(self, count: int) -> str:
        """The log of the rebuild number `count` (1 is the first build)."""
        wait_for(lambda: self.builds() >= count, f"build {count}\n{self.text()[-3000:]}")
        text = self.text()
        return text[: self.build_ends(text)[count - 1]].rsplit("Building documentation", 1)[-1]

    def stop(self, how: int = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(how)
        code = self.proc.wait(timeout=20)
        if not self.out.closed:
            self.out.close()
        return code


@pytest.fixture()
def server(tmp_path):
    folder = make_archive(tmp_path / "d", {"a.md": fixture_text("ke-hoach-hop-le.md"),
                                           "b.md": fixture_text("cong-van-hop-le.md")})
    srv = Server(folder, tmp_path / "serve.log", tmp_path)
    srv.folder = folder
    try:
        srv.wait_rebuild(1)
        # Files are watched only once the server is up: edits before that would go unseen.
        wait_for(lambda: "Serving on" in srv.text(), "the server")
        yield srv
    finally:
        srv.stop()


PAGE_FOLDERS = ("van-ban", "nam", "loai", "co-quan", "linh-vuc")


def page_stamps(server: Server) -> dict[str, int]:
    """mtime of every archive page in the preview's output folder (named in the -v log)."""
    site = Path(re.search(r"Config value 'site_dir' = '([^']+)'", server.text()).group(1))
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns
            for folder in PAGE_FOLDERS for p in (site / folder).rglob("index.html")}


def written_pages(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {k for k in after if before.get(k) != after[k]}


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_stopping_the_preview_deletes_its_copy_of_the_site(tmp_path, how):
    # `kill`, systemd and `docker stop` send SIGTERM, a closed terminal SIGHUP: each used to end the
    # preview without the cleanup Ctrl+C runs, leaving the whole site (680 MB at 10 000 directives).
    folder = make_archive(tmp_path / "d", {"a.md": fixture_text("ke-hoach-hop-le.md")})
    srv = Server(folder, tmp_path / "serve.log", tmp_path)
    try:
        wait_for(lambda: "Serving on" in srv.text(), "the server")
        assert [p for p in srv.tmp.glob("mkdocs_*") if p.is_dir()], "the preview builds into TMPDIR"
        code = srv.stop(how)
    finally:
        srv.stop()
    log = srv.text()
    assert code == 0, log[-3000:]
    assert list(srv.tmp.iterdir()) == []  # the site and its lock file
    assert "Shutting down" in log and "Traceback" not in log, log[-3000:]


def test_editing_a_directive_body_rewrites_only_its_page(server):
    assert fetch(server.base, CONG_VAN)[0] == 200
    before = page_stamps(server)
    b = server.folder / "b.md"
    b.write_text(b.read_text(encoding="utf-8").replace("Thực hiện chỉ đạo", "Thực hiện ý kiến chỉ đạo"), encoding="utf-8")
    log = server.wait_rebuild(2)
    assert "Thực hiện ý kiến chỉ đạo" in fetch(server.base, CONG_VAN)[1]
    assert written_pages(before, page_stamps(server)) == {f"{CONG_VAN}index.html"}
    assert "WARNING" not in log and "ERROR" not in log, log


def test_editing_a_subject_updates_listings_and_home(server):
    before = page_stamps(server)
    b = server.folder / "b.md"
    b.write_text(re.sub(r"(?m)^subject: .*$", "subject: Tăng cường quản lý đất đai năm 2023", b.read_text(encoding="utf-8")),
                 encoding="utf-8")
    server.wait_rebuild(2)
    assert "Tăng cường quản lý đất đai năm 2023" in fetch(server.base, CONG_VAN)[1]
    assert "Tăng cường quản lý đất đai năm 2023" in fetch(server.base, "van-ban/")[1]
    assert "Tăng cường quản lý đất đai năm 2023" in fetch(server.base, "")[1]
    # The other directive's page does not show this subject: it is not written again.
    written = written_pages(before, page_stamps(server))
    assert f"{KE_HOACH}index.html" not in written and "loai/ke-hoach/index.html" not in written, written
    assert {"van-ban/index.html", "loai/cong-van/index.html"} <= written


def test_removing_and_adding_directives_shows_in_the_preview(server):
    # A deletion can fire several file events, hence several rebuilds: wait for what the reader sees.
    (server.folder / "b.md").unlink()
    wait_for(lambda: fetch(server.base, CONG_VAN)[0] == 404, "the removed page to go")
    wait_for(lambda: "1562/UBND-KT" not in fetch(server.base, "van-ban/")[1], "the listing to drop it")
    (server.folder / "c.md").write_text(fixture_text("cong-van-hop-le.md"), encoding="utf-8")
    wait_for(lambda: fetch(server.base, CONG_VAN)[0] == 200, "the added page")
    wait_for(lambda: "1562/UBND-KT" in fetch(server.base, "van-ban/")[1], "the listing to show it")


def test_a_registry_edit_reaches_the_pages(server):
    topics = server.folder / "_registries" / "topics.yml"
    topics.write_text(topics.read_text(encoding="utf-8").replace("{name: Cải cách hành chính}",
                                                                 "{name: Cải cách hành chính nhà nước}"), encoding="utf-8")
    wait_for(lambda: "Cải cách hành chính nhà nước" in fetch(server.base, KE_HOACH)[1], "the new topic name")


def test_a_page_linking_to_another_directive_follows_its_changes(tmp_path):
    citing = fixture_text("cong-van-hop-le.md").replace(
        "---\n\n", "attachments:\n  - {directive: 02/KH-UBND, year: 2023, title: Kế hoạch số 02/KH-UBND}\n---\n\n", 1)
    folder = make_archive(tmp_path / "d", {"a.md": fixture_text("ke-hoach-hop-le.md"), "b.md": citing})
    srv = Server(folder, tmp_path / "serve.log", tmp_path)
    try:
        srv.wait_rebuild(1)
        wait_for(lambda: "Serving on" in srv.text(), "the server")
        assert 'href="../../2023/02-kh-ubnd/"' in fetch(srv.base, CONG_VAN)[1]
        # Its body unchanged, the citing page must still drop the link when the plan disappears.
        (folder / "a.md").unlink()
        wait_for(lambda: "chưa có trong kho" in fetch(srv.base, CONG_VAN)[1], "the link to go")
        assert "02-kh-ubnd/" not in fetch(srv.base, CONG_VAN)[1]
    finally:
        srv.stop()


def test_a_citation_in_the_text_follows_the_cited_directive(tmp_path):
    citing = fixture_text("cong-van-hop-le.md").replace("Thực hiện chỉ đạo", "Thực hiện Kế hoạch số 02/KH-UBND ngày 04/01/2023 và chỉ đạo")
    folder = make_archive(tmp_path / "d", {"b.md": citing})
    srv = Server(folder, tmp_path / "serve.log", tmp_path)
    try:
        srv.wait_rebuild(1)
        wait_for(lambda: "Serving on" in srv.text(), "the server")
        assert "chưa có trong kho" in fetch(srv.base, CONG_VAN)[1]
        # The citing file is unchanged: adding the cited plan must still rewrite its page with the link.
        (folder / "a.md").write_text(fixture_text("ke-hoach-hop-le.md"), encoding="utf-8")
        wait_for(lambda: 'class="vb-ref" href="../../2023/02-kh-ubnd/"' in fetch(srv.base, CONG_VAN)[1], "the link")
        assert "Văn bản dẫn chiếu đến văn bản này" in fetch(srv.base, KE_HOACH)[1]
    finally:
        srv.stop()


def test_the_search_index_follows_an_edit(server):
    site = Path(re.search(r"Config value 'site_dir' = '([^']+)'", server.text()).group(1))
    assert "Thực hiện chỉ đạo" in fragments_text(site)
    b = server.folder / "b.md"
    b.write_text(b.read_text(encoding="utf-8") + "\n\nCâu kiểm tra chỉ mục xanhlamngọc.\n", encoding="utf-8")
    # The page first, the index a moment later (Pagefind rebuilds it in the background).
    wait_for(lambda: "xanhlamngọc" in fetch(server.base, CONG_VAN)[1], "the edited page")
    wait_for(lambda: "xanhlamngọc" in fragments_text(site), "the search index to follow")


def bucket_folders(site: Path) -> dict[str, str]:
    """{label: folder} of the preview's search buckets (a folder is named by its content's key)."""
    import json
    try:
        manifest = json.loads((site / "pagefind" / "buckets.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {b["label"]: b["path"] for b in manifest["buckets"]}


def test_an_edit_reindexes_only_the_bucket_of_its_year(server):
    site = Path(re.search(r"Config value 'site_dir' = '([^']+)'", server.text()).group(1))
    before = bucket_folders(site)
    assert set(before) == {"năm 2023", "năm 2022"}
    untouched = site / "pagefind" / before["năm 2023"] / "pagefind-entry.json"
    stamp = untouched.stat().st_mtime_ns
    b = server.folder / "b.md"  # the 2022 công văn
    b.write_text(b.read_text(encoding="utf-8") + "\n\nCâu kiểm tra chỉ mục tímhoacà.\n", encoding="utf-8")
    wait_for(lambda: "tímhoacà" in fragments_text(site), "the search index to follow")
    after = wait_for(lambda: (f := bucket_folders(site)) and f["năm 2022"] != before["năm 2022"] and f, "buckets.json")
    assert after["năm 2023"] == before["năm 2023"] and untouched.stat().st_mtime_ns == stamp
    assert not (site / "pagefind" / before["năm 2022"]).exists()  # the old copy is gone
    wait_for(lambda: "lập lại: nam-2022;" in server.text(), "the log of the background index")
    assert "nam-2023" not in server.text().split("lập lại: nam-2022;")[0].rsplit("Tìm kiếm:", 1)[-1]


def test_a_subject_edit_reaches_the_titles_index_after_the_page(server):
    """The titles index a relevance search reads first follows a new subject, in the background:
    made again on every rebuild it held each preview rebuild of 10 000 directives 2.5–11 s."""
    import json

    from test_search import bucket_fragments

    site = Path(re.search(r"Config value 'site_dir' = '([^']+)'", server.text()).group(1))

    def titles() -> str:
        try:
            folders = json.loads((site / "pagefind" / "tieu-de.json").read_text(encoding="utf-8"))["paths"]
            return " ".join(r["content"] for f in folders for r in bucket_fragments(site / "pagefind" / f).values())
        except (OSError, ValueError):
            return ""

    assert "Tăng cường quản lý đất đai năm 2023" not in titles()
    b = server.folder / "b.md"
    b.write_text(re.sub(r"(?m)^subject: .*$", "subject: Tăng cường quản lý đất đai năm 2023", b.read_text(encoding="utf-8")),
                 encoding="utf-8")
    wait_for(lambda: "Tăng cường quản lý đất đai năm 2023" in fetch(server.base, CONG_VAN)[1], "the edited page")
    wait_for(lambda: "Tăng cường quản lý đất đai năm 2023" in titles(), "the titles index to follow")


def test_an_edit_far_down_a_text_leaves_the_titles_index_and_one_in_its_opening_renews_it(server):
    import json
    site = Path(re.search(r"Config value 'site_dir' = '([^']+)'", server.text()).group(1))

    def titles_folder() -> str:
        return " ".join(json.loads((site / "pagefind" / "tieu-de.json").read_text(encoding="utf-8"))["paths"])

    def write_body(body: str) -> None:
        text = b.read_text(encoding="utf-8")
        b.write_text(text[:text.index("---", 3) + 3] + "\n\n" + body + "\n", encoding="utf-8")

    b = server.folder / "b.md"
    long = "Các cơ quan, đơn vị triển khai thực hiện nghiêm túc nội dung chỉ đạo. " * 6  # 84 words
    first = titles_folder()
    write_body(long)  # the opening (first 30 words) changes
    wait_for(lambda: titles_folder() != first, "the titles index to follow the new opening")
    second = titles_folder()
    write_body(long + "Câu cuối văn bản nâuđỏthẫm.")
    wait_for(lambda: "nâuđỏthẫm" in fragments_text(site), "the bucket to follow")
    time.sleep(1)
    assert titles_folder() == second  # past the opening: the titles index is left as it is
    write_body("Mở đầu mới vàngchanhnhạt. " + long)
    wait_for(lambda: titles_folder() != second, "the titles index to follow the opening")
