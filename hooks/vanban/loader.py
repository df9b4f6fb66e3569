"""Reading directives: Markdown files with YAML front matter → `Directive` objects and `Problem`s.

Every problem of a file is reported (the reader does not stop at the first), each naming the file,
the line where known, the field, what was found and what is expected. A file with errors yields no
`Directive`; the caller decides whether the build goes on.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from .bounds import check_bounds
from .cache import keep, read_kept
from .frontmatter import FIELDS, RELATION_KINDS, REQUIRED, read_directive
from .frontmatter.yamltext import parse_front_matter
from .model import Directive
from .numbers import DocumentNumber, NumberError
from .parallel import can_fork, fork_map, worker_count
from .problems import Problem
from .registry import REGISTRY_DIR, Registries
from .repofiles import links_outside
from .rules import problem as rule
from .text import normalize

__all__ = ["load_directive", "read_file", "load_directives", "LoadMemo", "iter_directive_files", "LoadResult",
           "RELATION_KINDS", "FIELDS", "REQUIRED"]

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*$\r?\n?", re.DOTALL | re.MULTILINE)
MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass
class LoadResult:
    directives: list[Directive] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: dict[str, str | None] = field(default_factory=dict)
    """Files with errors → the address each asks for (None when its fields do not tell): the
    preview shows the file's problems there instead of a 404."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


def iter_directive_files(directives_dir: Path) -> list[Path]:
    """Every `.md` under the folder, sorted, except the registries folder and hidden files."""
    # os.walk, pruning as it goes: pathlib's rglob and relative_to cost ~0.1 s per 1 000 files,
    # much of `vanban check FILE` on a warm cache.
    found = []
    top = str(directives_dir)
    for folder, subfolders, names in os.walk(top):
        subfolders[:] = [d for d in subfolders if not d.startswith(".") and not (folder == top and d == REGISTRY_DIR)]
        found += [os.path.join(folder, n) for n in names if n.endswith(".md") and not n.startswith(".")]
    return [Path(p) for p in sorted(found, key=lambda p: p.split(os.sep))]


class LoadMemo:
    """Directives already loaded, reused while their file and attachments are unchanged.

    `mkdocs serve` rebuilds the whole site on every edit; re-parsing ten thousand front matters
    would be most of that time. Only clean loads are kept (a file with problems is read again),
    and the memo is dropped when the registries change, since directives hold registry entries.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[tuple, Directive]] = {}
        """By the file's path as a string, the directive's own `source` (a `Path` cost ~0.5 KB)."""
        self._registries: object = None
        self._registries_stamp = ""
        self._changed = False

    @classmethod
    def read(cls, path: Path, stamp: str) -> "LoadMemo":
        """The memo `write` kept in `path` under the same `stamp` (the code, the folders), else an
        empty one: a `mkdocs build` after another reads ten thousand files by their stat only."""
        memo = cls()
        saved = read_kept(path, stamp)
        if isinstance(saved, tuple) and len(saved) == 3:
            memo._registries_stamp, memo._registries, memo._entries = saved
        return memo

    def write(self, path: Path, stamp: str) -> None:
        """Keep the memo in `path` for the next process, if it changed since it was read."""
        if self._changed:
            self._changed = not keep(path, stamp, (self._registries_stamp, self._registries, self._entries))

    def same_registries(self, registries: Registries) -> Registries:
        """The registries of the previous load when their files are unchanged, so its directives stay valid."""
        stamp = _hash("\0".join(f"{p}\0{_read_or_blank(p)}" for p in registries.files))
        if stamp == self._registries_stamp and self._registries is not None:
            return self._registries  # type: ignore[return-value]
        self._entries.clear()
        self._registries, self._registries_stamp = registries, stamp
        self._changed = True
        return registries

    def get(self, path: Path, registries: Registries) -> Directive | None:
        if registries is not self._registries:
            return None
        entry = self._entries.get(str(path))
        if entry is None or entry[0] != _file_state(entry[1], path):
            return None
        return entry[1]

    def put(self, path: Path, registries: Registries, directive: Directive) -> None:
        if registries is not self._registries:
            self._entries.clear()
            self._registries = registries
        self._entries[directive.source] = (_file_state(directive, path), directive)
        self._changed = True


def _read_or_blank(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _file_state(directive: Directive, path: Path) -> tuple:
    """What a memoised directive depends on: its own file and its attachments, by stat."""
    paths = [path] + [a.source for a in directive.attachments if a.source]
    state = []
    for p in paths:
        try:
            st = os.stat(p)
            state.append((st.st_mtime_ns, st.st_size))
        except OSError:
            state.append(None)
    return tuple(state)


def load_directives(directives_dir: Path, registries: Registries, root: Path,
                    progress: Callable[[int], None] | None = None, memo: LoadMemo | None = None) -> LoadResult:
    """Load every directive file; `root` is what paths in problems are relative to."""
    result = LoadResult()
    # A linked file from outside the repository is refused, named (`repofiles`).
    outside, result.problems = links_outside(directives_dir, root)
    paths = [p for p in iter_directive_files(directives_dir) if p not in outside]
    cached = [memo.get(path, registries) if memo else None for path in paths]
    loaded = _load_all([p for p, c in zip(paths, cached) if c is None], registries, root)
    values: dict[object, object] = {}
    for i, (path, directive) in enumerate(zip(paths, cached), 1):
        if directive is not None:
            result.directives.append(directive)
            if progress:
                progress(i)
            continue
        directive, problems, wanted = next(loaded)
        if directive is not None:
            _share_values(directive, values)
        if memo and directive is not None and not problems:
            memo.put(path, registries, directive)
        result.problems.extend(problems)
        if directive is not None:
            result.directives.append(directive)
        elif problems:
            result.failed[problems[0].path] = wanted
        if progress:
            progress(i)
    return result


def _share_values(d: Directive, values: dict[object, object]) -> None:
    """Give `d` the very objects earlier directives hold for the same signer, recipients,
    distribution list, topics, date and number symbol. Directives repeat them (one head signs
    hundreds, "Nơi nhận" lists recur), and each file, or each directive a loading worker sends,
    otherwise brings its own copies, which the build holds to the end and every forked page
    writer shares and partly copies."""
    if d.signer is not None:
        d.signer = values.setdefault(d.signer, d.signer)
    d.recipients = values.setdefault(d.recipients, d.recipients)
    d.distribution = values.setdefault(d.distribution, d.distribution)
    d.topics = values.setdefault(d.topics, d.topics)
    if d.date is not None:
        d.date = values.setdefault(d.date, d.date)
    # The number is frozen and its own (numbers differ), but its symbol ("KH-UBND") recurs: an
    # equal tuple in its place changes nothing the number means.
    parts = d.number.symbol_parts
    object.__setattr__(d.number, "symbol_parts", values.setdefault(parts, parts))


PARALLEL_THRESHOLD = 300
"""Files from which loading is spread over forked workers (below, forking costs more than it gains)."""


def _load_all(paths: list[Path], registries: Registries, root: Path) -> Iterator[tuple[Directive | None, list[Problem], str | None]]:
    """`read_file` of each path, in order; on all cores when there are many."""
    workers = worker_count()
    if workers < 2 or len(paths) < PARALLEL_THRESHOLD or not can_fork():
        for path in paths:
            yield read_file(path, registries, root)
        return
    # Directives hold registry entries: a worker sends each entry by its id, which names the same
    # object in the parent (forked memory), so the parent's directives share its registry objects.
    shared = {id(entry): entry for table in (registries.types, registries.issuers, registries.topics) for entry in table}

    def load(chunk: list[int]) -> list[tuple[int, bytes]]:
        out = []
        for i in chunk:
            buffer = io.BytesIO()
            pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
            pickler.persistent_id = lambda obj: id(obj) if id(obj) in shared and shared[id(obj)] is obj else None
            pickler.dump(read_file(paths[i], registries, root))
            out.append((i, buffer.getvalue()))
        return out

    loaded: list = [None] * len(paths)
    for i, data in fork_map(load, list(range(len(paths))), workers):
        unpickler = pickle.Unpickler(io.BytesIO(data))
        unpickler.persistent_load = shared.__getitem__
        loaded[i] = unpickler.load()
    yield from loaded


def load_directive(path: Path, registries: Registries, root: Path) -> tuple[Directive | None, list[Problem]]:
    """Read one file. Returns the directive (None if it has errors) and all its problems."""
    directive, problems, _ = read_file(path, registries, root)
    return directive, problems


def read_file(path: Path, registries: Registries, root: Path) -> tuple[Directive | None, list[Problem], str | None]:
    """`load_directive`, plus the address the file asks for when it has errors (its number, slug and
    year as far as they can be read; None when they cannot): the preview shows its problems there."""
    shown = _relative(path, root)
    text, problem = _read_text(path, shown)
    if problem:
        return None, [problem], None
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, [rule(
            "VB106", shown, "Không có phần thông tin (front matter) ở đầu tệp: dòng 1 phải là '---', tiếp theo là các "
                            "trường (number: …, type: …), rồi một dòng '---' trước toàn văn.", line=1)], None
    # Front matter is normalised value by value after parsing: removing an invisible character
    # from the YAML text could change its syntax ("- \u200b&x" is text, "- &x" an anchor).
    front, body = match.group(1), normalize(text[match.end():])
    data, lines, problems = parse_front_matter(front, shown)
    if data is None:
        return None, problems, None
    bounded = check_bounds(data, shown, front)  # before anything walks the values (`bounds`)
    if bounded:
        return None, bounded, None
    data = _normalized(data)
    body_line = text.count("\n", 0, match.end()) + 1
    directive, field_problems = read_directive(path, shown, data, lines, registries, body, body_line)
    problems += field_problems
    if directive is not None and not any(p.is_error for p in problems):
        directive.stamp = _hash(text)
        directive.front_stamp = _hash(front)
        return directive, problems, None
    return None, problems, _intended_url(data)


def _intended_url(data: dict) -> str | None:
    """The address a broken file would have (`Directive.url`), read as far as its fields allow."""
    try:
        number = DocumentNumber.parse(str(data.get("number")))
    except NumberError:
        number = None
    slug = data.get("slug")
    segment = slug if isinstance(slug, str) and re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug) else (
        number.slug if number is not None and number.is_numbered else None)
    if not segment:
        return None
    year_text = str(data.get("date") or "")[:4]
    year = year_text if year_text.isdigit() else (str(number.year) if number is not None and number.year else "khong-ro-nam")
    return f"van-ban/{year}/{segment}/"


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _read_text(path: Path, shown: str) -> tuple[str, Problem | None]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        why = {errno.ENOENT: "tệp không còn", errno.EACCES: "không có quyền đọc", errno.EISDIR: "đây là thư mục"}.get(
            exc.errno, "lỗi hệ thống tệp")
        return "", rule("VB101", shown, f"Không đọc được tệp ({why}): kiểm tra tệp còn đó và có quyền đọc "
                                        "(ls -l tên-tệp).")
    if not raw.strip():
        return "", rule("VB102", shown, "Tệp rỗng: cần phần thông tin (front matter) và nội dung văn bản; "
                                        "chép mẫu trong trang hướng dẫn 'Các trường thông tin'.", line=1)
    if len(raw) > MAX_FILE_BYTES:
        return "", rule("VB103", shown, f"Tệp quá lớn ({len(raw) // 1024} KB): tối đa {MAX_FILE_BYTES // 1024 // 1024} MB; "
                                        "hãy đưa bản gốc vào tệp đính kèm.")
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return "", rule("VB104", shown, "Tệp không phải văn bản (có byte NUL): có thể là tệp nhị phân (.docx, .pdf) đặt "
                                        "nhầm đuôi .md; dùng `vanban import` để nhập văn bản.", line=line)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return "", rule("VB105", shown, "Tệp không được mã hóa UTF-8 (có thể là TCVN3/VNI hoặc Windows-1258): "
                                        "hãy lưu lại tệp với mã hóa UTF-8.", line=line)
    return _CONTROL.sub("", _with_newlines(text)).lstrip(_LEADING_INVISIBLE), None


# What editors and the YAML reader both take for the end of a line: a lone "\r" (old Mac files,
# a bad paste), U+2028 and U+2029. Left in, YAML counted lines the error messages did not.
_LINE_BREAK = re.compile("\r\n?|[\u2028\u2029]")


def _with_newlines(text: str) -> str:
    # Three scans for characters most files lack, not the expression over every file (0.5 µs against
    # 35 µs a directive: every file of the archive is read on every cold build).
    if "\r" in text or "\u2028" in text or "\u2029" in text:
        return _LINE_BREAK.sub("\n", text)
    return text


# Control characters have no place in a field and break XML (the feeds): YAML escapes ("\x01")
# are the only way to write them, since the YAML reader refuses them raw.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


_LEADING_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def _normalized(value: Any) -> Any:
    # The file's text is normalised before parsing, but YAML escapes ("\u0301", "\uFEFF") make new
    # characters while parsing: every parsed string goes through `normalize` too.
    if isinstance(value, str):
        return normalize(_CONTROL.sub("", value))
    if isinstance(value, list):
        return [_normalized(v) for v in value]
    if isinstance(value, dict):
        return {_normalized(k): _normalized(v) for k, v in value.items()}
    return value


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()

