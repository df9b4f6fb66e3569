"""The archive's full build against the stack a department would otherwise pick: Hugo + the Pagefind CLI.

    python benchmarks/bench_compare.py [--sizes 1000 10000] [--runs 3]

Same synthetic directives for both (benchmarks/generate.py). For Hugo (Debian's package `hugo`),
each directive becomes a content page with its title, date and text under a minimal template that
prints the title, the metadata and the body; the Pagefind CLI then indexes the output, as its docs
suggest. Our side is `mkdocs build` of the project (pages, listings, feeds, exports and, when the
search hook is on, the Pagefind index), cold (empty render cache), warm, and "publish": warm plus
one new directive (`bench_build.write_published`), the build a deploy runs after staff commit one
file. Hugo + Pagefind have no such cache: their deploy is their full build.

Runs alternate between the two stacks so machine load hits both alike; the table gives medians of
wall time, the highest peak memory of the process tree (benchmarks/measure.py) and the ratio ours / theirs.
Numbers only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measure  # noqa: E402
from bench_build import archive, write_published  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    hugo = shutil.which("hugo")
    if not hugo:
        raise SystemExit("hugo not found: apt-get install hugo (Debian's package)")
    print(f"machine: {os.cpu_count()} cores; median of {args.runs} alternating runs; memory = highest peak PSS of the process tree over the runs")
    print(f"{'N':>7} {'Hugo s':>7} {'Pagefind s':>10} {'H+P s':>7} {'H+P MB':>7} {'ours cold s':>11} {'ours warm s':>11} "
          f"{'ours publish s':>14} {'ours MB':>8} {'cold/H+P':>8} {'warm/H+P':>8} {'publish/H+P':>11}")
    for n in args.sizes:
        directives = archive(n)
        project = hugo_site(directives, Path(__file__).resolve().parent / "out" / f"hugo-{n}")
        hugo_s, pf_s, theirs, theirs_mb, cold, warm, publish, ours_mb = [], [], [], [], [], [], [], []
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, NO_MKDOCS_2_WARNING="1", VANBAN_DIRECTIVES=str(directives))
            for run in range(args.runs):
                public = Path(tmp) / "public"
                shutil.rmtree(public, ignore_errors=True)
                h = measure.run([hugo, "--quiet", "--source", str(project), "--destination", str(public)])
                p = measure.run([str(BIN / "python"), "-m", "pagefind", "--site", str(public)])
                if h.code or p.code:
                    raise SystemExit(f"Hugo/Pagefind failed:\n{h.output[-2000:]}\n{p.output[-2000:]}")
                hugo_s.append(h.wall)
                pf_s.append(p.wall)
                theirs.append(h.wall + p.wall)
                theirs_mb.append(max(h.peak_mb, p.peak_mb))
                site = Path(tmp) / "site"
                env["VANBAN_CACHE"] = str(Path(tmp) / f"cache-{run}")
                for bucket in (cold, warm, publish):
                    shutil.rmtree(site, ignore_errors=True)
                    published = write_published(directives) if bucket is publish else None
                    try:
                        m = measure.run([str(BIN / "mkdocs"), "build", "--site-dir", str(site)], env, ROOT)
                    finally:
                        if published:
                            published.unlink()
                    if m.code:
                        raise SystemExit(f"mkdocs build failed:\n{m.output[-3000:]}")
                    bucket.append(m.wall)
                    ours_mb.append(m.peak_mb)
        med = statistics.median
        print(f"{n:>7} {med(hugo_s):>7.1f} {med(pf_s):>10.1f} {med(theirs):>7.1f} {med(theirs_mb):>7.0f} {med(cold):>11.1f} "
              f"{med(warm):>11.1f} {med(publish):>14.1f} {max(ours_mb):>8.0f} {med(cold) / med(theirs):>8.2f} "
              f"{med(warm) / med(theirs):>8.2f} {med(publish) / med(theirs):>11.2f}",
              flush=True)


if __name__ == "__main__":
    main()
