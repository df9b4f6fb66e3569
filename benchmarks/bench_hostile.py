"""Time to fail on pathological directive bodies, under the per-body time budget (5 s by default).

    python benchmarks/bench_hostile.py [--runs 1] [--build]

For each input — 30 KB and 400 KB of nested brackets `[[[…](](…`, 1 MB of `*_*_…` — writes one
directive into a throw-away archive and times `vanban check` (and `mkdocs build` with --build) until
it exits naming the file. Before the budget the same inputs took ~100 s (30 KB) and more than five
minutes (the other two). Prints the median wall time per input. Numbers only; nothing asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FRONT = (ROOT / "tests" / "fixtures" / "ke-hoach-hop-le.md").read_text(encoding="utf-8").split("\n---\n", 1)[0]
INPUTS = {
    "30 KB nested brackets": "[[[" * 5000 + "](](" * 3750,
    "400 KB nested brackets": "[[[" * 66_000 + "](](" * 50_000,
    "1 MB *_*_…": "*_" * 500_000,
}


def archive(folder: Path, body: str) -> Path:
    shutil.copytree(ROOT / "directives" / "_registries", folder / "_registries")
    (folder / "2023").mkdir()
    (folder / "2023" / "xau.md").write_text(FRONT + "\n---\n\n" + body + "\n", encoding="utf-8")
    return folder


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    return time.perf_counter() - start, proc.stdout + proc.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--build", action="store_true", help="also time mkdocs build")
    args = parser.parse_args()
    print(f"{'input':26} {'command':14} {'seconds':>8}  named the file")
    for name, body in INPUTS.items():
        with tempfile.TemporaryDirectory() as tmp:
            folder = archive(Path(tmp) / "d", body)
            env = dict(os.environ, NO_MKDOCS_2_WARNING="1", VANBAN_DIRECTIVES=str(folder))
            commands = {"vanban check": [str(BIN / "vanban"), "check", "--directives", str(folder)]}
            if args.build:
                commands["mkdocs build"] = [str(BIN / "mkdocs"), "build", "-q", "-d", str(Path(tmp) / "site")]
            for label, cmd in commands.items():
                results = [timed(cmd, env) for _ in range(args.runs)]
                named = all("xau.md" in out and "dựng quá" in out for _, out in results)
                print(f"{name:26} {label:14} {statistics.median(s for s, _ in results):8.1f}  {named}")


if __name__ == "__main__":
    main()
