"""Benchmark of the open-data, feed and head-tag generation over synthetic archives (no MkDocs build).

    python benchmarks/bench_opendata.py [--sizes 1000 10000] [--runs 3]

For each size N it loads the synthetic archive (generated once by benchmarks/generate.py into
benchmarks/out/N) and prints the median wall time of: writing every open-data file
(`write_open_data`), writing every Atom feed, rendering every directive's head tags (Open Graph,
JSON-LD), and `git log` for sitemap dates; plus the size of the whole-archive JSON and CSV.
Numbers only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "hooks"))
from generate import generate  # noqa: E402
from measure import median_time  # noqa: E402

from vanban.feeds import atom_xml, build_feeds  # noqa: E402
from vanban.listings import build_listings  # noqa: E402
from vanban.opendata import write_open_data  # noqa: E402
from vanban.project import load_archive  # noqa: E402
from vanban.seo import directive_head, last_commit_dates  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
SITE_URL = "https://vanban.example.gov.vn/"


def bench(n: int, runs: int) -> None:
    folder = OUT / str(n)
    if not folder.exists():
        generate(folder, n)
    archive = load_archive(folder, folder.parent).archive
    listings = build_listings(archive)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        t_data = median_time(lambda: write_open_data(site, archive, SITE_URL), runs)

        def feeds() -> None:
            for feed in build_feeds(listings, "Kho"):
                out = site / feed.path
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(atom_xml(feed, SITE_URL))

        t_feeds = median_time(feeds, runs)
        t_head = median_time(lambda: [directive_head(d, archive, SITE_URL, "Kho") for d in archive.directives], runs)
        t_git = median_time(lambda: last_commit_dates(ROOT / "directives"), runs)
        json_size = (site / "du-lieu" / "van-ban.json").stat().st_size
        csv_size = (site / "du-lieu" / "van-ban.csv").stat().st_size
    print(f"{n:>7} directives: open data {t_data:6.2f} s, feeds {t_feeds:5.2f} s ({len(build_feeds(listings))} feeds), "
          f"head tags {t_head:5.2f} s, git dates (sample repo) {t_git:5.2f} s; "
          f"van-ban.json {json_size / 1e6:.1f} MB, van-ban.csv {csv_size / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for n in args.sizes:
        bench(n, args.runs)


if __name__ == "__main__":
    main()
