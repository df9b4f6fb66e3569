"""Serving benchmark: requests/s of the shipped nginx configuration over the built sample site,
measured with wrk on loopback, bounded in time.

    python benchmarks/bench_nginx.py [--seconds 4] [--runs 3] [--connections 32]

Builds the sample archive (or takes --site), starts nginx with deploy/nginx.conf as `vanban nginx
--standalone` writes it, and for the home page and a directive page runs wrk `--runs` times for
each way of answering: no compression asked; gzip asked and served from the build's .gz files
(`gzip_static`, what the build writes now); gzip asked without those files (nginx compressing each
response, as before). Prints the median requests/s. (`bench_serve.py` measures the preview under
`mkdocs serve`, not a server.) Numbers only; nothing asserted — the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "hooks"))
from vanban.webserver import write_standalone  # noqa: E402

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PATHS = ["/", "/van-ban/2024/15-qd-stttt/"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(site: Path) -> None:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    subprocess.run([str(BIN / "mkdocs"), "build", "-q", "--site-dir", str(site)], cwd=ROOT, env=env, check=True)


def start(site: Path, prefix: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    for folder in [site.resolve(), *site.resolve().parents]:  # workers that drop root must read it
        if os.geteuid() == 0 and not folder.stat().st_mode & 0o001:
            folder.chmod(folder.stat().st_mode | 0o011)
    conf = write_standalone(prefix, site, f"127.0.0.1:{port}")
    proc = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, f"http://127.0.0.1:{port}"


def wrk(url: str, seconds: int, connections: int, gzip: bool) -> float:
    cmd = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "2s", url]
    if gzip:
        cmd[1:1] = ["-H", "Accept-Encoding: gzip"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)
    if errors:
        print(f"  wrk reported errors on {url}: {errors.group(0)}", file=sys.stderr)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build the sample archive)")
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or Path(tmp) / "site"
        if args.site is None:
            build(site)
        bare = Path(tmp) / "without-gz"  # the same site without the build's .gz files
        shutil.copytree(site, bare, ignore=shutil.ignore_patterns("*.gz"))
        modes = [("no compression", site, False), ("gzip, build's .gz (gzip_static)", site, True),
                 ("gzip, per request (before)", bare, True)]
        print(f"wrk -t1 -c{args.connections} -d{args.seconds}s, median of {args.runs} runs, requests/s")
        for label, folder, gzip in modes:
            proc, base = start(folder, Path(tmp) / f"nginx-{len(label)}")
            try:
                for path in PATHS:
                    rates = [wrk(base + path, args.seconds, args.connections, gzip) for _ in range(args.runs)]
                    print(f"{label:34} {path:30} {statistics.median(rates):>10,.0f}")
            finally:
                proc.terminate()
                proc.wait(timeout=10)


if __name__ == "__main__":
    main()
