"""Screenshots for the staff guide (docs/pages/assets/huong-dan/), taken from the built sample site.

    make build && python scripts/screenshots.py [--site site] [--out docs/pages/huong-dan/anh]

Serves the built site on a free localhost port, opens it in Debian's headless Chromium through
Playwright and saves small PNGs of what staff will see after publishing. tests/test_screenshots.py
runs the same function, so the script keeps working as the pages change.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "pages" / "assets" / "huong-dan"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SEED_PAGE = "van-ban/2023/stttt-ttbcxb-tuyen-truyen-cchc-sap-nhap-thon/"

# (file name, page, CSS selector of the part to show): what the guide talks about, nothing more.
SHOTS = [
    ("trang-van-ban.png", SEED_PAGE, ".vb-directive"),
    ("thong-tin-van-ban.png", SEED_PAGE, "table.vb-meta"),
    ("danh-sach-nam.png", "van-ban/2023/", ".md-content__inner"),
]
VIEWPORT = {"width": 1000, "height": 900}


def take(base_url: str, out: Path, browser) -> list[Path]:
    """Save every shot of SHOTS under `out`; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
    written = []
    for name, url, selector in SHOTS:
        page.goto(base_url + url)
        element = page.locator(selector).first
        box = element.bounding_box()
        assert box, f"{selector} not on {url}"
        # Long parts are cut to one screen: the top is what the guide points at.
        clip = {"x": box["x"], "y": box["y"], "width": box["width"], "height": min(box["height"], VIEWPORT["height"])}
        page.screenshot(path=str(out / name), clip=clip, full_page=True)
        written.append(out / name)
    page.close()
    return written


@functools.cache
def _handler(directory: str):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=directory, **kwargs)

        def log_message(self, *args) -> None:
            pass

    return Quiet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=str(ROOT / "site"))
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(str(Path(args.site).resolve())))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for path in take(f"http://127.0.0.1:{server.server_address[1]}/", Path(args.out), browser):
                print(f"{path} ({path.stat().st_size // 1024} KB)")
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
