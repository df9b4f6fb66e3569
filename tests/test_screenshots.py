"""The staff guide's screenshots are regenerated from the built sample site by scripts/screenshots.py."""

from __future__ import annotations

import struct
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import screenshots  # noqa: E402

GUIDE = ROOT / "docs" / "pages" / "huong-dan" / "dang-van-ban.md"


def png_size(path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


def test_committed_screenshots_are_used_by_the_guide_and_small():
    guide = GUIDE.read_text(encoding="utf-8")
    for name, _, _ in screenshots.SHOTS:
        path = screenshots.OUT / name
        assert path.exists(), f"python scripts/screenshots.py regenerates {name}"
        assert path.stat().st_size < 250 * 1024
        assert f"../assets/huong-dan/{name}" in guide


@pytest.mark.browser
def test_script_regenerates_the_same_shots(served_sample, browser, tmp_path):
    written = screenshots.take(served_sample, tmp_path, browser)
    assert [p.name for p in written] == [name for name, _, _ in screenshots.SHOTS]
    for path in written:
        width, height = png_size(path)
        assert 300 < width <= screenshots.VIEWPORT["width"] and 100 < height <= screenshots.VIEWPORT["height"]
        # Same part of the same page as the committed picture: same width (heights may vary with fonts).
        assert width == png_size(screenshots.OUT / path.name)[0]
