"""The least CPU a cold build on this stack can take: Pagefind, Python-Markdown and PyYAML alone, against the targets.

    python benchmarks/bench_floor.py [--size 10000] [--runs 3] [--pause 30] [--no-hugo]

Issue 23 asks for a cold build within 1.5× of Hugo + the Pagefind CLI at 10 000 directives, and
within 6 minutes at 100 000, on a 2-core machine. Three parts of a cold build are the stack's, not
this project's, and no cache helps a cold build with them: Pagefind indexing every directive's
text, Python-Markdown parsing every body and PyYAML reading every front matter. Each run (Hugo +
Pagefind and ours alternating, the same synthetic archive as `bench_compare.py`) measures:

- Hugo + the Pagefind CLI over Hugo's pages (skipped with `--no-hugo`), as `bench_compare.py` does;
- our cold build (an empty cache), its wall and CPU, and the CPU of its Pagefind processes
  (`measure.Measured.cpu_by_name`: sampled every 50 ms, so a lower bound);
- Python-Markdown over every body of the archive in one process, twice: with only the library's
  extensions a body needs (`tables`, `sane_lists`, `toc`), and with the archive's own body
  renderer (`render.make_markdown`: pinpoint anchors, citation links, safe links; no cache);
- PyYAML's C loader (`CSafeLoader`, as the archive's loader uses) over every front matter;
- in the same process, what other issues ask every cold build to make and no cache spares it,
  each in memory (no file written): the directive template around every body (`Renderer.directive`
  less the body renderer's figure: cross-references, the citation, the outline), the search pages
  (`search.search_page`), the titles index (its records and Pagefind over them, issue 18's ranking),
  the open-data records (`opendata.directive_record`) and the `.gz` copies of the rendered content
  (a lower bound: the published page is that content in Material's frame).

The floor is (Pagefind + the faster of the two Markdown figures + PyYAML) / the machine's cores:
the wall time of a build that did nothing else, with every core busy all the time. (The archive's
renderer is the faster one: it skips the inline patterns on text none of them can match.) The
floor with what other issues require adds the last list. When a floor is above the target, no
work on this project's own code reaches it on this machine without dropping what it counts; below
it, the report says how much CPU is left for everything else (MkDocs and Material's frame, the
listings, the files and folders, the caches the next build reads). Numbers only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measure  # noqa: E402
from bench_build import archive, build_cmd, project_copy  # noqa: E402
from bench_compare import SetAside, hugo_and_pagefind, hugo_site  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)


def split(directives: Path) -> list[tuple[str, str]]:
    """Every directive's (front matter, body)."""
    found = []
    for path in sorted(p for p in directives.rglob("*.md") if "_registries" not in p.parts):
        text = path.read_text(encoding="utf-8")
        match = _FRONT.match(text)
        found.append((text[4:match.end() - 4], text[match.end():]) if match else ("", text))
    return found


def components_cpu(directives: Path) -> dict[str, float]:
    """CPU seconds of plain Python-Markdown and of the archive's body renderer over every body,
    of PyYAML's C loader over every front matter, and of what other issues require of a cold build
    (`REQUIRED`), the titles index's Pagefind process included."""
    import markdown
    import yaml

    sys.path.insert(0, str(ROOT / "hooks"))
    from vanban.render import make_markdown

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # as `frontmatter.yamltext`
    texts = split(directives)
    timed = []
    for md in (markdown.Markdown(extensions=["tables", "sane_lists", "toc"], output_format="html"), make_markdown()):
        start = time.process_time()
        for _, body in texts:
            md.reset()
            md.convert(body)
        timed.append(time.process_time() - start)
    start = time.process_time()
    for front, _ in texts:
        yaml.load(front, Loader=loader)  # noqa: S506 - a safe loader
    found = {"plain_md": timed[0], "our_md": timed[1], "yaml": time.process_time() - start}
    return found | required_cpu(directives, timed[1])


REQUIRED = {
    "template": "the directive template (cross-references, citation, outline)",
    "search_pages": "the search pages",
    "titles": "the titles index (records, feeding, Pagefind)",
    "opendata": "the open-data records",
    "gzip": "the .gz copies of the rendered content",
}
"""What other issues ask a cold build to make and no cache spares it (`required_cpu`)."""


def required_cpu(directives: Path, renderer_cpu: float) -> dict[str, float]:
    """CPU seconds of each part of `REQUIRED` over the whole archive, in this process (and, for the
    titles index, its Pagefind child), nothing written but the titles index to a temporary folder."""
    import resource

    from vanban import opendata, precompress, search
    from vanban.project import load_archive
    from vanban.render import Renderer

    archive_ = load_archive(directives, directives.parent).archive
    renderer = Renderer(archive_)
    found = dict.fromkeys(("template", "search_pages", "opendata", "gzip"), 0.0)
    clock = time.process_time
    for d in archive_.directives:  # one directive at a time: 100 000 pages held would be ~2 GB
        start = clock()
        html = renderer.directive(d).html
        made = clock()
        search.search_page(d, html)
        searched = clock()
        opendata.dumps(opendata.directive_record(d, archive_, "https://vanban.example.gov.vn"))
        recorded = clock()
        precompress.gz_copy(html.encode("utf-8"))
        found["template"] += made - start
        found["search_pages"] += searched - made
        found["opendata"] += recorded - searched
        found["gzip"] += clock() - recorded
    found["template"] = max(0.0, found["template"] - renderer_cpu)  # the body renderer is in the floor
    with tempfile.TemporaryDirectory() as out:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.process_time()
        search.write_title_index(Path(out), archive_.directives, remember=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        found["titles"] = (time.process_time() - start + after.ru_utime - children.ru_utime
                           + after.ru_stime - children.ru_stime)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pause", type=float, default=0.0, help="seconds to wait before each timed build")
    parser.add_argument("--no-hugo", action="store_true", help="leave out Hugo + Pagefind (at 100 000 the target is 6 minutes)")
    parser.add_argument("--components-of", type=Path, help=argparse.SUPPRESS)  # the child's job
    args = parser.parse_args()
    if args.components_of:
        print(json.dumps(components_cpu(args.components_of)))
        return
    hugo = None if args.no_hugo else shutil.which("hugo")
    if not args.no_hugo and not hugo:
        raise SystemExit("hugo not found: apt-get install hugo (Debian's package), or --no-hugo")
    cores = os.cpu_count() or 1
    directives = archive(args.size)
    project = hugo_site(directives, Path(__file__).resolve().parent / "out" / f"hugo-{args.size}") if hugo else None
    rows: dict[str, list[float]] = {k: [] for k in ("hp", "hp_pagefind", "cold", "cold_cpu", "kernel", "pagefind",
                                                    "plain_md", "our_md", "yaml", *REQUIRED)}
    aside = SetAside(Path(tempfile.mkdtemp(prefix="bench-floor-aside-")))
    print(f"machine: {cores} cores; {args.size} directives; {args.runs} alternating runs"
          + (f"; {args.pause:g} s pause before each build" if args.pause else ""), flush=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, NO_MKDOCS_2_WARNING="1", VANBAN_DIRECTIVES=str(directives))
            code = project_copy(Path(tmp) / "project")
            for run in range(args.runs):
                if hugo:
                    h, p = hugo_and_pagefind(hugo, project, Path(tmp) / "public", aside, args.pause)
                    rows["hp"].append(h.wall + p.wall)
                    rows["hp_pagefind"].append(p.cpu)
                site, cache = Path(tmp) / "site", Path(tmp) / f"cache-{run}"
                aside.put(site)
                time.sleep(args.pause)
                m = measure.run(build_cmd(code, site), dict(env, VANBAN_CACHE=str(cache)), ROOT)
                if m.code:
                    raise SystemExit(f"mkdocs build failed:\n{m.output[-3000:]}")
                aside.put(cache)
                rows["cold"].append(m.wall)
                rows["cold_cpu"].append(m.cpu)
                rows["kernel"].append(m.kernel)
                rows["pagefind"].append(sum(s for name, s in m.cpu_by_name.items() if name.startswith("pagefind")))
                child = subprocess.run([sys.executable, __file__, "--components-of", str(directives)],
                                       capture_output=True, text=True, check=True)
                parts = json.loads(child.stdout)
                for key, seconds in parts.items():
                    rows[key].append(seconds)
                print(f"  run {run + 1}: " + (f"H+P {rows['hp'][-1]:.1f} s; " if hugo else "")
                      + f"cold {m.wall:.1f} s (CPU {m.cpu:.1f} s, of which Pagefind {rows['pagefind'][-1]:.1f} s, "
                      f"the kernel {m.kernel:.1f} s); "
                      f"Python-Markdown plain {parts['plain_md']:.1f} CPU-s, the archive's renderer {parts['our_md']:.1f} CPU-s; "
                      f"PyYAML {parts['yaml']:.1f} CPU-s; required "
                      + ", ".join(f"{key} {parts[key]:.1f}" for key in REQUIRED) + " CPU-s", flush=True)
    finally:
        aside.delete()
    report(rows, args.size, cores, hugo is not None)


def report(rows: dict[str, list[float]], n: int, cores: int, with_hugo: bool) -> None:
    med = {k: statistics.median(v) for k, v in rows.items() if v}
    markdown = min(med["plain_md"], med["our_md"])
    floor_cpu = med["pagefind"] + markdown + med["yaml"]
    floor = floor_cpu / cores
    target = 1.5 * med["hp"] if with_hugo else 360.0
    print(f"\n{n} directives, medians:")
    if with_hugo:
        print(f"  Hugo + Pagefind CLI            {med['hp']:7.1f} s   target 1.5x = {target:.1f} s"
              f" (the CLI over Hugo's pages: {med['hp_pagefind']:.1f} CPU-s)")
    else:
        print(f"  target                         {target:7.1f} s")
    print(f"  our cold build                 {med['cold']:7.1f} s   CPU {med['cold_cpu']:.1f} s (the kernel's part {med['kernel']:.1f} s)")
    print(f"  Pagefind in it                 {med['pagefind']:7.1f} CPU-s")
    print(f"  Python-Markdown, plain         {med['plain_md']:7.1f} CPU-s ({1000 * med['plain_md'] / n:.2f} ms a body)")
    print(f"  the archive's body renderer    {med['our_md']:7.1f} CPU-s ({1000 * med['our_md'] / n:.2f} ms a body)")
    print(f"  PyYAML (C loader), front matter {med['yaml']:7.1f} CPU-s ({1000 * med['yaml'] / n:.2f} ms a directive)")
    print(f"  floor: (Pagefind + the faster Markdown + PyYAML) / {cores} cores = {floor:.1f} s"
          f" = {floor / target:.2f} of the target" + (f", {floor / med['hp']:.2f}x H+P" if with_hugo else ""))
    print(f"  left for everything else within the target: {target - floor:.1f} s of wall, "
          f"{cores * (target - floor):.1f} CPU-s; the cold build's CPU outside the floor: {med['cold_cpu'] - floor_cpu:.1f} s")
    for key, label in REQUIRED.items():
        print(f"  + {label:<52} {med[key]:7.1f} CPU-s")
    with_required = floor_cpu + sum(med[key] for key in REQUIRED)
    print(f"  floor with what other issues require: {with_required:.1f} CPU-s / {cores} cores = "
          f"{with_required / cores:.1f} s = {with_required / cores / target:.2f} of the target"
          + (f", {with_required / cores / med['hp']:.2f}x H+P" if with_hugo else ""))
    print(f"  left for everything else within the target: {cores * target - with_required:.1f} CPU-s; "
          f"the cold build spends on it {med['cold_cpu'] - with_required:.1f} CPU-s")


if __name__ == "__main__":
    main()
