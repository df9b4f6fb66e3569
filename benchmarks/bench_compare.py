"""The archive's full build against the stack a department would otherwise pick: Hugo + the Pagefind CLI.

    python benchmarks/bench_compare.py [--sizes 1000 10000] [--runs 3] [--pause 30] [--no-hugo]

Same synthetic directives for both (benchmarks/generate.py). For Hugo (Debian's package `hugo`),
each directive becomes a content page with its title, date and text under a minimal template that
prints the title, the metadata and the body; the Pagefind CLI then indexes the output, as its docs
suggest. Our side is `mkdocs build` of the project (pages, listings, feeds, exports and, when the
search hook is on, the Pagefind index), cold (empty render cache), warm, and "publish": warm plus
one new directive (`bench_build.write_published`), the build a deploy runs after staff commit one
file. Hugo + Pagefind have no such cache: their deploy is their full build. Then the upgrades of
`bench_build.UPGRADES`, in turn on the same cache (a copy of the project is edited, never the
worktree): one template of the archive, one module that renders nothing, the directive template.

Nothing is deleted while builds are timed: an output folder or a run's cache is renamed into a
folder set aside (`SetAside`) and deleted once a size is done. On ext4 without a journal (these
machines) the inode allocator passes over every inode freed in the last 60 s, or 360 s when the
block of the inode table holding it is dirty, which a build making files next to it keeps it: a
build that makes its ~30 000 folders and files within minutes of a large deletion spends much of
its CPU in the kernel (`recently_deleted`; benchmarks/README.md, fifth and tenth passes), and
which build pays depended on what the benchmark had deleted before it. A deploy on a fresh CI
runner deletes nothing before its build. `--pause S` waits S seconds before each timed build (the
previous build's writes reach the disk). The "kernel s" column is the system part of the CPU time.

Runs alternate between the two stacks so machine load hits both alike; the table gives medians of
wall time, the highest peak memory of the process tree (benchmarks/measure.py) and the ratio ours / theirs.
Numbers only; nothing is asserted. `--no-hugo` times our builds alone: at 100 000 directives Hugo
+ Pagefind ran out of memory on these machines, and the target there is a time (6 minutes).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measure  # noqa: E402
from bench_build import UPGRADES, apply_upgrade, archive, build_cmd, project_copy, write_published  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

HUGO_CONFIG = """baseURL = "https://vanban.example.gov.vn/"
languageCode = "vi"
title = "Văn bản chỉ đạo điều hành"
disableKinds = ["taxonomy", "term", "RSS"]
"""
BASEOF = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><header><a href="/">Văn bản chỉ đạo điều hành</a></header><main>{{ block "main" . }}{{ end }}</main></body></html>
"""
SINGLE = """{{ define "main" }}<article data-pagefind-body><h1>{{ .Title }}</h1>
<table><tr><th>Số, ký hiệu</th><td>{{ .Params.number }}</td></tr><tr><th>Ngày ban hành</th><td>{{ .Date.Format "02/01/2006" }}</td></tr>
<tr><th>Loại văn bản</th><td>{{ .Params.doctype }}</td></tr><tr><th>Cơ quan ban hành</th><td>{{ .Params.issuer }}</td></tr></table>
{{ .Content }}</article>{{ end }}
"""
LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
"""

_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


class SetAside:
    """Folders moved out of the way by a rename (no inode freed), deleted together by `delete`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def put(self, path: Path) -> None:
        if path.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            self.count += 1
            path.rename(self.folder / f"{self.count}-{path.name}")

    def delete(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def hugo_site(directives: Path, out: Path) -> Path:
    """A Hugo project over the same directives: title, date, number, type, issuer and body."""
    import yaml

    if (out / ".done").exists():
        return out
    shutil.rmtree(out, ignore_errors=True)
    (out / "layouts" / "_default").mkdir(parents=True)
    (out / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (out / "layouts" / "_default" / "baseof.html").write_text(BASEOF, encoding="utf-8")
    (out / "layouts" / "_default" / "single.html").write_text(SINGLE, encoding="utf-8")
    (out / "layouts" / "_default" / "list.html").write_text(LIST, encoding="utf-8")
    content = out / "content" / "van-ban"
    content.mkdir(parents=True)
    for i, path in enumerate(sorted(p for p in directives.rglob("*.md") if "_registries" not in p.parts)):
        text = path.read_text(encoding="utf-8")
        match = _FRONT.match(text)
        meta = yaml.safe_load(match.group(1))
        date = str(meta["date"])
        date = date + "-01-01"[len(date) - 4:] if len(date) < 10 else date
        front = {"title": f"{meta['number']}: {meta['subject']}", "date": date, "number": str(meta["number"]),
                 "doctype": meta["type"], "issuer": meta["issuer"]}
        (content / f"{i:06d}.md").write_text("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + text[match.end():],
                                             encoding="utf-8")
    (out / ".done").write_text("ok")
    return out


def hugo_and_pagefind(hugo: str, project: Path, public: Path, aside: SetAside, pause: float) -> tuple[measure.Measured, measure.Measured]:
    """Hugo's build of `project` into `public` (a previous output set aside), then the Pagefind CLI over it."""
    aside.put(public)
    time.sleep(pause)
    h = measure.run([hugo, "--quiet", "--source", str(project), "--destination", str(public)])
    p = measure.run([str(BIN / "python"), "-m", "pagefind", "--site", str(public)])
    if h.code or p.code:
        raise SystemExit(f"Hugo/Pagefind failed:\n{h.output[-2000:]}\n{p.output[-2000:]}")
    return h, p


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--upgrades", nargs="*", default=[name for name, *_ in UPGRADES],
                        help="which of bench_build.UPGRADES to time (default: all)")
    parser.add_argument("--pause", type=float, default=0.0,
                        help="seconds to wait before timing each build (the previous one's writes reach the disk)")
    parser.add_argument("--no-hugo", action="store_true", help="time our builds only (at 100 000, Hugo + Pagefind run out of memory)")
    args = parser.parse_args()
    upgrades = [u for u in UPGRADES if u[0] in args.upgrades]
    hugo = None if args.no_hugo else shutil.which("hugo")
    if not args.no_hugo and not hugo:
        raise SystemExit("hugo not found: apt-get install hugo (Debian's package), or --no-hugo")
    print(f"machine: {os.cpu_count()} cores; median of {args.runs} alternating runs; memory = highest peak PSS of the process tree over the runs"
          + (f"; {args.pause:g} s pause before each build" if args.pause else ""))
    names = ["cold", "warm", "publish", *(f"upgrade {name}" for name, *_ in upgrades)]
    aside = SetAside(Path(tempfile.mkdtemp(prefix="bench-compare-aside-")))
    try:
        for n in args.sizes:
            compare(n, args, hugo, upgrades, names, aside)
    finally:
        aside.delete()


def compare(n: int, args: argparse.Namespace, hugo: str | None, upgrades: list, names: list[str], aside: SetAside) -> None:
    """Runs of Hugo + Pagefind (unless `hugo` is None) and of our builds at `n` directives,
    alternating; prints the table."""
    directives = archive(n)
    project = hugo_site(directives, Path(__file__).resolve().parent / "out" / f"hugo-{n}") if hugo else None
    hugo_s, pf_s, theirs, theirs_mb, ours_mb, theirs_cpu = [], [], [], [], [], []
    ours: dict[str, list[float]] = {name: [] for name in names}
    ours_cpu: dict[str, list[float]] = {name: [] for name in names}
    ours_kernel: dict[str, list[float]] = {name: [] for name in names}
    theirs_kernel: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", VANBAN_DIRECTIVES=str(directives))
        for run in range(args.runs):
            if hugo and project:
                h, p = hugo_and_pagefind(hugo, project, Path(tmp) / "public", aside, args.pause)
                hugo_s.append(h.wall)
                pf_s.append(p.wall)
                theirs.append(h.wall + p.wall)
                theirs_mb.append(max(h.peak_mb, p.peak_mb))
                theirs_cpu.append(h.cpu + p.cpu)
                theirs_kernel.append(h.kernel + p.kernel)
            site = Path(tmp) / "site"
            aside.put(Path(tmp) / "project")
            code = project_copy(Path(tmp) / "project")
            env["VANBAN_CACHE"] = str(Path(tmp) / f"cache-{run}")
            for name in names:
                aside.put(site)
                time.sleep(args.pause)
                published = write_published(directives) if name == "publish" else None
                if name.startswith("upgrade "):
                    apply_upgrade(code, next(u for u in upgrades if f"upgrade {u[0]}" == name))
                try:
                    m = measure.run(build_cmd(code, site), env, ROOT)
                finally:
                    if published:
                        published.unlink()
                if m.code:
                    raise SystemExit(f"mkdocs build ({name}) failed:\n{m.output[-3000:]}")
                if m.wall > 2 * m.cpu + 60:  # a wait, not work: say what the build said about it
                    said = [line for line in m.output.splitlines() if "Tìm kiếm" in line or "Pagefind" in line]
                    print(f"  {name}: {m.wall:.0f} s of wall for {m.cpu:.0f} s of CPU; the build said:\n    "
                          + "\n    ".join(said[-10:] or m.output.splitlines()[-10:]), flush=True)
                ours[name].append(m.wall)
                ours_cpu[name].append(m.cpu)
                ours_kernel[name].append(m.kernel)
                ours_mb.append(m.peak_mb)
            aside.put(Path(tmp) / f"cache-{run}")
            print(f"  run {run + 1} at {n}: " + (f"H+P {theirs[-1]:.1f} s (CPU {theirs_cpu[-1]:.1f} s, kernel {theirs_kernel[-1]:.1f} s); "
                                                 if theirs else "")
                  + ", ".join(f"{name} {ours[name][-1]:.1f} s (CPU {ours_cpu[name][-1]:.1f} s, kernel {ours_kernel[name][-1]:.1f} s)"
                              for name in names), flush=True)
        for left in list(Path(tmp).iterdir()):  # the next size's builds come next: delete nothing yet
            aside.put(left)
    med = statistics.median
    publish_s, publish_c = med(ours["publish"]), med(ours_cpu["publish"])
    theirs_s, theirs_c = (med(theirs), med(theirs_cpu)) if theirs else (None, None)
    print(f"N={n}: " + (f"Hugo {med(hugo_s):.1f} s + Pagefind {med(pf_s):.1f} s = H+P {theirs_s:.1f} s ({med(theirs_mb):.0f} MB); "
                        if theirs_s else "") + f"ours peak {max(ours_mb):.0f} MB")
    print(f"{'build':>28} {'median s':>9} {'/ H+P':>7} {'/ publish':>9} {'CPU s':>7} {'CPU / H+P':>9} {'CPU / publish':>13} {'kernel s':>8}")
    for name in names:
        c = med(ours_cpu[name])
        print(f"{name:>28} {med(ours[name]):>9.1f} {_ratio(med(ours[name]), theirs_s):>7} {med(ours[name]) / publish_s:>9.2f} "
              f"{c:>7.1f} {_ratio(c, theirs_c):>9} {c / publish_c:>13.2f} {med(ours_kernel[name]):>8.1f}")
    if theirs_s and theirs_c:
        print(f"{'Hugo + Pagefind':>28} {theirs_s:>9.1f} {1:>7.2f} {'':>9} {theirs_c:>7.1f} {'':>9} {'':>13} {med(theirs_kernel):>8.1f}")
    print(flush=True)


def _ratio(ours: float, theirs: float | None) -> str:
    return f"{ours / theirs:.2f}" if theirs else "–"


if __name__ == "__main__":
    main()
