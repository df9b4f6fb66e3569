"""What search engines and link previews read: head tags, schema.org JSON-LD, sitemap dates.

- Open Graph and Twitter tags on every page; a directive's title is its type and number ("Kế hoạch
  02/KH-UBND") and its description its subject.
- schema.org JSON-LD (`Legislation`, properties as ELI uses them) in `<script type="application/ld+json">`:
  a data block, never executed, so the Content-Security-Policy neither needs nor gets its hash.
- Sitemap `lastmod` of a directive page: the later of its date of issue and the last commit of its
  file (when the archive is a git checkout); a listing's is its newest directive's. Both are facts of
  the sources, not of the build: the same commit gives the same sitemap.

- `og:image`: one card for the whole site, `OG_IMAGE` (1200 × 630), drawn once by
  scripts/og_card.py and committed; previews need its absolute address, so it is given only when
  `site_url` is set.
- Alternate links (feeds) say `rel="alternate feed"`: Material's script fetches a `sitemap.xml`
  beside every `<link rel="alternate">` (it takes them for translations of the page), a 404 in the
  console of every page. A directive's JSON is linked from the page's "Dữ liệu" line instead.

The canonical link is Material's own (`page.canonical_url`, from `site_url`).
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from datetime import date
from pathlib import Path
from typing import Any, Iterable

import jinja2
from markupsafe import Markup

from .archive import Archive
from .model import Directive
from .statements import WEB_TEXT_LEGAL_VALUE, legal_value
from .text import display_subject

__all__ = ["OG_IMAGE", "OG_IMAGE_SIZE", "og_image_url", "RELATION_PROPERTIES", "LEGAL_FORCE", "json_ld", "script_json", "head_html", "directive_head",
           "last_commit_dates", "lastmod", "Lastmods"]

OG_IMAGE = "assets/images/og-card.png"
"""Site-relative path of the link-preview card (docs/pages/assets/images/og-card.png)."""
OG_IMAGE_SIZE = (1200, 630)


def og_image_url(site_url: str) -> str:
    """Absolute address of the card, or "" when the site's address is unknown (a relative
    og:image is ignored by previews)."""
    return f"{site_url.rstrip('/')}/{OG_IMAGE}" if site_url else ""


# relations: key → schema.org property (ELI's vocabulary, as adopted by schema.org).
RELATION_PROPERTIES = {
    "based_on": "isBasedOn",
    "implements": "legislationEnsuresImplementationOf",
    "replaces": "legislationChanges",  # replacement is one of the changes legislationChanges covers
    "amends": "legislationAmends",
    "repeals": "legislationRepeals",
    "corrects": "legislationCorrects",  # textual corrections with no legal impact: đính chính
    # withdrawn_by has none: withdrawal shows as legislationLegalForce NotInForce
}

# Status in force → schema.org LegalForceStatus. "Không rõ" has none (the property is left out);
# PartiallyInForce is never given: no field of the archive says a directive is partly in force.
LEGAL_FORCE = {
    "con-hieu-luc": "https://schema.org/InForce",
    "chua-co-hieu-luc": "https://schema.org/NotInForce",
    "het-hieu-luc": "https://schema.org/NotInForce",
    "bi-thay-the": "https://schema.org/NotInForce",
    "bi-bai-bo": "https://schema.org/NotInForce",
    "thu-hoi": "https://schema.org/NotInForce",
}

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
    trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
    auto_reload=False,  # rendered once per page: no stat() of the template file each time
)


def _absolute(site_url: str, rel: str) -> str:
    return f"{site_url.rstrip('/')}/{rel}" if site_url else f"/{rel}"


def json_ld(d: Directive, archive: Archive, site_url: str = "") -> dict[str, Any]:
    """schema.org `Legislation` of a directive: identifier, date, issuer, type, force, relations, files."""
    url = _absolute(site_url, d.url)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "@id": url,
        "url": url,
        "name": d.short_title,
        "description": d.subject,
        "inLanguage": "vi",
        "legislationIdentifier": d.number.text,
        "legislationType": d.type.name,
        "legislationPassedBy": {"@type": "GovernmentOrganization", "name": d.issuer.name},
    }
    if d.date:
        data["legislationDate"] = d.date.iso()
    if d.issuer.place:
        data["legislationJurisdiction"] = {"@type": "AdministrativeArea", "name": d.issuer.place}
    status = d.effective_status  # in force as of the build date (force.py)
    if status in LEGAL_FORCE:
        data["legislationLegalForce"] = LEGAL_FORCE[status]
    if d.effective_from:
        data["legislationDateOfApplicability"] = d.effective_from.iso()
    if d.signer and d.signer.name:
        data["legislationResponsible"] = {"@type": "Person", "name": d.signer.name,
                                          "jobTitle": " ".join(filter(None, (d.signer.form, d.signer.position)))}
    if d.topics:
        data["keywords"] = [t.name for t in d.topics]
    for rel in archive.links.relations(d):
        prop = RELATION_PROPERTIES.get(rel.predicate.key)
        if prop is not None:
            data.setdefault(prop, []).append(_legislation(rel.ref.number.text, rel.target, site_url))
    # Documents its text cites (issue 4's resolution: unresolved ones by number only), but not those
    # a relation above names already: the page lists each related document once, and so does this.
    related = {rel.target.url for rel in archive.links.relations(d) if rel.target is not None}
    cited = [_legislation(c.citation.number.text, c.target, site_url) for c in archive.links.cites(d)
             if c.target is None or c.target.url not in related]
    if cited:
        data["citation"] = cited
    # The page's text and each file: ELI's "format" level, with what each is worth in law.
    # (The JSON twin is linked from the page's "Dữ liệu" line, not repeated here: pages have a size budget.)
    encodings = [{"@type": "LegislationObject", "contentUrl": url, "encodingFormat": "text/html",
                  "legislationLegalValue": WEB_TEXT_LEGAL_VALUE}]
    for a in d.attachments:
        if a.path:
            encodings.append({"@type": "LegislationObject", "name": a.title,
                              "contentUrl": _absolute(site_url, f"{d.url}{a.path}"),
                              "encodingFormat": _media_type(a.extension),
                              "legislationLegalValue": legal_value(a)})
    data["encoding"] = encodings
    return data


def _legislation(number: str, target: Directive | None, site_url: str) -> dict[str, Any]:
    item: dict[str, Any] = {"@type": "Legislation", "legislationIdentifier": number}
    if target is not None:
        item["@id"] = item["url"] = _absolute(site_url, target.url)
        item["name"] = target.short_title
    return item


def _media_type(extension: str) -> str:
    return {"PDF": "application/pdf", "DOC": "application/msword",
            "DOCX": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "ODT": "application/vnd.oasis.opendocument.text", "ZIP": "application/zip"}.get(extension,
                                                                                            "application/octet-stream")


def script_json(data: Any) -> Markup:
    """JSON safe inside a <script> data block: no "</script>", "<!--" can close or confuse it."""
    # No indent: with it Python's json uses its pure-Python encoder (several times slower per page).
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def head_html(*, title: str, description: str, url: str, site_name: str, kind: str = "website",
              alternates: Iterable[tuple[str, str, str]] = (), ld: dict[str, Any] | None = None,
              site_url: str = "") -> Markup:
    """Tags for <head>: Open Graph, Twitter card, alternate links ((type, href, title)), JSON-LD."""
    html = _ENV.get_template("head.html").render(
        title=title, description=description, url=url, site_name=site_name, kind=kind,
        image=og_image_url(site_url), image_size=OG_IMAGE_SIZE,
        alternates=list(alternates), ld=script_json(ld) if ld is not None else None,
    )
    return Markup(html)


def directive_head(d: Directive, archive: Archive, site_url: str, site_name: str) -> Markup:
    return head_html(
        title=d.short_title, description=display_subject(d.subject), url=_absolute(site_url, d.url),
        site_name=site_name, kind="article", ld=json_ld(d, archive, site_url), site_url=site_url,
    )


def last_commit_dates(folder: Path) -> dict[Path, date]:
    """Date of the last commit of every file under `folder` (absolute paths); {} outside git.

    Remembered for the commit checked out: `mkdocs serve` asks on every rebuild, and the history of
    a large archive takes a while to list, while an edit being previewed is not committed yet.
    """
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                              encoding="utf-8", timeout=120, check=True).stdout

    try:
        key = (str(folder.resolve()), git("rev-parse", "HEAD").strip())
        if key in _COMMIT_DATES:
            return _COMMIT_DATES[key]
        out = git("log", "--relative", "--name-only", "--no-renames", "--format=%x00%cI", "--", ".")
    except (OSError, subprocess.SubprocessError):
        return {}
    base = folder.resolve()
    dates: dict[Path, date] = {}
    current: date | None = None
    for line in out.splitlines():
        if line.startswith("\0"):
            current = date.fromisoformat(line[1:11])
        elif line and current is not None:
            dates.setdefault(base / line, current)  # newest commit comes first
    _COMMIT_DATES.clear()
    _COMMIT_DATES[key] = dates
    return dates


_COMMIT_DATES: dict[tuple[str, str], dict[Path, date]] = {}


def lastmod(d: Directive, commits: dict[Path, date]) -> str | None:
    """W3C date for the sitemap: the later of the date of issue and the file's last commit."""
    issued = date(d.date.year, d.date.month or 1, d.date.day or 1) if d.date else None
    # Resolving a path costs a system call per component: 10 000 of them took ~0.8 s per build.
    if commits:
        folder, name = os.path.split(d.source)
        committed = commits.get(_resolved_folder(folder) / name)
    else:
        committed = None
    candidates = [x for x in (issued, committed) if x is not None]
    return max(candidates).isoformat() if candidates else None


@functools.lru_cache(maxsize=4096)
def _resolved_folder(folder: str) -> Path:
    return Path(folder).resolve()


class Lastmods:
    """Sitemap dates of a build, computed once: per directive, and the newest of a group (memoised)."""

    def __init__(self, archive: Archive, commits: dict[Path, date]) -> None:
        self.by_url = {d.url: lastmod(d, commits) for d in archive.directives}
        self._groups: dict[str, str | None] = {}

    def directive(self, d: Directive) -> str | None:
        return self.by_url.get(d.url)

    def newest(self, key: str, directives: Iterable[Directive]) -> str | None:
        """Newest date among `directives`, remembered under `key` (every page of a listing asks)."""
        if key not in self._groups:
            dates = [x for d in directives if (x := self.by_url.get(d.url))]
            self._groups[key] = max(dates) if dates else None
        return self._groups[key]
