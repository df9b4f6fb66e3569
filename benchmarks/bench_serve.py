"""Preview benchmark: time from saving a directive to the reloaded page under `mkdocs serve --dirty`.

    python benchmarks/bench_serve.py [--size 10000] [--edits 5]

Starts `mkdocs serve --dirty` (what `make serve` runs) over a synthetic archive of --size directives
(benchmarks/generate.py, cached in benchmarks/out/N), waits for the first build, then for each edit
appends a unique sentence to one directive's body (or changes its subject) and polls the page over
HTTP until the new text is served, `--pause` seconds after the previous one was. Prints the first
build time and the median and maximum edit-to-served latency for body edits and for front-matter
edits. Numbers only; nothing asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import archive  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return ""


def wait_until(check, timeout: float, log: Path) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if check():
            return time.perf_counter() - start
        time.sleep(0.05)
    raise SystemExit(f"no answer after {timeout:g} s; the preview's log ends:\n{_tail(log)}")


def _served(proc: subprocess.Popen, log: Path) -> bool:
    """The preview says it serves; raises when it ended first (its first build failed)."""
    if "Serving on" in log.read_text(errors="replace"):
        return True
    if proc.poll() is not None:
        raise SystemExit(f"mkdocs serve ended with {proc.returncode} before serving; its log ends:\n{_tail(log)}")
    return False


def _tail(log: Path, lines: int = 30) -> str:
    """The last lines of the preview's log, which name what it waited for or failed on."""
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def page_url_of(path: Path, folder: Path) -> str:
    """The permalink of a generated directive, as the build computes it."""
    sys.path.insert(0, str(ROOT / "hooks"))
    from vanban.loader import load_directive
    from vanban.registry import load_registries
    registries, _ = load_registries(folder)
    directive, problems = load_directive(path, registries, folder)
    assert directive is not None, problems
    return directive.url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--pause", type=float, default=5.0,
                        help="seconds between edits (default 5: staff save, then read the page; the previous "
                             "edit's background work, search indexing and memory collection, is over; "
                             "1 times edits that pile up)")
    args = parser.parse_args()
    folder = archive(args.size)
    files = sorted(p for p in folder.rglob("*.md") if "_registries" not in p.parts)
    originals = {}
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", VANBAN_DIRECTIVES=str(folder), VANBAN_CACHE=str(Path(tmp) / "cache"))
        log = Path(tmp) / "serve.log"
        with log.open("w") as out:
            proc = subprocess.Popen([str(BIN / "mkdocs"), "serve", "--dirty", "-a", f"127.0.0.1:{port}"],
                                    cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
            # SIGTERM (`timeout`, a CI runner's limit) ends this script through `finally`: killed
            # the default way it left the preview running, orphaned, with its site in /tmp.
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(f"bench_serve.py stopped by SIGTERM\n{_tail(log)}"))
            try:
                first = wait_until(lambda: _served(proc, log) and get(base), 1800, log)
                print(f"N={args.size}: first build and serve {first:.1f} s (cold cache)")
                results: dict[str, list[float]] = {"body": [], "subject": []}
                for i in range(args.edits):
                    for kind in ("body", "subject"):
                        path = files[(i * 7919 + (kind == "subject") * 104729) % len(files)]
                        text = originals.setdefault(path, path.read_text(encoding="utf-8"))
                        token = f"Đo lần {i} {kind} {time.time_ns()}"
                        if kind == "body":
                            edited = text + f"\n\n{token}.\n"
                        else:
                            edited = re.sub(r"(?m)^subject: (.*)$", lambda m: f"subject: {token}", text, count=1)
                        url = base + page_url_of(path, folder)
                        time.sleep(args.pause)
                        t0 = time.perf_counter()
                        path.write_text(edited, encoding="utf-8")
                        wait_until(lambda: token in get(url), 300, log)
                        results[kind].append(time.perf_counter() - t0)
                for kind, values in results.items():
                    print(f"  {kind} edit → served page: median {statistics.median(values):.2f} s, "
                          f"max {max(values):.2f} s over {len(values)} edits")
                print(f"  machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
            finally:
                proc.terminate()
                proc.wait(timeout=60)
                for path, text in originals.items():
                    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
