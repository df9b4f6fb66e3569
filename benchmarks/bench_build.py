"""Build benchmark: wall time, peak memory and output size of `mkdocs build` over synthetic archives.

    python benchmarks/bench_build.py [--sizes 1000 10000] [--runs 3] [--check]

For each size N it generates (once, cached in benchmarks/out/N) a synthetic archive with
benchmarks/generate.py, then runs the full build `--runs` times and prints the median wall time,
the peak memory of the build's process tree (PSS, sampled: benchmarks/measure.py; the highest of all the builds), cold (empty render cache) and
warm (cache from the previous build), directive page HTML sizes and
the site size. Numbers only; nothing is asserted (machines are shared and noisy).
"publish" is the build a deploy runs after staff commit one new directive: the warm cache, plus one
file dated after every other (so it heads every listing it is in and shifts their pages) that cites
the newest directive (whose page then lists it). The file is removed again after the run.
"upgrade" builds run after publish on the same cache, each adding one code change to a copy of
the project (`project_copy`; the worktree is never edited): `UPGRADES` — a visible change to one
template of the archive (listing.html: every page is framed again from cached bodies), then a
comment in one module that renders nothing (feeds.py), then a visible change to the directive
template (directive.html, after the element Pagefind reads: every directive page is made again
from its cached body; until d3b8504 every search page changed with it and every bucket was
indexed again, now none is).
`--check` also times `vanban check` over the same archive.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import measure  # noqa: E402
from generate import TYPES, generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
BIN = Path(sys.executable).parent
PUBLISHED = "benchmark-publish.md"
TYPE_NAMES = {key: name for key, name, _, _ in TYPES}


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall seconds, peak PSS in MB of the whole process tree, exit code)."""
    m = measure.run(cmd, env, ROOT)
    if m.code != 0:
        print(m.output[-3000:], file=sys.stderr)
    return m.wall, m.peak_mb, m.code


def archive(n: int) -> Path:
    folder = OUT / str(n)
    marker = folder / ".generated"
    if not marker.exists() or marker.read_text() != str(n):
        generate(folder, n)
        marker.write_text(str(n))
    return folder


def page_sizes(site: Path) -> list[int]:
    return sorted(p.stat().st_size for p in (site / "van-ban").glob("*/*/index.html"))


def write_published(directives: Path) -> Path:
    """One new directive, as staff would commit it, citing the archive's newest one."""
    newest = max((p for p in directives.rglob("*.md") if p.name != PUBLISHED),
                 key=lambda p: (p.parent.parent.name, p.name))
    front = yaml.safe_load(newest.read_text(encoding="utf-8").split("---\n")[1])
    issuers = yaml.safe_load((directives / "_registries" / "issuers.yml").read_text(encoding="utf-8"))
    today = datetime.date.today()  # the newest possible date: a future one is an error (VB209)
    path = directives / str(today.year) / PUBLISHED
    path.write_text(
        "---\n"
        f"number: 9001/{issuers[front['issuer']]['abbr']}-VP\n"
        "type: cong-van\n"
        f"date: {today.isoformat()}\n"
        f"issuer: {front['issuer']}\n"
        "subject: V/v triển khai thực hiện văn bản mới ban hành\n"
        "topics: [chuyen-doi-so]\n"
        "---\n\n"
        f"Thực hiện {TYPE_NAMES[front['type']]} số {front['number']} ngày {front['date'][8:10]}/{front['date'][5:7]}/{front['date'][:4]}, "
        "đề nghị các cơ quan, đơn vị triển khai thực hiện.\n\n"
        "Yêu cầu các cơ quan, đơn vị nghiêm túc triển khai thực hiện./.\n",
        encoding="utf-8")
    return path


UPGRADES = (
    ("template", "templates/listing.html", "append", '<p class="vb-upgrade">Danh sách cập nhật.</p>\n'),
    ("module", "feeds.py", "append", "\n# An upgrade that changes no output.\n"),
    ("directive template", "templates/directive.html", "append", '<p class="vb-upgrade">Bản cập nhật.</p>\n'),
)
"""(name, file of hooks/vanban/, how, text) of the upgrades a benchmark run applies in turn."""


def project_copy(dest: Path) -> Path:
    """The project's config, hooks and pages in `dest` (builds then run its config): upgrades edit
    the copy's code, never the worktree's."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.rmtree(dest, ignore_errors=True)
    for part in ("hooks", "docs"):
        shutil.copytree(ROOT / part, dest / part, ignore=ignore)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    (dest / "directives").mkdir()  # mkdocs.yml watches it; the archive comes from VANBAN_DIRECTIVES
    return dest


def apply_upgrade(project: Path, upgrade: tuple[str, str, str, str]) -> None:
    _, rel, how, text = upgrade
    path = project / "hooks" / "vanban" / rel
    assert how == "append"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def build_cmd(project: Path, site: Path) -> list[str]:
    return [str(BIN / "mkdocs"), "build", "--site-dir", str(site), "--config-file", str(project / "mkdocs.yml")]


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def bench(n: int, runs: int, check: bool) -> dict[str, float]:
    directives = archive(n)
    walls, peaks, cold_walls, publish_walls = [], [], [], []
    upgrade_walls: dict[str, list[float]] = {name: [] for name, *_ in UPGRADES}
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", VANBAN_DIRECTIVES=str(directives))
        for run in range(runs):
            project = project_copy(Path(tmp) / "project")
            # A cold build: empty render cache, as on CI or a fresh clone.
            env["VANBAN_CACHE"] = str(Path(tmp) / f"cache-{run}")
            shutil.rmtree(site, ignore_errors=True)
            wall, peak, code = timed(build_cmd(project, site), env)
            if code != 0:
                raise SystemExit(f"build of {n} directives failed")
            cold_walls.append(wall)
            peaks.append(peak)
            # A warm build: the same cache, as when staff rebuild after an edit.
            shutil.rmtree(site, ignore_errors=True)
            wall, peak, _ = timed(build_cmd(project, site), env)
            walls.append(wall)
            peaks.append(peak)
            # A deploy after one new directive: the same cache again.
            published = write_published(directives)
            try:
                wall, peak, code = timed(build_cmd(project, site), env)
            finally:
                published.unlink()
            if code != 0:
                raise SystemExit(f"build of {n} directives + 1 failed")
            publish_walls.append(wall)
            peaks.append(peak)
            # Upgrades of the code, one after the other, each on the cache the previous build left.
            for upgrade in UPGRADES:
                apply_upgrade(project, upgrade)
                wall, peak, code = timed(build_cmd(project, site), env)
                if code != 0:
                    raise SystemExit(f"build of {n} directives after upgrade {upgrade[0]} failed")
                upgrade_walls[upgrade[0]].append(wall)
                peaks.append(peak)
            shutil.rmtree(Path(tmp) / f"cache-{run}", ignore_errors=True)
        sizes = page_sizes(site)
        pagefind = site / "pagefind"
        result = {
            "n": n,
            "cold_s": statistics.median(cold_walls),
            "build_s": statistics.median(walls),
            "publish_s": statistics.median(publish_walls),
            **{f"upgrade {name}_s": statistics.median(w) for name, w in upgrade_walls.items()},
            "peak_mb": max(peaks),  # the target is a ceiling: the worst build counts
            "page_kb_median": statistics.median(sizes) / 1024,
            "page_kb_max": sizes[-1] / 1024,
            "site_mb": dir_size(site) / 1024 / 1024,
            "index_mb": dir_size(pagefind) / 1024 / 1024 if pagefind.exists() else 0.0,
        }
    if check:
        checks = [timed([str(BIN / "vanban"), "check", "--directives", str(directives)], env)[0] for _ in range(runs)]
        result["check_s"] = statistics.median(checks)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="also time `vanban check`")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; median of {args.runs} runs")
    header = (f"{'N':>7} {'cold s':>7} {'warm s':>7} {'publish s':>9} {'upg tpl s':>9} {'upg mod s':>9} {'upg dir s':>9} "
              f"{'peak MB':>8} {'page KB med':>11} {'page KB max':>11} {'site MB':>8} {'index MB':>8}")
    if args.check:
        header += f" {'check s':>8}"
    print(header)
    for n in args.sizes:
        r = bench(n, args.runs, args.check)
        upgrades = " ".join(f"{r[f'upgrade {name}_s']:>9.1f}" for name, *_ in UPGRADES)
        line = (f"{r['n']:>7} {r['cold_s']:>7.1f} {r['build_s']:>7.1f} {r['publish_s']:>9.1f} {upgrades} {r['peak_mb']:>8.0f} {r['page_kb_median']:>11.1f} "
                f"{r['page_kb_max']:>11.1f} {r['site_mb']:>8.1f} {r['index_mb']:>8.1f}")
        if args.check:
            line += f" {r['check_s']:>8.2f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
