"""Cross-reference benchmark: cost of finding and resolving citations and relations over an archive.

    python benchmarks/bench_crossrefs.py [--sizes 1000 10000] [--runs 5]

For each size N it generates (once, cached in benchmarks/out/N) a synthetic archive with
benchmarks/generate.py (whose bodies cite each other), loads it once, then prints medians of:
building `CrossRefs` for the whole archive (citations scanned in every body, all references
resolved), the citation parser alone per directive body, and the count of citations found and
resolved. "cold" scans every body (a build); "warm" reuses the citations of unchanged Directive
objects, as a `mkdocs serve` rebuild does. Numbers only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "hooks"))
from generate import generate  # noqa: E402
from measure import median_time  # noqa: E402

from vanban.citations import find_citations, markdown_scan_text  # noqa: E402
from vanban import crossrefs  # noqa: E402
from vanban.crossrefs import CrossRefs  # noqa: E402
from vanban.project import load_archive  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for size in args.sizes:
        folder = OUT / str(size)
        if not (folder / "_registries").is_dir():
            generate(folder, size)
        archive = load_archive(folder, folder.parent).archive
        bodies = [d.body for d in archive.directives]
        kb = sum(len(b.encode()) for b in bodies) / 1024
        links = CrossRefs(archive)
        cited = sum(len(links.cites(d)) for d in archive.directives)
        resolved = sum(1 for d in archive.directives for c in links.cites(d) if c.target is not None)
        cold = median_time(lambda: (crossrefs._SCANNED.clear(), CrossRefs(archive)), args.runs)
        warm = median_time(lambda: CrossRefs(archive), args.runs)
        parse = median_time(lambda: [find_citations(markdown_scan_text(b)) for b in bodies], args.runs)
        print(f"{size:>6} directives, {kb / 1024:.1f} MB of bodies: CrossRefs cold {cold:.3f} s "
              f"({cold / size * 1e3:.3f} ms/directive), warm {warm:.3f} s; parser alone {parse:.3f} s; "
              f"{cited} cited documents, {resolved} resolved, {len(links.problems)} warnings")


if __name__ == "__main__":
    main()
