"""The `.gz` copies nginx sends (`vanban.precompress`): the same bytes whether compressed now or
taken from the build cache, and a cache that keeps only what the last build needed."""

from __future__ import annotations

import gzip
import os

from vanban.precompress import precompress

PAGE = ("<!doctype html><html lang=vi><title>Kế hoạch</title><p>" + "Triển khai thực hiện kế hoạch. " * 80 + "</p>")


def _site(root, pages: dict[str, str]):
    for name, text in pages.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _cached(cache) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (cache / "gzip").rglob("*") if p.is_file()}


def test_copies_from_the_cache_are_the_copies_compressed_now(tmp_path):
    pages = {"a/index.html": PAGE, "b/index.html": PAGE.replace("Kế hoạch", "Công văn"), "nho.html": "<p>nhỏ</p>"}
    plain = _site(tmp_path / "plain", pages)
    assert precompress(plain)[0] == 2
    cache = tmp_path / "cache"
    first = _site(tmp_path / "first", pages)
    precompress(first, cache_dir=cache)
    kept = _cached(cache)
    assert len(kept) == 2  # the small page is not looked up at all
    second = _site(tmp_path / "second", pages)
    written, saved = precompress(second, cache_dir=cache)
    assert written == 2 and saved > 0
    assert _cached(cache) == kept  # nothing compressed again
    for name in ("a/index.html", "b/index.html"):
        gz = (second / name).with_name("index.html.gz").read_bytes()
        assert gz == (plain / name).with_name("index.html.gz").read_bytes()
        assert gzip.decompress(gz) == (second / name).read_bytes()
    assert not (second / "nho.html.gz").exists()


def test_a_changed_page_is_compressed_again_and_the_old_copy_dropped(tmp_path):
    cache = tmp_path / "cache"
    precompress(_site(tmp_path / "first", {"a/index.html": PAGE}), cache_dir=cache)
    old = set(_cached(cache))
    site = _site(tmp_path / "second", {"a/index.html": PAGE + "<p>Sửa đổi.</p>"})
    precompress(site, cache_dir=cache)
    new = set(_cached(cache))
    assert len(new) == 1 and new != old
    assert gzip.decompress((site / "a/index.html.gz").read_bytes()).endswith("Sửa đổi.</p>".encode())


def test_a_file_that_does_not_gain_gets_no_copy_from_the_cache_either(tmp_path):
    random = os.urandom(2048)  # gzip cannot shrink it
    cache = tmp_path / "cache"
    for name in ("first", "second"):
        site = tmp_path / name
        site.mkdir()
        (site / "x.json").write_bytes(random)
        assert precompress(site, cache_dir=cache) == (0, 0)
        assert not (site / "x.json.gz").exists()
    assert [p.stat().st_size for p in (cache / "gzip").rglob("*") if p.is_file()] == [0]


def test_a_copy_carries_no_name_and_no_time(tmp_path):
    # The same page gives the same copy on every build and machine (warm = cold, byte for byte).
    site = _site(tmp_path / "site", {"a/index.html": PAGE})
    precompress(site)
    gz = (site / "a/index.html.gz").read_bytes()
    assert gz[:3] == b"\x1f\x8b\x08" and gz[3] == 0 and gz[4:8] == b"\0\0\0\0"
    assert gzip.decompress(gz) == PAGE.encode("utf-8")


def test_copies_kept_by_another_compressor_are_made_again(tmp_path, monkeypatch):
    from vanban import precompress as module

    cache = tmp_path / "cache"
    precompress(_site(tmp_path / "first", {"a/index.html": PAGE}), cache_dir=cache)
    before = set(_cached(cache))
    monkeypatch.setattr(module, "COMPRESSOR", "libdeflate 0.0.1")
    module._person.cache_clear()
    try:
        precompress(_site(tmp_path / "second", {"a/index.html": PAGE}), cache_dir=cache)
    finally:
        module._person.cache_clear()
    after = set(_cached(cache))
    assert after and after.isdisjoint(before)
