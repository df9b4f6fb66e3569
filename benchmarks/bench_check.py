"""Benchmark of `vanban check` over synthetic archives: the whole archive, and one or a few files.

    python benchmarks/bench_check.py [--sizes 1000] [--runs 5]

For each size N (archive generated once by benchmarks/generate.py into benchmarks/out/N) it prints
the median wall and CPU time, as a member of staff sees it (a new `vanban` process each run), of: checking the
whole archive with an empty cache folder (cold), again (warm: unchanged files are reused from the
cache, `project.load_archive_kept`), and `vanban check FILE` of one and of three files (warm).
Numbers only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
VANBAN = str(Path(sys.executable).parent / "vanban")


def timed(args: list[str], cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one `vanban` process: on a shared machine the
    wall time also counts waiting for a core."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([VANBAN, *args], cwd=cwd, capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _median(runs: list[tuple[float, float]]) -> str:
    return (f"{statistics.median(r[0] for r in runs):.2f} s wall / "
            f"{statistics.median(r[1] for r in runs):.2f} s CPU")


def bench(n: int, runs: int) -> None:
    folder = OUT / str(n)
    if not folder.exists():
        generate(folder, n)
    files = sorted(p for p in folder.rglob("*.md") if "_registries" not in p.parts)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "mkdocs.yml").write_text("site_name: bench\n", encoding="utf-8")
        base = ["check", "--directives", str(folder)]
        cold = []
        for _ in range(runs):
            shutil.rmtree(project / ".cache", ignore_errors=True)
            cold.append(timed(base, project))
        warm = [timed(base, project) for _ in range(runs)]
        one = [timed(base + [str(files[len(files) // 2])], project) for _ in range(runs)]
        three = [timed(base + [str(f) for f in files[:3]], project) for _ in range(runs)]
    print(f"{n:>7} directives: whole archive cold {_median(cold)}, warm {_median(warm)}; "
          f"one file {_median(one)}, three files {_median(three)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for n in args.sizes:
        bench(n, args.runs)


if __name__ == "__main__":
    main()
