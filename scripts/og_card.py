"""The site's link-preview image (og:image): docs/pages/assets/images/og-card.png, 1200 × 630.

    python scripts/og_card.py

Drawn once from the HTML below by Debian's headless Chromium (through Playwright, already a test
dependency) and committed: no outside service, no image library at build time. Run it again when
the site's name or description in mkdocs.yml change; tests/test_seo.py checks that the committed
image still carries the size the pages announce.
"""

from __future__ import annotations

import html
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "pages" / "assets" / "images" / "og-card.png"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WIDTH, HEIGHT = 1200, 630

CARD = """<!doctype html><html lang="vi"><meta charset="utf-8"><style>
body {{ margin: 0; width: {w}px; height: {h}px; display: flex; flex-direction: column; justify-content: center;
  box-sizing: border-box; padding: 0 90px; background: #fff; color: #1a1a1a;
  font-family: "DejaVu Sans", "Noto Sans", sans-serif; border-top: 28px solid #8a1c1c; border-bottom: 28px solid #8a1c1c; }}
.nation {{ font: 700 26px "DejaVu Serif", serif; letter-spacing: .02em; }}
.motto {{ font: 700 22px "DejaVu Serif", serif; text-decoration: underline; margin: 8px 0 56px; }}
h1 {{ font-size: 64px; line-height: 1.15; margin: 0 0 28px; color: #8a1c1c; }}
p {{ font-size: 32px; line-height: 1.35; margin: 0; color: #333; }}
</style>
<div class="nation">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>
<div class="motto">Độc lập - Tự do - Hạnh phúc</div>
<h1>{name}</h1>
<p>{description}</p>
</html>"""


def card_html(config: dict) -> str:
    return CARD.format(w=WIDTH, h=HEIGHT, name=html.escape(config["site_name"]),
                       description=html.escape(config.get("site_description", "")))


def main() -> None:
    from playwright.sync_api import sync_playwright

    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1)
        page.set_content(card_html(config))
        page.screenshot(path=str(OUT), type="png")
        browser.close()
    print(f"{OUT} ({OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
