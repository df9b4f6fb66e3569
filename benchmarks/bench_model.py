"""Model memory: what the main process holds when the page writers fork.

    python benchmarks/bench_model.py [--size 10000] [--top 15]

Runs one cold `mkdocs build` of the synthetic archive of `--size` directives (an empty cache in a
temporary folder) under tracemalloc, stops it when `Build.write_pages` is called (the archive, its
cross references and the site plan are all made; the writers would fork next) and prints the Python
objects then alive: the total, the total a directive, and the largest sources by module and by line.
Every forked writer and indexer shares these objects and copies the memory pages it touches, so
this figure drives the whole build's peak at 100 000 directives. Numbers only, nothing asserted.
Tracing makes the build several times slower: this measures memory, never time.
"""

from __future__ import annotations

import argparse
import linecache
import os
import sys
import tempfile
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import ROOT, archive  # noqa: E402


class _Stop(Exception):
    pass


def _short(filename: str) -> str:
    for marker in ("/site-packages/", "/hooks/", "/lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def measure(size: int, top: int) -> None:
    directives = archive(size)
    snapshot: list[tracemalloc.Snapshot] = []

    import vanban.build  # the worktree's, through the editable install

    def stop(self, uris, *args, **kwargs):
        snapshot.append(tracemalloc.take_snapshot())
        raise _Stop

    vanban.build.Build.write_pages = stop
    from mkdocs.__main__ import cli

    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(NO_MKDOCS_2_WARNING="1", VANBAN_DIRECTIVES=str(directives), VANBAN_CACHE=f"{tmp}/cache")
        tracemalloc.start()
        try:
            cli(["build", "--quiet", "--site-dir", f"{tmp}/site", "--config-file", str(ROOT / "mkdocs.yml")],
                standalone_mode=False)
        except _Stop:
            pass
        tracemalloc.stop()
    if not snapshot:
        raise SystemExit("the build ended before writing pages: nothing measured")
    snap = snapshot[0]
    total = sum(s.size for s in snap.statistics("filename"))
    print(f"N={size}: {total / 1e6:.1f} MB of Python objects when the page writers fork, "
          f"{total / size / 1024:.1f} KB a directive")
    print("by module:")
    for s in snap.statistics("filename")[:top]:
        print(f"  {s.size / 1e6:7.2f} MB  {_short(s.traceback[0].filename)}")
    print("by line:")
    for s in snap.statistics("lineno")[:top]:
        frame = s.traceback[0]
        code = linecache.getline(frame.filename, frame.lineno).strip()[:90]
        print(f"  {s.size / 1e6:7.2f} MB {s.count:8d} objects  {_short(frame.filename)}:{frame.lineno}  {code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    measure(args.size, args.top)


if __name__ == "__main__":
    main()
