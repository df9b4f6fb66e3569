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
                 kernel: float = 0.0, cpu_by_name: dict[str, float] | None = None) -> None:
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
        self.cpu_by_name = cpu_by_name or {}
        """CPU seconds of the tree's processes by command name ("pagefind", "mkdocs", …), each as
        last sampled before it ended: a lower bound (up to 50 ms of each process's last work is
        missed), which is what tells Pagefind's CPU from the build's own."""


def _children() -> dict[int, list[int]]:
    return _scan()[0]


def _scan() -> tuple[dict[int, list[int]], dict[int, str]]:
    """Parent pid → its children's pids, and each process's /proc stat line (read once a sample)."""
    tree: dict[int, list[int]] = {}
    stats: dict[int, str] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
        stats[int(entry.name)] = stat
    return tree, stats


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree(root: int, tree: dict[int, list[int]] | None = None) -> list[int]:
    tree = _children() if tree is None else tree
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(tree.get(pid, []))
    return found


def tree_pss_mb(root: int) -> float:
    return sum(_pss_kb(pid) for pid in _tree(root)) / 1024


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int, stat: str) -> tuple[tuple[int, str], str, float]:
    """((pid, start time), command name, user + system CPU seconds so far) of a process from its
    /proc stat line; the start time tells a process from a later one given the same pid."""
    name, fields = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
    return (pid, fields[19]), name, (int(fields[11]) + int(fields[12])) / _TICKS


def run(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Measured:
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    done = threading.Event()
    seen: dict[tuple[int, str], tuple[str, float]] = {}

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            tree, stats = _scan()
            pids = _tree(proc.pid, tree)
            peak = max(peak, sum(_pss_kb(pid) for pid in pids) / 1024)
            for pid in pids:
                if pid in stats:
                    found = _cpu(pid, stats[pid])
                    seen[found[0]] = found[1:]
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
    by_name: dict[str, float] = {}
    for name, seconds in seen.values():
        by_name[name] = by_name.get(name, 0.0) + seconds
    return Measured(wall, peak, proc.returncode, stderr or "", cpu, kernel, by_name)


def median_time(fn, runs: int) -> float:
    """Median wall time of calling `fn()` `runs` times in this process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
