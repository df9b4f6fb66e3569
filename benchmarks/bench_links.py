"""Cost of the links features: anchors on body rendering, the URL manifest and `vanban links`.

    python benchmarks/bench_links.py [--size 1000] [--runs 5]

Prints medians only (machines are shared and noisy); nothing is asserted.
- body rendering of the synthetic archive's directives with and without the anchor extension
  (`anchors.PinpointExtension`), per directive;
- `public_urls` (the manifest) over the archive, and the `vanban links` command end to end.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402
from measure import median_time  # noqa: E402

import markdown  # noqa: E402

from vanban.manifest import public_urls  # noqa: E402
from vanban.project import load_archive  # noqa: E402
from vanban.render import _DocumentExtension, _slugify_heading, make_markdown  # noqa: E402
from vanban.site import SitePlan  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
BIN = Path(sys.executable).parent


def without_anchors() -> markdown.Markdown:
    return markdown.Markdown(extensions=["tables", "sane_lists", "toc", _DocumentExtension()],
                             extension_configs={"toc": {"slugify": _slugify_heading, "toc_depth": "2-4"}})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = OUT / str(args.size)
    if not folder.exists():
        generate(folder, args.size)
    archive = load_archive(folder, folder.parent).archive
    bodies = [d.body for d in archive.directives if d.body.strip()]

    def render(md: markdown.Markdown):
        def run():
            for body in bodies:
                md.reset()
                md.convert(body)
        return run

    plain_run, anchored_run = render(without_anchors()), render(make_markdown())
    plain_run(), anchored_run()  # warm up both (imports, regex caches)
    plain_times, anchored_times = [], []
    for _ in range(args.runs):  # interleaved, so a busy moment of the machine hits both
        plain_times.append(median_time(plain_run, 1))
        anchored_times.append(median_time(anchored_run, 1))
    plain, anchored = statistics.median(plain_times), statistics.median(anchored_times)
    print(f"{len(bodies)} bodies: {plain / len(bodies) * 1000:.2f} ms each without anchors, "
          f"{anchored / len(bodies) * 1000:.2f} ms with (+{(anchored / plain - 1) * 100:.0f}%)")
    plan = SitePlan(archive)
    urls = median_time(lambda: public_urls(plan), args.runs)
    print(f"manifest of {len(public_urls(plan))} URLs: {urls * 1000:.0f} ms")
    manifest = folder.parent / f"urls-{args.size}.txt"
    subprocess.run([BIN / "vanban", "links", "--directives", str(folder), "--manifest", str(manifest), "--update"],
                   check=True, capture_output=True)
    cli = median_time(lambda: subprocess.run([BIN / "vanban", "links", "--directives", str(folder), "--manifest",
                                              str(manifest)], check=True, capture_output=True), args.runs)
    print(f"vanban links over {len(archive)} directives: {cli:.2f} s")


if __name__ == "__main__":
    main()
