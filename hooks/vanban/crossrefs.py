"""The web of documents: citations in bodies and front-matter relations, resolved across the archive.

Computed once per archive (`Archive.links`): what each directive cites ("Văn bản dẫn chiếu"), what
cites it, its relations and their inverses ("bị thay thế bởi …"), the status those give it, and the
warnings `check` reports. A reference resolves by normalised number and year; with no year and
several candidates it stays unresolved: the archive never guesses.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import keep, read_kept
from .citations import Citation, find_citations, markdown_scan_text
from .force import started
from .model import RELATIONS, Attachment, Directive, Predicate, RelationRef
from .numbers import DocumentNumber
from .problems import Problem
from .rules import problem

if TYPE_CHECKING:
    from .archive import Archive

__all__ = ["CrossRefs", "CitedDocument", "Relation", "Resolution", "load_scans", "save_scans"]


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a reference found: the one target, or how many candidates (0: not in the archive)."""

    target: Directive | None
    candidates: tuple[Directive, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.target is None and len(self.candidates) > 1


@dataclass(frozen=True, slots=True)
class CitedDocument:
    """One line of "Văn bản dẫn chiếu": a cited document (first citation of it in the text)."""

    citation: Citation
    resolution: Resolution
    line: int
    """Line of the directive's file where it is first cited."""

    @property
    def target(self) -> Directive | None:
        return self.resolution.target


@dataclass(frozen=True, slots=True)
class Relation:
    """A front-matter relation: `source` <predicate> `ref` (resolved to `target` when in the archive)."""

    predicate: Predicate
    source: Directive
    ref: RelationRef
    resolution: Resolution

    @property
    def target(self) -> Directive | None:
        return self.resolution.target


class CrossRefs:
    """Citations and relations of every directive of an archive, both directions."""

    def __init__(self, archive: "Archive") -> None:
        self.archive = archive
        self._cites: dict[int, list[CitedDocument]] = {}
        self._found: dict[int, list[Citation]] = {}
        self._title_citations: dict[int, list[Citation]] = {}
        self._cited_by: dict[int, list[Directive]] = defaultdict(list)
        self._relations: dict[int, list[Relation]] = defaultdict(list)
        self._inverse: dict[int, list[Relation]] = defaultdict(list)
        self.problems: list[Problem] = []
        for d in archive.directives:
            self._read_citations(d)
            self._read_relations(d)
            self._check_attachments(d)
        for d in archive.directives:
            d.computed_status = self._status_from_relations(d)

    # -- resolution ------------------------------------------------------------------------------

    def resolve(self, number: DocumentNumber, year: int | None) -> Resolution:
        """The directive this number (of this year, when known) names, or the candidates."""
        found = tuple(self.archive.find(number, year if year is not None else number.year))
        return Resolution(found[0] if len(found) == 1 else None, found)

    def resolve_ref(self, ref: RelationRef) -> Resolution:
        return self.resolve(ref.number, ref.year)

    # -- per directive ----------------------------------------------------------------------------

    def cites(self, d: Directive) -> list[CitedDocument]:
        """Documents its body cites, each once, in order of first citation (itself left out)."""
        return self._cites.get(id(d), [])

    def cited_by(self, d: Directive) -> list[Directive]:
        """Directives whose body cites it, newest first."""
        return self._cited_by.get(id(d), [])

    def relations(self, d: Directive) -> list[Relation]:
        """Its own `relations:` entries, resolved."""
        return self._relations.get(id(d), [])

    def inverse_relations(self, d: Directive) -> list[Relation]:
        """Relations other directives state about it ("40/QĐ-STTTT thay thế văn bản này")."""
        return self._inverse.get(id(d), [])

    def withdrawn_by(self, d: Directive) -> Relation | None:
        """The relation to the document that withdrew `d` (`withdrawal.by`), resolved."""
        return next((r for r in self.relations(d) if r.predicate.key == "withdrawn_by"), None)

    def status_reason(self, d: Directive) -> Relation | None:
        """The relation that gives it its computed status (the newest replacing or repealing one)."""
        if d.withdrawn:
            return None
        for rel in self.inverse_relations(d):
            if rel.predicate.status and rel.predicate.status == d.computed_status and self._in_effect(rel.source):
                return rel
        return None

    def link_targets(self, d: Directive) -> dict[tuple[str, int | None], Directive]:
        """(number key, year) → directive, for each resolved citation of its body: what its links point to."""
        return {(c.citation.number.key, c.citation.year): c.target for c in self.cites(d) if c.target is not None}

    def attachment_target(self, d: Directive, attachment: Attachment) -> Directive | None:
        """The archive directive an attachment is: named by `directive:`, or cited by its title alone."""
        if attachment.directive is not None:
            return self.resolve_ref(attachment.directive).target
        found = find_citations(attachment.title)
        if len(found) == 1:
            target = self.resolve(found[0].number, found[0].year).target
            return target if target is not d else None
        return None

    def citations(self, d: Directive) -> list[Citation]:
        """Every citation its page resolves (body and attachment titles, repeats and self included):
        what the page's HTML depends on, for incremental rebuilds."""
        titles = self._title_citations.get(id(d))
        if titles is None:  # asked twice per directive per build (page keys)
            titles = self._title_citations[id(d)] = [c for a in d.attachments if a.directive is None
                                                     for c in find_citations(a.title)]
        return self._found.get(id(d), []) + titles

    def summary(self, d: Directive, url_of=lambda x: "/" + x.url) -> dict[str, object]:
        """JSON-able cross references of one directive, for machine-readable exports."""
        def ref(number: str, year: int | None, target: Directive | None) -> dict[str, object]:
            return {"number": number, "year": year, "url": url_of(target) if target else None}

        return {
            "status": d.effective_status,
            "cites": [dict(ref(c.citation.number.text, c.citation.year, c.target), text=c.citation.text)
                      for c in self.cites(d)],
            "cited_by": [url_of(x) for x in self.cited_by(d)],
            "relations": [dict(ref(r.ref.number.text, r.ref.year or r.ref.number.year, r.target), kind=r.predicate.key)
                          for r in self.relations(d)],
            "related_by": [{"kind": r.predicate.key, "url": url_of(r.source)} for r in self.inverse_relations(d)],
        }

    # -- building ---------------------------------------------------------------------------------

    def _read_citations(self, d: Directive) -> None:
        if not d.body_packed:  # blank
            return
        found, lines = _scan(d)
        seen: dict[object, CitedDocument] = {}
        self._found[id(d)] = found
        for citation, offset in zip(found, lines):
            line = d.body_line + offset
            resolution = self.resolve(citation.number, citation.year)
            if resolution.target is d:
                continue  # "Quyết định này": a document naming its own number is not a reference
            key = id(resolution.target) if resolution.target else (citation.number.key, citation.year)
            if key in seen:
                continue
            seen[key] = CitedDocument(citation, resolution, line)
            if resolution.target is not None:
                self._cited_by[id(resolution.target)].append(d)
            else:
                self.problems.append(_citation_problem(d, citation, resolution, line))
        self._cites[id(d)] = list(seen.values())

    def _read_relations(self, d: Directive) -> None:
        for ref in d.relations:
            predicate = RELATIONS[ref.kind]
            resolution = self.resolve_ref(ref)
            rel = Relation(predicate, d, ref, resolution)
            if resolution.target is d:
                self.problems.append(problem("VB503", d.rel_path, f"Quan hệ '{ref.kind}' trỏ tới chính văn bản này "
                                                                  f"({ref.number}): xóa mục này.",
                                             field=_relation_field(d, ref), line=ref.line))
                continue
            self._relations[id(d)].append(rel)
            if resolution.target is not None:
                self._inverse[id(resolution.target)].append(rel)
            elif ref.issuer is None or resolution.ambiguous:
                # Declared outside the archive ({number:, issuer:}): shown without a link, as intended.
                self.problems.append(_relation_problem(d, ref, resolution))

    def _check_attachments(self, d: Directive) -> None:
        for i, a in enumerate(d.attachments):
            if a.directive is None:
                continue
            resolution = self.resolve_ref(a.directive)
            if resolution.target is None:
                self.problems.append(problem(
                    "VB247", d.rel_path, f"Tệp đính kèm “{a.title}” ghi là văn bản {_ref_text(a.directive)}, "
                                         f"{_missing(resolution)}", field=f"attachments[{i}].directive",
                    line=a.directive.line))

    def _status_from_relations(self, d: Directive) -> str | None:
        statuses = [rel.predicate.status for rel in self.inverse_relations(d)
                    if rel.predicate.status and self._in_effect(rel.source)]
        # Replaced says more than repealed (it names the successor); either ends the directive's force.
        for status in ("bi-thay-the", "bi-bai-bo"):
            if status in statuses:
                return status
        return None


    def _in_effect(self, source: Directive) -> bool:
        # A withdrawn directive replaces nothing, and one whose own force starts later does not yet.
        return not source.withdrawn and started(source.effective_from, self.archive.as_of) is not False


def _ref_text(ref: RelationRef) -> str:
    return f"{ref.number}" + (f" năm {ref.year}" if ref.year else "")


def _files(candidates: tuple[Directive, ...]) -> str:
    return ", ".join(c.rel_path for c in candidates)


def _missing(resolution: Resolution) -> str:
    if resolution.ambiguous:
        return (f"nhưng số này khớp với {len(resolution.candidates)} văn bản ({_files(resolution.candidates)}): "
                "ghi thêm năm (year) để xác định.")
    return "nhưng văn bản này chưa có trong kho: thêm văn bản (có thể chỉ thông tin mô tả, metadata_only: true)."


def _citation_problem(d: Directive, citation: Citation, resolution: Resolution, line: int) -> Problem:
    code = "VB512" if resolution.ambiguous else "VB511"
    if resolution.ambiguous:
        message = (f"Dẫn chiếu “{citation.text}” khớp với {len(resolution.candidates)} văn bản "
                   f"({_files(resolution.candidates)}): ghi ngày ban hành trong câu dẫn chiếu (ví dụ “ngày 04/01/2023”) "
                   "để tạo liên kết; hiện chưa liên kết.")
    else:
        message = (f"Văn bản được dẫn chiếu “{citation.text}” chưa có trong kho: có thể thêm văn bản này "
                   "(hoặc chỉ thông tin mô tả, metadata_only: true) để trang có liên kết.")
    return problem(code, d.rel_path, message, line=line)


def _relation_problem(d: Directive, ref: RelationRef, resolution: Resolution) -> Problem:
    label = RELATIONS[ref.kind].label
    code = "VB502" if resolution.ambiguous else "VB501"
    if resolution.ambiguous:
        message = (f"Quan hệ “{label}” {_ref_text(ref)} khớp với {len(resolution.candidates)} văn bản "
                   f"({_files(resolution.candidates)}): ghi dạng {{number: {ref.number}, year: …}} để chọn đúng văn bản.")
    else:
        message = (f"Quan hệ “{label}” {_ref_text(ref)}: văn bản này chưa có trong kho. Nếu là văn bản của cơ quan "
                   f"khác mà kho không lưu, ghi {{number: {ref.number}, issuer: <khóa cơ quan>}} (trang ghi số, không "
                   "liên kết); nếu không, thêm văn bản vào kho (có thể chỉ thông tin mô tả, metadata_only: true) "
                   "hoặc kiểm tra lại số ký hiệu và năm.")
    return problem(code, d.rel_path, message, field=_relation_field(d, ref), line=ref.line)


def _relation_field(d: Directive, ref: RelationRef) -> str:
    """"relations.based_on[1]": the item's position among the relations of its kind."""
    if ref.kind == "withdrawn_by":
        return "withdrawal.by"
    same = [r for r in d.relations if r.kind == ref.kind]
    return f"relations.{ref.kind}[{next(i for i, r in enumerate(same) if r is ref)}]"


_SCANNED: dict[str, tuple[list[Citation], list[int]]] = {}
"""Citations found in a body, by the directive file's hash: `mkdocs serve` rebuilds the archive on
every edit, and scanning every body again was most of a rebuild's loading time; `save_scans` keeps
them for the next `mkdocs build` (scanning is ~40 % of loading a warm 10 000 archive). Not the
scanned text: at 100 000 directives it held ~800 MB."""

_scanned_since_saved = False


def _scan(d: Directive) -> tuple[list[Citation], list[int]]:
    """The body's citations and the line of each, counted from the body's first line (a pure
    function of the text, hence memoised)."""
    global _scanned_since_saved
    if d.stamp and d.stamp in _SCANNED:
        return _SCANNED[d.stamp]
    text = markdown_scan_text(d.body)
    found = find_citations(text)
    result = (found, [text.count("\n", 0, c.start) for c in found])
    if d.stamp:
        if len(_SCANNED) > 200_000:
            _SCANNED.clear()
        _SCANNED[d.stamp] = result
        _scanned_since_saved = True
    return result


def load_scans(path: Path, stamp: str) -> None:
    """Add the scans `save_scans` kept in `path` under the same `stamp` (the code version)."""
    saved = read_kept(path, stamp)
    if isinstance(saved, dict):
        _SCANNED.update(saved)


def save_scans(path: Path, stamp: str, archive: "Archive") -> None:
    """Keep the scans of the archive's directives in `path`, if any was made since the last save."""
    global _scanned_since_saved
    if _scanned_since_saved:
        kept = {d.stamp: _SCANNED[d.stamp] for d in archive.directives if d.stamp in _SCANNED}
        _scanned_since_saved = not keep(path, stamp, kept)
