"""Run a command and measure it: wall time and the peak memory of its whole process tree.

The build forks workers and Pagefind runs as a child binary, so the peak RSS of one process says
little. This samples the proportional set size (PSS: shared pages split between the processes that
share them, so forked workers are not counted twice) of the process and all its descendants every
50 ms from /proc, and keeps the largest sum.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import threading
import time
from pathlib import Path

__all__ = ["Measured", "run", "median_time"]


class Measured:
    def __init__(self, wall: float, peak_mb: float, code: int, output: str, cpu: float = 0.0,
                 kernel: float = 0.0) -> None:
        self.wall = wall
        self.peak_mb = peak_mb
        self.code = code
        self.output = output
        self.cpu = cpu
        """User + system CPU seconds of the command and every descendant it waited for: on a
        machine shared with other work, far steadier than the wall time."""
        self.kernel = kernel
        """The system (kernel) part of `cpu`: on ext4 without a journal, creating files and folders
        within ~60 s of deleting many costs most of it (benchmarks/README.md, tenth pass)."""


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_pss_mb(root: int) -> float:
    tree = _children()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _pss_kb(pid)
        stack.extend(tree.get(pid, []))
    return total / 1024


def run(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Measured:
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_pss_mb(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = proc.communicate()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    done.set()
    sampler.join()
    kernel = after.ru_stime - before.ru_stime
    cpu = (after.ru_utime - before.ru_utime) + kernel
    return Measured(wall, peak, proc.returncode, stderr or "", cpu, kernel)


def median_time(fn, runs: int) -> float:
    """Median wall time of calling `fn()` `runs` times in this process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
