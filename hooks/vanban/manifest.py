"""The manifest of public URLs: every address the site has published, so none breaks unnoticed.

Every build lists the site's public URLs (directive pages and their JSON, attachment files, listings
and indexes with their Atom feeds, open-data exports, hand-written pages, short links, redirect pages
for `aliases`, the sitemap) with the document each belongs to,
and writes them to `site/_manifest/urls.txt`. The same list is committed in the repository
(`published-urls.txt`, beside mkdocs.yml: it is a promise about the whole site, not content of one
directive). `check` compares the two: a committed URL that the archive no longer produces fails,
naming the document and its file, until the directive gets an `aliases` entry (which produces a
redirect page at the old address, so the URL is back) or the removal is accepted on purpose with
`vanban links --update` (the removed lines then show in the commit's diff for review).

The list is computed from the archive, not by walking a built site, so `vanban links` runs in a
second without building. The build checks the other direction: every listed URL exists on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .feeds import build_feeds
from .model import Directive
from .opendata import open_data_urls, write_if_changed
from .problems import ERROR, Problem
from .rules import problem
from .redirects import alias_copies
from .shortlinks import ambiguity_pages, short_links
from .site import SitePlan

__all__ = ["ManifestEntry", "public_urls", "format_manifest", "parse_manifest", "compare",
           "ManifestReport", "MANIFEST_NAME", "BUILD_MANIFEST", "page_urls", "docs_dir_for",
           "write_build_manifest", "deleted_directives"]

MANIFEST_NAME = "published-urls.txt"
"""The committed manifest, beside mkdocs.yml."""

BUILD_MANIFEST = "_manifest/urls.txt"
"""Where each build writes its manifest, inside the site folder."""

_HEADER = """\
# Sổ đường dẫn đã công bố của kho văn bản — không sửa tay.
# Mỗi dòng: đường dẫn <TAB> tài liệu <TAB> tệp nguồn. Cập nhật bằng: vanban links --update
# `vanban links` báo lỗi khi một đường dẫn ở đây không còn: thêm nó vào 'aliases' của văn bản.
"""


@dataclass(frozen=True)
class ManifestEntry:
    url: str
    """Site-absolute path: "/van-ban/2022/1562-ubnd-kt/", "/van-ban/2024/x/ban-ky-so.pdf"."""
    title: str
    """What a person finds there: "Công văn 1562/UBND-KT", "Văn bản theo loại"."""
    source: str = ""
    """The file it comes from, relative to the project ("directives/2022/1562-ubnd-kt.md")."""


def _directive_label(d: Directive) -> str:
    return d.short_title


def _page_title(path: Path) -> str:
    # The page's first "# " heading (or front-matter title), as a reader sees it; the file name otherwise.
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return path.name
    for line in lines[:40]:
        if line.startswith("title:"):
            return line[len("title:"):].strip().strip("\"'")
        if line.startswith("# "):
            return line[2:].strip()
    return path.name


def page_urls(docs_dir: Path) -> dict[str, str]:
    """Hand-written pages: site URL → source path (MkDocs' directory URLs)."""
    urls = {}
    for path in sorted(docs_dir.rglob("*.md")):
        rel = path.relative_to(docs_dir).as_posix()
        stem = rel[:-3]
        if stem == "index" or stem.endswith("/index"):
            url = stem[: -len("index")]
        else:
            url = stem + "/"
        urls["/" + url] = rel
    return urls


def public_urls(plan: SitePlan, docs_dir: Path | None = None, docs_label: str = "docs/pages") -> dict[str, ManifestEntry]:
    """Every public URL of the site the plan describes, keyed by URL."""
    entries: dict[str, ManifestEntry] = {}

    def add(url: str, title: str, source: str = "") -> None:
        url = "/" + url.lstrip("/")
        entries.setdefault(url, ManifestEntry(url, title, source))

    if docs_dir is not None and docs_dir.is_dir():
        for url, rel in page_urls(docs_dir).items():
            add(url, _page_title(docs_dir / rel), f"{docs_label}/{rel}")
    for spec in plan.pages.values():
        d = spec.directive
        add(spec.url, _directive_label(d) if d else spec.title, d.rel_path if d else "")
    for spec in ambiguity_pages(plan):
        add(spec.url, spec.title)
    add("sitemap.xml", "Sơ đồ trang cho máy tìm kiếm")
    for d in plan.archive.directives:
        for a in d.attachments:
            if a.path and a.source:
                add(d.url + a.path, f"Tệp đính kèm “{a.title}” của {_directive_label(d)}", d.rel_path)
        for alias in d.aliases:
            add(alias, f"Chuyển hướng tới {_directive_label(d)}", d.rel_path)
    by_url = {d.url: d for d in plan.archive.directives}
    for source, copy in alias_copies(plan.archive):
        d = by_url[source[: source.rindex("/") + 1]]
        add(copy, f"Bản sao ở địa chỉ cũ của /{source}", d.rel_path)
    for link in short_links(plan.archive):
        if link.target is not None:
            add(link.url, f"Liên kết ngắn tới {_directive_label(link.target)}", link.target.rel_path)
    # Feeds and open data are addresses people subscribe to and programs fetch: they must last too.
    for feed in build_feeds(plan.listings):
        add(feed.path, f"Nguồn tin Atom: {feed.title}")
    sources = {d.url: d.rel_path for d in plan.archive.directives}
    sources.update({a.strip("/") + "/": d.rel_path for d in plan.archive.directives for a in d.aliases})
    for url, title in open_data_urls(plan.archive).items():
        add(url, title, sources.get(url.rsplit("/", 1)[0] + "/", ""))
    return dict(sorted(entries.items()))


def write_build_manifest(site_dir: Path, entries: dict[str, ManifestEntry], present: set[str] | None = None) -> list[str]:
    """Write `site/_manifest/urls.txt`; return the listed URLs that the build did not produce.

    `present`: URLs already found in `site_dir` by an earlier call (`mkdocs serve --dirty` keeps the
    folder and removes what it drops); they are not looked for again. Updated here.
    """
    write_if_changed(site_dir / BUILD_MANIFEST, format_manifest(entries.values()).encode("utf-8"))
    seen = present if present is not None else set()
    missing = []
    for url in entries:
        if url in seen:
            continue
        if (site_dir / (url.lstrip("/") + ("index.html" if url.endswith("/") else ""))).is_file():
            seen.add(url)
        else:
            missing.append(url)
    if present is not None:
        present.intersection_update(entries)
    return missing


def _clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def format_manifest(entries: Iterable[ManifestEntry]) -> str:
    lines = [f"{e.url}\t{_clean(e.title)}\t{e.source}".rstrip("\t") for e in sorted(entries, key=lambda e: e.url)]
    return _HEADER + "\n".join(lines) + "\n"


def parse_manifest(text: str) -> dict[str, tuple[ManifestEntry, int]]:
    """URL → (entry, line number). Blank lines and `#` comments are skipped."""
    found = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        url = parts[0].strip()
        entry = ManifestEntry(url, parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else "")
        found[url] = (entry, number)
    return found


@dataclass
class ManifestReport:
    missing: list[Problem]
    """Committed URLs the archive no longer produces: errors."""
    added: list[str]
    """URLs the archive produces that the committed manifest does not list yet."""

    @property
    def ok(self) -> bool:
        return not self.missing


def deleted_directives(committed_text: str, produced: set[str] | dict, root: Path, directives_dir: Path) -> list[Problem]:
    """One error per published directive whose file was deleted: a directive is withdrawn, never
    deleted (its page stays as a marked record, so no published address breaks).

    A committed entry counts when its source is a `.md` file of `directives_dir` that no longer
    exists and its URL is not in `produced` (site-absolute URLs the archive makes now): a file
    moved or renamed with its address kept is not a deletion."""
    try:
        prefix = directives_dir.resolve().relative_to(root.resolve()).as_posix().rstrip("/") + "/"
    except ValueError:
        return []  # a directives folder outside the project: the committed manifest is not about it
    if prefix == "./":
        prefix = ""
    gone: dict[str, list[ManifestEntry]] = {}
    for url, (entry, _line) in parse_manifest(committed_text).items():
        source = entry.source
        if url in produced or not source.endswith(".md") or not source.startswith(prefix):
            continue
        if source not in gone and (root / source).exists():
            continue
        gone.setdefault(source, []).append(entry)
    problems = []
    for source, entries in gone.items():
        page = next((e for e in entries if e.url.endswith("/") and e.url.startswith("/van-ban/")), entries[0])
        problems.append(problem(
            "VB405", source,
            f"Tệp đã bị xoá nhưng {page.title} đã công bố tại {page.url} (cùng {len(entries)} đường dẫn): "
            "đừng xoá, hãy thu hồi: status: thu-hoi. Khôi phục tệp (git checkout -- " + source + "), "
            "rồi thêm vào phần thông tin: status: thu-hoi và withdrawal (date: ngày thu hồi, reason: lý do, "
            "by: số ký hiệu văn bản thu hồi). Trang được giữ lại với thông báo “Văn bản đã bị thu hồi” "
            "và ra khỏi các danh sách; xem mục “Thu hồi văn bản” trong docs/pages/huong-dan/truong-thong-tin.md.",
            field="status"))
    return problems


def compare(committed_text: str, current: dict[str, ManifestEntry], manifest_path: str,
            directives_by_file: dict[str, Directive] | None = None,
            deleted: list[Problem] | None = None) -> ManifestReport:
    """What the committed manifest lists and the archive no longer produces, and what is new.
    `deleted`: `deleted_directives` of the same manifest; their URLs are reported by file, once."""
    committed = parse_manifest(committed_text)
    directives_by_file = directives_by_file or {}
    deleted = deleted or []
    deleted_files = {p.path for p in deleted}
    missing = list(deleted)
    for url, (entry, line) in committed.items():
        if url in current or entry.source in deleted_files:
            continue
        what = entry.title or "trang"
        d = directives_by_file.get(entry.source)
        if d is not None:
            # The document is still here under another address: an alias brings the old one back.
            missing.append(Problem(
                d.rel_path,
                f"Đường dẫn đã công bố {url} ({what}) không còn; văn bản nay ở /{d.url}. "
                f"Thêm '{url}' vào trường 'aliases' của văn bản này để địa chỉ cũ chuyển tới địa chỉ mới.",
                field="aliases", severity=ERROR))
        else:
            source = f" — tệp {entry.source}" if entry.source else ""
            missing.append(Problem(
                manifest_path,
                f"Đường dẫn đã công bố {url} ({what}{source}) không còn trên trang. Nếu văn bản chỉ đổi số, "
                f"năm hoặc slug, thêm '{url}' vào trường 'aliases' của nó; nếu cố ý gỡ bỏ, chạy "
                "`vanban links --update` và ghi lý do trong commit.",
                line=line, severity=ERROR))
    added = [url for url in current if url not in committed]
    return ManifestReport(missing, added)


def docs_dir_for(project_root: Path) -> Path:
    """MkDocs' `docs_dir` from mkdocs.yml (tags such as !!python/name are read as plain values)."""
    import yaml

    class _Lenient(yaml.SafeLoader):
        pass

    _Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        config = yaml.load((project_root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Lenient) or {}
    except (OSError, yaml.YAMLError):
        config = {}
    return (project_root / str(config.get("docs_dir") or "docs")).resolve()
