"""The page store (`vanban.pagestore`): a warm build takes unchanged finished pages whole from the
build cache, and frames them again when anything around them changed (theme, navigation)."""

from __future__ import annotations

import gzip
from pathlib import Path

from conftest import BuildResult, run_build
from test_cache import _build_project, _copy_project, site_files

DIRECTIVE = "van-ban/2023/02-kh-ubnd/index.html"


def _store_inodes(cache: Path) -> set[int]:
    return {p.stat().st_ino for p in (cache / "pages").rglob("*") if p.is_file()}


def _build(project: Path, site: Path, cache: Path) -> BuildResult:
    result = _build_project(project, site, cache)
    assert result.returncode == 0, result.output
    return result


def test_a_warm_build_takes_unchanged_pages_whole(tmp_path):
    cache = tmp_path / "cache"
    cold = run_build(tmp_path / "cold", extra_env={"VANBAN_CACHE": str(cache)})
    assert cold.returncode == 0, cold.output
    stored = _store_inodes(cache)
    assert len(stored) >= 10  # directive, listing and short-link pages
    # A second process (another hash seed: MkDocs' theme holds a set) finds the same frame.
    warm = run_build(tmp_path / "warm", extra_env={"VANBAN_CACHE": str(cache), "PYTHONHASHSEED": "7"})
    assert warm.returncode == 0, warm.output
    assert (warm.site / DIRECTIVE).stat().st_ino in stored
    # Its .gz copy for nginx too, written beside it by the cold build's page writer, not compressed again.
    copy = warm.site / (DIRECTIVE + ".gz")
    assert copy.stat().st_ino in stored
    assert gzip.decompress(copy.read_bytes()) == (warm.site / DIRECTIVE).read_bytes()
    # The same bytes, the nginx policy (hashes read from the pages) and the .gz copies included.
    assert site_files(warm.site) == site_files(cold.site)
    assert (warm.site / "_nginx" / "headers.conf").read_bytes() == (cold.site / "_nginx" / "headers.conf").read_bytes()


def test_a_theme_or_navigation_change_frames_every_page_again(tmp_path):
    project = _copy_project(tmp_path / "project")
    cache = tmp_path / "cache"
    _build(project, tmp_path / "s1", cache)
    stored = _store_inodes(cache)
    main = project / "docs" / "overrides" / "main.html"
    main.write_text(main.read_text(encoding="utf-8") + '\n{% block announce %}Thông báo bảo trì hệ thống{% endblock %}\n',
                    encoding="utf-8")
    themed = _build(project, tmp_path / "s2", cache)
    assert "Thông báo bảo trì hệ thống" in themed.page("van-ban/2023/02-kh-ubnd/")
    assert "Thông báo bảo trì hệ thống" in themed.page("loai/ke-hoach/")
    assert (themed.site / DIRECTIVE).stat().st_ino not in stored
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("- Dữ liệu mở:", "- Dữ liệu mở của Sở:"), encoding="utf-8")
    renamed = _build(project, tmp_path / "s3", cache)
    assert "Dữ liệu mở của Sở" in renamed.page("van-ban/2023/02-kh-ubnd/")
    # Entries nobody uses any more are pruned (by a process the build does not wait for): the store
    # holds one frame's pages.
    assert _until(lambda: not stored & _store_inodes(cache))


def test_a_site_file_written_again_leaves_the_stored_page_as_it_was(tmp_path):
    # Imported here: test_collector patches vanban's thresholds before the build module's first import.
    from vanban.build import write_page
    from vanban.pagestore import PageStore

    store = PageStore(tmp_path / "pages")
    page = tmp_path / "site" / "van-ban" / "a" / "index.html"
    write_page(page, "<p>Bản cũ</p>")
    store.keep("k" * 40, str(page))
    placed = tmp_path / "site2" / "van-ban" / "a" / "index.html"
    assert store.place("k" * 40, str(placed)) and not store.place("x" * 40, str(tmp_path / "site2" / "b.html"))
    write_page(placed, "<p>Bản mới</p>")  # a later build over the same site folder
    assert placed.read_text(encoding="utf-8") == "<p>Bản mới</p>"
    assert page.read_text(encoding="utf-8") == "<p>Bản cũ</p>"
    assert store.place("k" * 40, str(tmp_path / "site3" / "index.html"))
    assert (tmp_path / "site3" / "index.html").read_text(encoding="utf-8") == "<p>Bản cũ</p>"
    assert store.prune(set()) == 1 and not store.place("k" * 40, str(tmp_path / "site4" / "index.html"))


def test_a_build_prunes_the_store_in_the_background(tmp_path):
    from vanban.pagestore import PageStore

    store = PageStore(tmp_path / "store")
    for i in range(3):
        page = tmp_path / "site" / f"p{i}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"<p>Trang {i}</p>", encoding="utf-8")
        store.keep(f"{i}" * 40, str(page))
    assert store.prune({"0" * 40}, background=True) == 2
    assert _until(lambda: [p.name for p in (tmp_path / "store").rglob("*") if p.is_file()] == ["0" * 40])
    assert store.place("0" * 40, str(tmp_path / "site2" / "index.html")) and not store.place("1" * 40, str(tmp_path / "x.html"))
    assert (tmp_path / "site" / "p1.html").read_text(encoding="utf-8") == "<p>Trang 1</p>"  # the site's link stays


def _until(condition, seconds: float = 20) -> bool:
    import time

    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


def test_a_page_written_compressed_has_a_gz_copy_newer_than_itself(tmp_path):
    from vanban.build import write_page
    from vanban.precompress import precompress

    page = tmp_path / "site" / "van-ban" / "a" / "index.html"
    text = "<p>Triển khai thực hiện kế hoạch.</p>" * 100
    write_page(page, text, compressed=True)
    copy = page.with_name("index.html.gz")
    assert gzip.decompress(copy.read_bytes()).decode("utf-8") == text
    assert copy.stat().st_mtime_ns >= page.stat().st_mtime_ns
    written = copy.stat().st_ino
    precompress(tmp_path / "site", cache_dir=tmp_path / "cache")
    assert copy.stat().st_ino == written  # looked at, not compressed again
    # Written again too short to gain: no stale copy of the earlier text is left for nginx to send.
    write_page(page, "<p>Ngắn</p>", compressed=True)
    assert not copy.exists()


def test_short_link_stubs_are_written_final_and_linked_from_the_store(tmp_path):
    # A build into an empty site folder (a CI job's) linked the finished pages from the store but
    # wrote a folder and a file for each of 7 366 short-link stubs at 10 000 directives (7.6 s of a
    # 22 s publish build). A stub is kept by its bytes, with the CSP policy the hook gives it: the
    # policy step finds nothing to write into it afterwards, so the store's copy stays what its name says.
    from vanban.csp import META_MARK
    from vanban.webserver import STUBS_DIR, stub_key

    cache = tmp_path / "cache"
    cold = run_build(tmp_path / "cold", extra_env={"VANBAN_CACHE": str(cache)})
    assert cold.returncode == 0, cold.output
    stubs = sorted(p.relative_to(cold.site) for p in (cold.site / "so").glob("*/index.html")
                   if 'http-equiv="refresh"' in p.read_text(encoding="utf-8"))  # not so/index.html, a folder page
    assert len(stubs) >= 5

    def stored(site: Path, rel: Path) -> Path:
        text = (site / rel).read_text(encoding="utf-8")
        assert META_MARK in text  # final: with its policy
        key = stub_key(text)
        entry = cache / STUBS_DIR / key[:2] / key
        assert entry.read_text(encoding="utf-8") == text  # never written into after it was kept
        return entry

    for rel in stubs:
        assert (cold.site / rel).stat().st_ino == stored(cold.site, rel).stat().st_ino
    warm = run_build(tmp_path / "warm", extra_env={"VANBAN_CACHE": str(cache)})
    assert warm.returncode == 0, warm.output
    for rel in stubs:
        assert (warm.site / rel).stat().st_ino == stored(warm.site, rel).stat().st_ino
    assert site_files(warm.site) == site_files(cold.site)
