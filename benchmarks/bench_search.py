"""Search benchmark: Pagefind index time and memory, and the bytes a browser fetches for a first query.

    python benchmarks/bench_search.py [--sizes 1000 10000] [--runs 3] [--workers N] [--bytes-size 10000] [--cli]

For each size N (archives generated once into benchmarks/out/N by generate.py, shared with
bench_build.py), in a fresh process per run: load the archive, render the directive pages (the
site plan, as the build does), prepare what Pagefind reads (`search_page`: the đ folds and the
index page), then index them the way the build does (`vanban.search.write_index`: one index per
date bucket, `--workers` Pagefind processes at once, HTML from memory). Printed, as medians over
the runs: preparation and index wall time, the buckets, the CPU time of the Pagefind processes
(CPU s / wall s above 1 means more than one core busy), the largest child's peak RSS (a
Pagefind process, or a render worker of the site plan), the peak PSS of all Pagefind processes
together, and the peak PSS of the whole process tree during the run (Python holding the rendered pages plus
every Pagefind process). `--cli` also times the Pagefind CLI over the built site, the reference of
issue 3. `--index-only` skips the bytes of a first query (for 100 000).

Then it builds the `--bytes-size` archive with `mkdocs build`, serves it on localhost and loads
/tim-kiem/?q=… in headless Chromium, summing the bodies of every response (Playwright's network
log): what the search costs (Pagefind's files, the number map, the page's script) and the whole
page. Text files are also counted gzipped, as the shipped nginx configuration serves them;
Pagefind's own chunks are already compressed. A second table splits the search's bytes (gz) by
kind: scripts, WebAssembly, entry and meta files, word-index chunks, filter chunks, fragments (one
per result shown) and the site's own JSON (buckets, titles, filter counts, number map). The
default order is relevance, which reads the small titles index first and a date bucket only when
the titles do not fill the first page; "1562/UBND-KT" is answered from one number-map shard (on a
synthetic archive, which has no such number, with "Không có văn bản số … trong kho"). Numbers only;
nothing is asserted.

`--relevance` runs the judged query set (`judged_queries.py`) through the real search page of the
sample site and of the 1 000 synthetic archive: what a person sees first (the first answer link, or
the "Không có…" message) against the judgement. Printed: precision at 1 and mean reciprocal rank,
per archive and over both, and every miss. `--sites SAMPLE SYNTHETIC` reuses built sites (to measure
an older build, whose page script is its own).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measure  # noqa: E402
from bench_build import archive  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
BIN = Path(sys.executable).parent
QUERIES = ["cai cach hanh chinh", "duong dien", "1562/UBND-KT"]
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg")
KINDS = ("scripts", "wasm", "entry+meta", "index", "filter", "fragments", "site json")


def kind_of(path: str) -> str:
    name = path.split("?")[0].rsplit("/", 1)[-1]
    if name.endswith(".js"):
        return "scripts"
    if name.endswith(".pagefind"):
        return "wasm"
    if name == "pagefind-entry.json" or name.endswith(".pf_meta"):
        return "entry+meta"
    if name.endswith(".pf_index"):
        return "index"
    if name.endswith(".pf_filter"):
        return "filter"
    if name.endswith(".pf_fragment"):
        return "fragments"
    return "site json"


# ------------------------------------------------------------------------------------------------
# Index time and memory (one child process per run)
# ------------------------------------------------------------------------------------------------

def index_once(directives: Path, out: Path, workers: int | None, from_text: bool = False) -> None:
    """Child mode: plan + render as the build does, then index; prints one JSON line. `from_text`
    skips the site plan and gives Pagefind each directive's Markdown text as its body (the same
    words, cheaper to produce: for the index alone at 100 000)."""
    sys.path.insert(0, str(ROOT / "hooks"))
    from html import escape

    from vanban.project import load_archive
    from vanban.search import search_page, write_index, write_number_map
    from vanban.site import SitePlan

    start = time.perf_counter()
    loaded = load_archive(directives, ROOT)
    if from_text:
        rendered = time.perf_counter()
        pages = [search_page(d, f'<article class="vb-directive" data-pagefind-body><h1 class="vb-title">{escape(d.title)}</h1>'
                                f'<div class="vb-paper"><p>{escape(d.body)}</p></div></article>')
                 for d in loaded.archive.directives]
    else:
        plan = SitePlan(loaded.archive, "Văn bản")
        plan.prerender()
        rendered = time.perf_counter()
        pages = [search_page(s.directive, s.html()[0]) for s in plan.pages.values() if s.kind == "directive"]
    prepared = time.perf_counter()
    stats = write_index(pages, out, workers=workers)
    write_number_map(out, loaded.archive)
    index_bytes = sum(p.stat().st_size for p in (out / "pagefind").rglob("*") if p.is_file())
    print(json.dumps({"pages": stats.pages, "render_s": rendered - start, "prepare_s": prepared - rendered,
                      "index_s": stats.seconds, "buckets": stats.buckets, "cpu_s": stats.cpu_seconds,
                      "pagefind_peak_mb": stats.peak_rss_mb, "index_bytes": index_bytes}))


def bench_index(n: int, runs: int, workers: int | None, from_text: bool = False) -> dict[str, float]:
    directives = archive(n)
    results, tree_peaks, pagefind_peaks = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, __file__, "--index-once", str(directives), tmp, str(workers or 0)]
            cmd += ["--from-text"] if from_text else []
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
            peak = pagefind_peak = 0.0
            while proc.poll() is None:
                peak = max(peak, measure.tree_pss_mb(proc.pid))
                pagefind_peak = max(pagefind_peak, pagefind_pss_mb(proc.pid))
                time.sleep(0.05)
            results.append(json.loads(proc.stdout.read().strip().splitlines()[-1]))
            tree_peaks.append(peak)
            pagefind_peaks.append(pagefind_peak)
    med = {k: statistics.median(r[k] for r in results) for k in results[0]}
    med["tree_peak_mb"] = statistics.median(tree_peaks)
    med["pagefind_all_mb"] = statistics.median(pagefind_peaks)
    return med


def pagefind_pss_mb(root: int) -> float:
    """PSS of the Pagefind processes under `root` at this moment (all of them together): the
    render workers the site plan forks are children too, so the largest child's RSS is not
    Pagefind's."""
    tree = measure._children()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(tree.get(pid, []))
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() == "pagefind":
                total += measure._pss_kb(pid)
        except OSError:
            pass
    return total / 1024


def bench_cli(n: int) -> tuple[float, float]:
    """The Pagefind CLI over the fully built site (wall s, peak PSS MB), for comparison."""
    with tempfile.TemporaryDirectory() as tmp:
        site = build_site(n, Path(tmp))
        m = measure.run([sys.executable, "-m", "pagefind", "--site", str(site),
                         "--output-subdir", "pagefind-cli"], dict(os.environ), ROOT)
        return m.wall, m.peak_mb


# ------------------------------------------------------------------------------------------------
# Bytes of a first query
# ------------------------------------------------------------------------------------------------

def build_site(n: int, tmp: Path) -> Path:
    """Build the archive of `n` synthetic directives (0: the bundled sample) into `tmp/site`."""
    site = tmp / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", VANBAN_CACHE=str(tmp / "cache"))
    if n:
        env["VANBAN_DIRECTIVES"] = str(archive(n))
    proc = subprocess.run([str(BIN / "mkdocs"), "build", "-q", "--site-dir", str(site)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(proc.stderr[-3000:])
    return site


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def first_query_bytes(site: Path, query: str) -> dict[str, int]:
    from urllib.parse import quote_plus

    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    totals = {"search": 0, "search_gz": 0, "page": 0, "page_gz": 0, "requests": 0, "results": 0, "status": ""}
    totals.update({kind: 0 for kind in KINDS})
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page()
            responses = []
            page.on("requestfinished", lambda r: responses.append(r))
            page.goto(f"{base}tim-kiem/?q={quote_plus(query)}")
            page.wait_for_function("() => window.VanbanSearch && window.VanbanSearch.done")
            page.evaluate("window.VanbanSearch.done")
            page.wait_for_load_state("networkidle")
            totals["results"] = page.locator(".vb-result, #vb-search-direct li").count()
            totals["status"] = page.locator("#vb-search-status").text_content()
            for request in responses:
                response = request.response()
                body = response.body() if response else b""
                kind = (response.headers.get("content-type", "") if response else "")
                gz = len(gzip.compress(body, 6)) if kind.startswith(TEXT_TYPES) and len(body) > 1024 else len(body)
                path = request.url[len(base):]
                is_search = path.startswith("pagefind/") or "vanban-search" in path
                totals["search" if is_search else "page"] += len(body)
                totals["search_gz" if is_search else "page_gz"] += gz
                if is_search:
                    totals[kind_of(path)] += gz
                totals["requests"] += 1
            browser.close()
    finally:
        server.shutdown()
    return totals


# ------------------------------------------------------------------------------------------------
# Relevance: the judged query set through the real search page
# ------------------------------------------------------------------------------------------------

ANSWERS = "#vb-search-direct a, .vb-result__title a"
"""The answer links a person sees, in page order (near matches and suggestions are not answers)."""
NO_ANSWER = ("Không có văn bản", "Không tìm thấy văn bản")


def _accepted(expected: object, directives: list) -> set[str] | None:
    """URLs that are a right first answer, or None for "no document"."""
    from vanban.text import fold

    if expected == "none":
        return None
    if isinstance(expected, str):
        return {expected}
    kind, text = expected
    urls = {f"/{d.url}" for d in directives
            if (fold(d.subject).replace(",", "") == text if kind == "subject" else text in fold(d.subject).replace(",", ""))}
    assert urls, f"the judgement {expected} matches no document"
    return urls


def judge(site: Path, directives_dir: Path, queries: list, rerank: bool = True) -> list[tuple[str, float, str]]:
    """(query, reciprocal rank, what the page showed first) for each judged query; `rerank` False
    keeps Pagefind's own order (the index's weights alone), to compare the two."""
    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "hooks"))
    from vanban.project import load_archive

    directives = load_archive(directives_dir, ROOT).archive.directives
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    out = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page()
            if not rerank:
                page.add_init_script("window.VANBAN_NO_RERANK = true;")
            for query, expected, _why in queries:
                page.goto(f"{base}tim-kiem/?q={quote(query)}")
                page.wait_for_function("() => window.VanbanSearch && window.VanbanSearch.done")
                page.evaluate("window.VanbanSearch.done")
                links = [a.get_attribute("href") for a in page.locator(ANSWERS).all()]
                shown = page.locator("#vb-search-status").text_content() or ""
                accepted = _accepted(expected, directives)
                if accepted is None:
                    rr = 1.0 if not links and shown.startswith(NO_ANSWER) else 0.0
                    seen = links[0] if links else shown
                else:
                    rank = next((i for i, url in enumerate(links, 1) if url in accepted), None)
                    rr = 1.0 / rank if rank else 0.0
                    seen = links[0] if links else shown
                out.append((query, rr, seen))
            browser.close()
    finally:
        server.shutdown()
    return out


def bench_relevance(sites: list[Path] | None, rerank: bool = True) -> None:
    import judged_queries as judged

    with tempfile.TemporaryDirectory() as tmp:
        if sites:
            sample, synthetic = sites
        else:
            sample = build_site(0, Path(tmp) / "sample")
            synthetic = build_site(1000, Path(tmp) / "synthetic")
        rows = [("sample", judge(sample, ROOT / "directives", judged.SAMPLE, rerank)),
                ("synthetic 1000", judge(synthetic, archive(1000), judged.SYNTHETIC, rerank))]
    print(f"\nJudged queries through the search page (default order{'' if rerank else ', Pagefind order: no re-ranking'})")
    print(f"{'archive':<16} {'queries':>8} {'P@1':>6} {'MRR':>6}")
    everything = []
    for name, results in rows:
        everything += results
        p1 = sum(rr == 1.0 for _, rr, _ in results) / len(results)
        mrr = sum(rr for _, rr, _ in results) / len(results)
        print(f"{name:<16} {len(results):>8} {p1:>6.2f} {mrr:>6.2f}")
    p1 = sum(rr == 1.0 for _, rr, _ in everything) / len(everything)
    mrr = sum(rr for _, rr, _ in everything) / len(everything)
    print(f"{'both':<16} {len(everything):>8} {p1:>6.2f} {mrr:>6.2f}")
    for query, rr, seen in everything:
        if rr < 1.0:
            print(f"  miss ({rr:.2f}) {query!r}: first shown {seen[:90]!r}")


# ------------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bytes-size", type=int, default=10000, help="archive size for the bytes of a first query (0: skip)")
    parser.add_argument("--cli", action="store_true", help="also time the Pagefind CLI over the built site")
    parser.add_argument("--workers", type=int, default=0, help="Pagefind processes at once (default: one per core)")
    parser.add_argument("--index-only", action="store_true", help="skip the bytes of a first query")
    parser.add_argument("--from-text", action="store_true",
                        help="index each directive's Markdown text instead of its rendered page (no site plan: for 100 000)")
    parser.add_argument("--relevance", action="store_true", help="only the judged query set: P@1 and MRR")
    parser.add_argument("--no-rerank", action="store_true", help="with --relevance: Pagefind's order, no re-ranking")
    parser.add_argument("--sites", nargs=2, type=Path, metavar=("SAMPLE", "SYNTHETIC"),
                        help="with --relevance: built sites of the sample and the 1 000 archive")
    parser.add_argument("--index-once", nargs=3, metavar=("DIRECTIVES", "OUT", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.index_once:
        index_once(Path(args.index_once[0]), Path(args.index_once[1]), int(args.index_once[2]) or None, args.from_text)
        return
    if args.relevance:
        bench_relevance(args.sites, not args.no_rerank)
        return

    print(("Markdown text as the body (--from-text); " if args.from_text else "") +
          f"Pagefind index, medians of {args.runs} runs ({os.cpu_count()} cores, "
          f"{args.workers or os.cpu_count()} Pagefind processes; load {os.getloadavg()[0]:.1f})")
    print(f"{'N':>7} {'render s':>9} {'prepare s':>10} {'index s':>8} {'buckets':>8} {'CPU s':>6} "
          f"{'child MB':>9} {'Pagefind MB':>12} {'tree MB':>8} {'index MB':>9}")
    for n in args.sizes:
        r = bench_index(n, args.runs, args.workers or None, args.from_text)
        print(f"{n:>7} {r['render_s']:>9.1f} {r['prepare_s']:>10.1f} {r['index_s']:>8.1f} {r['buckets']:>8.0f} "
              f"{r['cpu_s']:>6.1f} {r['pagefind_peak_mb']:>9.0f} {r['pagefind_all_mb']:>12.0f} {r['tree_peak_mb']:>8.0f} "
              f"{r['index_bytes'] / 1e6:>9.1f}  (load {os.getloadavg()[0]:.1f})", flush=True)
        if args.cli:
            wall, peak = bench_cli(n)
            print(f"{'':>7} Pagefind CLI over the built site: {wall:.1f} s, {peak:.0f} MB", flush=True)

    if args.bytes_size and not args.index_only:
        with tempfile.TemporaryDirectory() as tmp:
            site = build_site(args.bytes_size, Path(tmp))
            print(f"\nFirst query on the {args.bytes_size} archive (KB; gz = as nginx serves text files)")
            print(f"{'query':<22} {'search':>7} {'search gz':>10} {'page':>7} {'page gz':>8} {'requests':>9} {'shown':>6}")
            measured = []
            for query in QUERIES:
                t = first_query_bytes(site, query)
                measured.append((query, t))
                print(f"{query:<22} {t['search'] / 1024:>7.0f} {t['search_gz'] / 1024:>10.0f} {t['page'] / 1024:>7.0f} "
                      f"{t['page_gz'] / 1024:>8.0f} {t['requests']:>9} {t['results']:>6}", flush=True)
            print("\nWhat the search's bytes are (KB, gz)")
            print(f"{'query':<22} " + " ".join(f"{k:>10}" for k in KINDS))
            for query, t in measured:
                print(f"{query:<22} " + " ".join(f"{t[k] / 1024:>10.1f}" for k in KINDS))
            for query, t in measured:
                print(f"{query:<22} {t['status']}")


if __name__ == "__main__":
    main()
