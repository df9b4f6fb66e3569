"""Benchmark of what a build does after the pages, the search index left out (`on_post_build`).

    python benchmarks/bench_postbuild.py [--size 10000] [--runs 3] [--compare OTHER_CHECKOUT]

Each run is a real `mkdocs build` of the synthetic archive of --size directives (benchmarks/out/N)
in a child process whose search index is stubbed out (Pagefind and the pages it reads), timing the
whole `on_post_build` event of every hook: redirects, short links, feeds, open data, the manifest,
the Content-Security-Policy; wall time and CPU time (with forked workers), the latter less
sensitive to a busy machine. The render cache is shared between runs, so pages cost little.
`--compare` names another checkout of the project (e.g. `git worktree add /tmp/base main`): its
hooks are timed too, alternating with this one's in the same run. Prints medians; nothing asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import archive  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def child(root: Path, site: Path) -> None:
    """Run in the child: build with the search stubbed, print the time of on_post_build."""
    import time

    sys.path.insert(0, str(root / "hooks"))
    from mkdocs.__main__ import cli
    from mkdocs.config import config_options
    from mkdocs.plugins import PluginCollection

    load_hook = config_options.Hooks._load_hook

    def without_search(self, name, path):
        module = load_hook(self, name, path)
        if hasattr(module, "_write_search"):  # the archive hook: no search index (nor its pages)
            module._write_search = lambda *args, **kwargs: None
        return module

    config_options.Hooks._load_hook = without_search  # type: ignore[method-assign]

    event = PluginCollection.on_post_build

    def cpu() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    def timed(self, *, config):
        started, cpu_started = time.perf_counter(), cpu()
        event(self, config=config)
        print(f"POST_BUILD {time.perf_counter() - started:.3f} {cpu() - cpu_started:.3f}", flush=True)

    PluginCollection.on_post_build = timed  # type: ignore[method-assign]
    os.chdir(root)
    cli.main(["build", "-q", "--site-dir", str(site), "--config-file", str(root / "mkdocs.yml")], standalone_mode=False)


def run_once(root: Path, folder: Path, cache: Path) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", VANBAN_DIRECTIVES=str(folder), VANBAN_CACHE=str(cache),
                   PYTHONPATH=str(root / "hooks"))
        out = subprocess.run([sys.executable, __file__, "--child", str(root), str(Path(tmp) / "site")],
                             env=env, capture_output=True, text=True, check=True).stdout
    wall, cpu = next(line for line in out.splitlines() if line.startswith("POST_BUILD")).split()[1:]
    return float(wall), float(cpu)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compare", type=Path, help="another checkout of the project, timed alternately")
    args = parser.parse_args()
    folder = archive(args.size)
    roots = {"this checkout": ROOT}
    if args.compare:
        roots[f"{args.compare}"] = args.compare.resolve()
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in roots}
    with tempfile.TemporaryDirectory() as cache:
        for i in range(args.runs):
            for name, root in roots.items():
                times[name].append(run_once(root, folder, Path(cache) / name.replace("/", "_")))
                print(f"  run {i + 1}, {name}: {times[name][-1][0]:.2f} s wall, {times[name][-1][1]:.2f} s CPU "
                      f"(load {os.getloadavg()[0]:.1f})", flush=True)
    # CPU time (the process and its workers) says more than wall time on a shared machine.
    for name, values in times.items():
        walls, cpus = [v[0] for v in values], [v[1] for v in values]
        print(f"N={args.size}: on_post_build without search, {name}: median {statistics.median(walls):.2f} s wall "
              f"(min {min(walls):.2f}, max {max(walls):.2f}), {statistics.median(cpus):.2f} s CPU, {len(values)} runs")
    print(f"  machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
