"""Reading directives: Markdown files with YAML front matter → `Directive` objects and `Problem`s.

Every problem of a file is reported (the reader does not stop at the first), each naming the file,
the line where known, the field, what was found and what is expected. A file with errors yields no
`Directive`; the caller decides whether the build goes on.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import re
from dataclasses import dataclass, field
from datetime import date as _date
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

from .bounds import check_bounds, huge_number
from .cache import keep, read_kept
from .model import (RELATIONS, SIGNING_FORMS, WITHDRAWN, WRITTEN_STATUSES, Attachment, Directive, PartialDate,
                    RelationRef, Signer, Withdrawal, pack_body)
from .numbers import DocumentNumber, NumberError
from .parallel import can_fork, fork_map, worker_count
from .problems import ERROR, WARNING, Problem
from .registry import REGISTRY_DIR, Registries
from .repofiles import links_outside
from .text import normalize

__all__ = ["load_directive", "load_directives", "LoadMemo", "iter_directive_files", "LoadResult", "RELATION_KINDS", "FIELDS"]

# Relation keys accepted under `relations:` and their Vietnamese labels.
RELATION_KINDS = {key: predicate.label for key, predicate in RELATIONS.items() if predicate.written}

# Every front-matter key staff may write (the contract documented in docs/pages/huong-dan).
FIELDS = (
    "number", "type", "date", "issuer", "subject", "signer", "recipients", "distribution", "topics",
    "attachments", "slug", "aliases", "relations", "status", "withdrawal", "effective_from", "effective_until",
    "metadata_only", "demo",
)
WITHDRAWAL_FIELDS = ("date", "reason", "by")
REQUIRED = ("number", "type", "date", "issuer", "subject")

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*$\r?\n?", re.DOTALL | re.MULTILINE)
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:", re.MULTILINE)
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MAYBE_ALIAS = re.compile(r"(?:^|[\s\[{,:])[&*][^\s]")
MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass
class LoadResult:
    directives: list[Directive] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


def iter_directive_files(directives_dir: Path) -> list[Path]:
    """Every `.md` under the folder, sorted, except the registries folder and hidden files."""
    files = []
    for path in directives_dir.rglob("*.md"):
        rel = path.relative_to(directives_dir).parts
        if rel[0] == REGISTRY_DIR or any(part.startswith(".") for part in rel):
            continue
        files.append(path)
    return sorted(files)


class LoadMemo:
    """Directives already loaded, reused while their file and attachments are unchanged.

    `mkdocs serve` rebuilds the whole site on every edit; re-parsing ten thousand front matters
    would be most of that time. Only clean loads are kept (a file with problems is read again),
    and the memo is dropped when the registries change, since directives hold registry entries.
    """

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[tuple, Directive]] = {}
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
        entry = self._entries.get(path)
        if entry is None or entry[0] != _file_state(entry[1], path):
            return None
        return entry[1]

    def put(self, path: Path, registries: Registries, directive: Directive) -> None:
        if registries is not self._registries:
            self._entries.clear()
            self._registries = registries
        self._entries[path] = (_file_state(directive, path), directive)
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
    for i, (path, directive) in enumerate(zip(paths, cached), 1):
        if directive is not None:
            result.directives.append(directive)
            if progress:
                progress(i)
            continue
        directive, problems = next(loaded)
        if memo and directive is not None and not problems:
            memo.put(path, registries, directive)
        result.problems.extend(problems)
        if directive is not None:
            result.directives.append(directive)
        if progress:
            progress(i)
    return result


PARALLEL_THRESHOLD = 300
"""Files from which loading is spread over forked workers (below, forking costs more than it gains)."""


def _load_all(paths: list[Path], registries: Registries, root: Path) -> Iterator[tuple[Directive | None, list[Problem]]]:
    """`load_directive` of each path, in order; on all cores when there are many."""
    workers = worker_count()
    if workers < 2 or len(paths) < PARALLEL_THRESHOLD or not can_fork():
        for path in paths:
            yield load_directive(path, registries, root)
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
            pickler.dump(load_directive(paths[i], registries, root))
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
    shown = _relative(path, root)
    text, problem = _read_text(path, shown)
    if problem:
        return None, [problem]
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, [Problem(shown, "Không có phần thông tin (front matter) ở đầu tệp: tệp phải bắt đầu bằng "
                                     "dòng '---', tiếp theo là các trường YAML, rồi một dòng '---'.", line=1)]
    # Front matter is normalised value by value after parsing: removing an invisible character
    # from the YAML text could change its syntax ("- \u200b&x" is text, "- &x" an anchor).
    front, body = match.group(1), normalize(text[match.end():])
    data, problem = _parse_yaml(front, shown)
    if problem:
        return None, [problem]
    bounded = check_bounds(data, shown, front)  # before anything walks the values (`bounds`)
    if bounded:
        return None, bounded
    data = _normalized(data)
    body_line = text.count("\n", 0, match.end()) + 1
    directive, problems = _Builder(path, shown, data, front, registries).build(body, body_line)
    if directive is not None:
        directive.stamp = _hash(text)
        directive.front_stamp = _hash(front)
    return directive, problems


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _read_text(path: Path, shown: str) -> tuple[str, Problem | None]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return "", Problem(shown, f"Không đọc được tệp: {exc.strerror}.")
    if not raw.strip():
        return "", Problem(shown, "Tệp rỗng: cần phần thông tin (front matter) và nội dung văn bản.")
    if len(raw) > MAX_FILE_BYTES:
        return "", Problem(shown, f"Tệp quá lớn ({len(raw) // 1024} KB): tối đa {MAX_FILE_BYTES // 1024 // 1024} MB; "
                                  "hãy đưa bản gốc vào tệp đính kèm.")
    if b"\x00" in raw:
        return "", Problem(shown, "Tệp không phải văn bản (có byte NUL): có thể là tệp nhị phân đặt nhầm đuôi .md.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return "", Problem(shown, "Tệp không được mã hóa UTF-8 (có thể là TCVN3/VNI hoặc Windows-1258): "
                                  "hãy lưu lại tệp với mã hóa UTF-8.", line=line)
    return _CONTROL.sub("", text.replace("\r\n", "\n")).lstrip(_LEADING_INVISIBLE), None


class _DirectiveLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """Safe loader that leaves dates as text, so an impossible date is reported, not raised."""


class _NoAliasLoader(yaml.SafeLoader):
    """Pure-Python loader that refuses anchors and aliases (no "billion laughs")."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError("", None, "không được dùng bí danh YAML (*…)", event.start_mark)
        return super().compose_node(parent, index)


for _loader in (_DirectiveLoader, _NoAliasLoader):
    _loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _parse_yaml(front: str, shown: str) -> tuple[dict, Problem | None]:
    loader = _NoAliasLoader if _MAYBE_ALIAS.search(front) else _DirectiveLoader
    try:
        data = yaml.load(front, Loader=loader)  # noqa: S506 - both loaders are safe loaders
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None  # +1 for 1-based, +1 for the opening '---'
        reason = getattr(exc, "problem", None) or str(exc)
        return {}, Problem(shown, f"Phần thông tin YAML sai cú pháp: {reason}. Kiểm tra dấu hai chấm, thụt lề "
                                  "và đặt giá trị có dấu ':' hoặc '#' trong ngoặc kép.", line=line)
    except RecursionError:
        return {}, Problem(shown, "Phần thông tin YAML lồng nhau quá sâu.")
    except ValueError:  # an integer of more than 4 300 digits: Python refuses to read it
        return {}, huge_number(shown, front)
    if data is None:
        return {}, Problem(shown, "Phần thông tin (front matter) trống: cần các trường " + ", ".join(REQUIRED) + ".", line=1)
    if not isinstance(data, dict):
        return {}, Problem(shown, "Phần thông tin phải là các cặp 'trường: giá trị'.", line=2)
    return data, None


class _Builder:
    """Checks one file's front matter field by field and builds the Directive."""

    def __init__(self, path: Path, shown: str, data: dict, front: str, registries: Registries) -> None:
        self.path = path
        self.shown = shown
        self.data = {str(k): v for k, v in data.items()}
        self.registries = registries
        self.problems: list[Problem] = []
        self.todo_keys: set[str] = set()
        self.front = front
        # Top-level key → line in the file (the opening '---' is line 1).
        self.lines = {m.group(1): front.count("\n", 0, m.start()) + 2 for m in _TOP_KEY.finditer(front)}

    def error(self, key: str, message: str, severity: str = ERROR) -> None:
        if key in self.todo_keys:
            return  # already reported once as "not filled in"; one line per field staff must fill
        line = self.lines.get(key) or self.lines.get(key.split(".")[0].split("[")[0])
        self.problems.append(Problem(self.shown, message, field=key, line=line, severity=severity))  # type: ignore[arg-type]

    def _sub_lines(self, key: str) -> None:
        """Lines of the sub-fields of block `key` ("withdrawal.date"), for the problems naming them."""
        start = self.lines.get(key)
        if start is None:
            return
        # The front matter starts on line 2 (after the opening '---').
        for line, text in enumerate(self.front.split("\n")[start - 2:], start):
            if line > start and text and not text[0].isspace():
                break  # the next top-level field
            match = re.match(r"^[ \t]+([A-Za-z_]\w*)[ \t]*:", text)
            if match:
                self.lines.setdefault(f"{key}.{match.group(1)}", line)

    def warn(self, key: str, message: str) -> None:
        self.error(key, message, WARNING)

    def build(self, body: str, body_line: int) -> tuple[Directive | None, list[Problem]]:
        d = self.data
        for key in d:
            if key not in FIELDS:
                self.warn(key, f"Trường lạ '{key}' bị bỏ qua. Các trường hợp lệ: {', '.join(FIELDS)}.")
        metadata_only = self._bool("metadata_only")
        for key in REQUIRED:
            if _blank(d.get(key)) and not (key == "date" and metadata_only):
                self.error(key, f"Thiếu trường bắt buộc '{key}'.")
        self._check_todos(d, "")
        number = self._number()
        doc_type = self._registry_key("type", self.registries.types)
        issuer = self._registry_key("issuer", self.registries.issuers)
        date = self._date(metadata_only)
        subject = self._subject()
        slug = self._slug(number)
        directive = None
        fields = dict(
            signer=self._signer(), recipients=self._str_list("recipients"),
            distribution=self._str_list("distribution"), topics=self._topics(),
            attachments=self._attachments(), aliases=self._aliases(), relations=self._relations(),
            status=self._status(), demo=self._bool("demo"),
        )
        fields.update(self._effective_dates())
        fields["withdrawal"] = self._withdrawal(fields["status"], date)
        if fields["withdrawal"] and fields["withdrawal"].by:
            fields["relations"] += (fields["withdrawal"].by,)
        if number and doc_type:
            self._check_number_matches_type(number, doc_type)
        if metadata_only and body.strip():
            self.warn("metadata_only", "Mục chỉ có thông tin mô tả nhưng tệp có nội dung: nội dung vẫn được hiển thị; "
                                       "bỏ 'metadata_only: true' nếu đây là toàn văn.")
        if not any(p.is_error for p in self.problems) and number and doc_type and issuer and subject is not None:
            directive = Directive(
                source=self.path, rel_path=self.shown, number=number, type=doc_type, issuer=issuer,
                subject=subject, date=date, body_packed=pack_body(body), body_line=body_line, slug=slug,
                metadata_only=metadata_only, **fields,
            )
        return directive, self.problems

    # -- fields ---------------------------------------------------------------------------------

    def _number(self) -> DocumentNumber | None:
        raw = self.data.get("number")
        if _blank(raw):
            return None
        try:
            return DocumentNumber.parse(str(raw))
        except NumberError:
            self.error("number", f"Số ký hiệu '{raw}' không đúng dạng: cần 'số/ký hiệu' như '1562/UBND-KT', "
                                 "'02/KH-UBND', '30/2020/NĐ-CP', hoặc '/STTTT-TTBCXB' nếu bản chưa ghi số.")
            return None

    def _registry_key(self, key: str, registry: Any) -> Any:
        raw = self.data.get(key)
        if _blank(raw):
            return None
        entry = registry.get(str(raw))
        if entry is None:
            self.error(key, f"Không có '{raw}' trong danh mục {registry.label} "
                            f"(directives/{REGISTRY_DIR}/): dùng một trong {', '.join(registry.keys())}, "
                            "hoặc thêm mục mới vào danh mục.")
        return entry

    def _date(self, metadata_only: bool) -> PartialDate | None:
        raw = self.data.get("date")
        if _blank(raw):
            return None
        text = raw.isoformat() if isinstance(raw, _date) else str(raw).strip()
        match = _ISO_DATE.match(text)
        expected = "cần dạng năm-tháng-ngày như 2023-01-04 (hoặc 2023-01, 2023 nếu bản gốc để trống ngày)."
        if not match:
            self.error("date", f"Ngày ban hành '{raw}' không đúng dạng: {expected}")
            return None
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        try:
            _date(year, month or 1, day or 1)
        except ValueError:
            self.error("date", f"Ngày ban hành '{text}' không tồn tại: {expected}")
            return None
        if not 1945 <= year <= _date.today().year + 1:
            self.error("date", f"Năm ban hành {year} ngoài khoảng hợp lý (1945–{_date.today().year + 1}).")
            return None
        return PartialDate(year, month, day)

    def _text(self, key: str) -> str | None:
        raw = self.data.get(key)
        if _blank(raw):
            return None
        if not isinstance(raw, (str, int, float)):
            self.error(key, f"Trường '{key}' phải là một dòng chữ, không phải {_kind(raw)}.")
            return None
        text = " ".join(str(raw).split())
        if len(text) > 2000:
            self.error(key, f"Trường '{key}' dài {len(text)} ký tự: tối đa 2000.")
            return None
        return text

    def _subject(self) -> str | None:
        # The trích yếu is stored without the "V/v" that công văn print before it; pages add it back.
        text = self._text("subject")
        if text and text[:3].lower() == "v/v":
            text = text[3:].lstrip(" :") or None
            if text is None:
                self.error("subject", "Trích yếu chỉ có 'V/v': ghi nội dung trích yếu.")
        return text

    def _slug(self, number: DocumentNumber | None) -> str | None:
        raw = self.data.get("slug")
        if _blank(raw):
            if number is not None and not number.is_numbered:
                self.error("slug", f"Văn bản chưa ghi số ('{number}') cần trường 'slug' để có đường dẫn cố định, "
                                   "ví dụ: slug: stttt-ttbcxb-tuyen-truyen-cchc.")
            return None
        slug = str(raw)
        if not _SLUG.match(slug) or len(slug) > 120:
            self.error("slug", f"slug '{slug}' không hợp lệ: chỉ dùng chữ thường không dấu, số và dấu '-' "
                               "(tối đa 120 ký tự), ví dụ 1562-ubnd-kt.")
            return None
        return slug

    def _bool(self, key: str) -> bool:
        raw = self.data.get(key, False)
        if not isinstance(raw, bool):
            self.error(key, f"Trường '{key}' phải là true hoặc false, không phải '{raw}'.")
            return False
        return raw

    def _str_list(self, key: str) -> tuple[str, ...]:
        raw = self.data.get(key)
        if raw is None:
            return ()
        if isinstance(raw, str):
            raw = [raw]
        if isinstance(raw, list):
            raw = [x for x in raw if x is not None]  # an empty "- " line (or one of invisible characters)
        if not isinstance(raw, list) or not all(isinstance(x, (str, int)) for x in raw):
            self.error(key, f"Trường '{key}' phải là danh sách các dòng chữ (mỗi dòng bắt đầu bằng '- ').")
            return ()
        return tuple(" ".join(str(x).split()) for x in raw if str(x).strip())

    def _signer(self) -> Signer | None:
        raw = self.data.get("signer")
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.error("signer", "Trường 'signer' cần các trường con name, position, form "
                                 "(ví dụ form: KT. GIÁM ĐỐC, position: PHÓ GIÁM ĐỐC, name: Lê Hải Yến).")
            return None
        unknown = [k for k in raw if k not in ("name", "position", "form")]
        for k in unknown:
            self.warn(f"signer.{k}", f"Trường lạ 'signer.{k}' bị bỏ qua: chỉ dùng name, position, form.")
        values = {}
        for k in ("name", "position", "form"):
            v = raw.get(k)
            if v is not None and not isinstance(v, str):
                self.error(f"signer.{k}", f"'signer.{k}' phải là một dòng chữ.")
                v = None
            values[k] = " ".join((v or "").split())
        form = values["form"]
        if form and not any(form.upper().startswith(prefix) for prefix in SIGNING_FORMS):
            self.warn("signer.form", f"Hình thức ký '{form}' không bắt đầu bằng {', '.join(SIGNING_FORMS)} "
                                     "(Nghị định 30/2020/NĐ-CP); để trống nếu người đứng đầu ký trực tiếp.")
        if not values["name"]:
            self.warn("signer.name", "Thiếu tên người ký.")
        return Signer(**values)

    def _topics(self) -> tuple:
        keys = self._str_list("topics")
        topics = []
        for key in keys:
            topic = self.registries.topics.get(key)
            if topic is None:
                self.error("topics", f"Không có lĩnh vực '{key}' trong danh mục lĩnh vực "
                                     f"(directives/{REGISTRY_DIR}/topics.yml): dùng một trong "
                                     f"{', '.join(self.registries.topics.keys())}, hoặc thêm mục mới.")
            elif topic not in topics:
                topics.append(topic)
        return tuple(topics)

    def _attachments(self) -> tuple[Attachment, ...]:
        raw = self.data.get("attachments")
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.error("attachments", "Trường 'attachments' phải là danh sách, mỗi mục có 'file' và 'title'.")
            return ()
        folder = self.path.parent.resolve()
        result = []
        for i, item in enumerate(raw):
            key = f"attachments[{i}]"
            if isinstance(item, str):
                item = {"file": item}
            if not isinstance(item, dict):
                self.error(key, "Mỗi tệp đính kèm cần 'file' (tên tệp đặt cạnh văn bản) và 'title'.")
                continue
            title = " ".join(str(item.get("title") or "").split())
            ref = self._ref(item.get("directive"), item.get("year"), key + ".directive", "") if item.get("directive") else None
            file = item.get("file")
            if file is None:
                if ref is None:
                    self.error(key, "Tệp đính kèm cần 'file' (hoặc 'directive' nếu là văn bản đã có trong kho).")
                    continue
                result.append(Attachment(title=title or str(ref.number), directive=ref))
                continue
            source = self._attachment_path(str(file), folder, key)
            if source is None:
                continue
            result.append(Attachment(title=title or Path(str(file)).name, path=str(file).replace("\\", "/"),
                                     source=source, size=source.stat().st_size, directive=ref,
                                     sha256=self._attachment_sha256(item.get("sha256"), source, key)))
        return tuple(result)

    def _attachment_sha256(self, stated: Any, source: Path, key: str) -> str | None:
        # A stated digest is a promise to readers: it must be the file's, or the page would vouch for another file.
        if stated is None:
            return None
        text = str(stated).strip().lower()
        if not re.fullmatch(r"[0-9a-f]{64}", text):
            self.error(key + ".sha256", f"'sha256' phải là 64 chữ số hệ 16 (mã SHA-256 của tệp), không phải '{str(stated)[:80]}'.")
            return None
        actual = hashlib.sha256(source.read_bytes()).hexdigest()
        if actual != text:
            self.error(key + ".sha256", f"Mã SHA-256 ghi trong văn bản không khớp tệp '{source.name}' (tệp là {actual}): "
                                        "tệp đã bị thay đổi hoặc thay nhầm; đặt lại đúng bản gốc.")
            return None
        return text

    def _attachment_path(self, file: str, folder: Path, key: str) -> Path | None:
        rel = Path(file.replace("\\", "/"))
        if rel.is_absolute() or file.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", file):
            self.error(key + ".file", f"Đường dẫn tệp đính kèm '{file}' là đường dẫn tuyệt đối: "
                                      "chỉ ghi tên tệp đặt cùng thư mục với văn bản.")
            return None
        if ".." in rel.parts:
            self.error(key + ".file", f"Đường dẫn tệp đính kèm '{file}' trỏ ra ngoài thư mục của văn bản ('..'): "
                                      "hãy chép tệp vào cùng thư mục với văn bản.")
            return None
        try:
            source = (folder / rel).resolve()
            exists = source.is_file()
        except (OSError, ValueError):  # a name too long for the file system, or a NUL in it
            self.error(key + ".file", f"Tên tệp đính kèm '{file[:80]}…' không dùng được (quá dài hoặc có ký tự lạ): "
                                      "đặt tên tệp ngắn, không dấu, ví dụ phu-luc-1.pdf.")
            return None
        if not source.is_relative_to(folder):
            self.error(key + ".file", f"Tệp đính kèm '{file}' là liên kết trỏ ra ngoài thư mục của văn bản.")
            return None
        if not exists:
            self.error(key + ".file", f"Không tìm thấy tệp đính kèm '{file}' trong thư mục "
                                      f"{Path(self.shown).parent.as_posix()}: "
                                      "kiểm tra tên tệp (phân biệt chữ hoa, chữ thường).")
            return None
        return source

    def _aliases(self) -> tuple[str, ...]:
        aliases = []
        for alias in self._str_list("aliases"):
            clean = alias.strip().strip("/")
            if not clean or ".." in clean.split("/") or "://" in alias or not re.match(r"^[\w\-./%]+$", clean):
                self.error("aliases", f"Đường dẫn cũ '{alias}' không hợp lệ: ghi dạng /van-ban/2023/ten-cu/ "
                                      "(đường dẫn trong trang, không có tên miền).")
                continue
            aliases.append(clean + ("/" if not Path(clean).suffix else ""))
        return tuple(aliases)

    def _relations(self) -> tuple[RelationRef, ...]:
        raw = self.data.get("relations")
        if raw is None:
            return ()
        if not isinstance(raw, dict):
            self.error("relations", "Trường 'relations' cần các khóa " + ", ".join(RELATION_KINDS) +
                       ", mỗi khóa là danh sách số ký hiệu.")
            return ()
        refs = []
        for kind, items in raw.items():
            if kind not in RELATION_KINDS:
                self.error(f"relations.{kind}", f"Quan hệ '{kind}' không hợp lệ: dùng một trong {', '.join(RELATION_KINDS)}.")
                continue
            for i, item in enumerate(items if isinstance(items, list) else [items]):
                if isinstance(item, dict):
                    ref = self._ref(item.get("number"), item.get("year"), f"relations.{kind}[{i}]", kind)
                else:
                    ref = self._ref(item, None, f"relations.{kind}[{i}]", kind)
                if ref:
                    refs.append(ref)
        return tuple(refs)

    def _ref(self, number: Any, year: Any, key: str, kind: str) -> RelationRef | None:
        try:
            parsed = DocumentNumber.parse(str(number))
        except NumberError:
            self.error(key, f"'{number}' không phải số ký hiệu văn bản (ví dụ 02/KH-UBND).")
            return None
        if year is not None and (not isinstance(year, int) or not 1945 <= year <= 2100):
            self.error(key, f"Năm '{year}' không hợp lệ: ghi năm ban hành, ví dụ 2023.")
            return None
        return RelationRef(number=parsed, year=year, kind=kind)

    def _status(self) -> str | None:
        raw = self.data.get("status")
        if _blank(raw):
            return None
        if str(raw) == "chua-co-hieu-luc":
            self.error("status", "Không ghi 'status: chua-co-hieu-luc' (sẽ sai ngay khi văn bản có hiệu lực): "
                                 "ghi ngày có hiệu lực, ví dụ effective_from: 2025-07-01; trang tự tính tình trạng.")
            return None
        if str(raw) not in WRITTEN_STATUSES:
            self.error("status", f"Tình trạng '{raw}' không hợp lệ: dùng một trong {', '.join(WRITTEN_STATUSES)}.")
            return None
        return str(raw)

    def _partial_date(self, key: str, raw: Any, label: str) -> PartialDate | None:
        """A date that may leave the day or month blank ("2025-07", "2025"), like `date`."""
        if _blank(raw):
            return None
        text = raw.isoformat() if isinstance(raw, _date) else str(raw).strip()
        match = _ISO_DATE.match(text)
        expected = "cần dạng năm-tháng-ngày như 2025-07-01 (hoặc 2025-07, 2025 nếu chỉ biết tháng, năm)."
        if not match:
            self.error(key, f"{label} '{raw}' không đúng dạng: {expected}")
            return None
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        try:
            _date(year, month or 1, day or 1)
        except ValueError:
            self.error(key, f"{label} '{text}' không tồn tại: {expected}")
            return None
        if not 1945 <= year <= 2100:
            self.error(key, f"{label}: năm {year} ngoài khoảng hợp lý (1945–2100).")
            return None
        return PartialDate(year, month, day)

    def _effective_dates(self) -> dict[str, PartialDate | None]:
        start = self._partial_date("effective_from", self.data.get("effective_from"), "Ngày có hiệu lực")
        until = self._partial_date("effective_until", self.data.get("effective_until"), "Ngày hết hiệu lực")
        if start and until and until.last_day() < start.first_day():
            self.error("effective_until", f"Ngày hết hiệu lực {until.display()} trước ngày có hiệu lực "
                                          f"{start.display()}: kiểm tra lại effective_from và effective_until.")
            until = None
        return {"effective_from": start, "effective_until": until}

    def _withdrawal(self, status: str | None, issued: PartialDate | None) -> Withdrawal | None:
        raw = self.data.get("withdrawal")
        example = "withdrawal: {date: 2025-03-10, reason: Ban hành không đúng thẩm quyền, by: 45/QĐ-STTTT}"
        if raw is None:
            if status == WITHDRAWN:
                self.error("status", "Văn bản thu hồi (status: thu-hoi) cần trường 'withdrawal' ghi ngày thu hồi "
                                     "(date), lý do (reason) và văn bản thu hồi (by), ví dụ " + example + ".")
            return None
        if status != WITHDRAWN:
            self.error("withdrawal", "Có trường 'withdrawal' nhưng chưa ghi 'status: thu-hoi': thêm dòng "
                                     "status: thu-hoi nếu văn bản đã bị thu hồi, nếu không thì xóa 'withdrawal'.")
            return None
        if not isinstance(raw, dict):
            self.error("withdrawal", "Trường 'withdrawal' cần các trường con date, reason, by, ví dụ " + example + ".")
            return None
        self._sub_lines("withdrawal")
        for k in raw:
            if k not in WITHDRAWAL_FIELDS:
                self.warn(f"withdrawal.{k}", f"Trường lạ 'withdrawal.{k}' bị bỏ qua: chỉ dùng date, reason, by.")
        day = self._partial_date("withdrawal.date", raw.get("date"), "Ngày thu hồi")
        if day is None and _blank(raw.get("date")):
            self.error("withdrawal.date", "Thiếu ngày thu hồi 'withdrawal.date' (ngày của văn bản thu hồi), "
                                          "ví dụ date: 2025-03-10.")
        if day and issued and day.last_day() < issued.first_day():
            self.error("withdrawal.date", f"Ngày thu hồi {day.display()} trước ngày ban hành {issued.display()}: "
                                          "kiểm tra lại withdrawal.date.")
            day = None
        reason = raw.get("reason")
        if _blank(reason) or not isinstance(reason, (str, int, float)):
            self.error("withdrawal.reason", "Thiếu lý do thu hồi 'withdrawal.reason' (một dòng chữ), ví dụ "
                                            "reason: Ban hành không đúng thẩm quyền.")
            reason = None
        elif len(str(reason)) > 2000:
            self.error("withdrawal.reason", f"Lý do thu hồi dài {len(str(reason))} ký tự: tối đa 2000; ghi tóm tắt, "
                                            "chi tiết để trong văn bản thu hồi.")
            reason = None
        by = raw.get("by")
        ref = None
        if _blank(by):
            self.warn("withdrawal.by", "Chưa ghi văn bản thu hồi 'withdrawal.by' (số ký hiệu, ví dụ by: 45/QĐ-STTTT): "
                                       "trang sẽ không liên kết tới văn bản đó.")
        elif isinstance(by, dict):
            ref = self._ref(by.get("number"), by.get("year"), "withdrawal.by", "withdrawn_by")
        else:
            ref = self._ref(by, None, "withdrawal.by", "withdrawn_by")
        if day is None or reason is None:
            return None
        return Withdrawal(day, " ".join(str(reason).split()), ref)

    def _check_number_matches_type(self, number: DocumentNumber, doc_type: Any) -> None:
        abbr = doc_type.abbr
        if abbr and number.is_numbered and number.symbol_parts[0].upper() != abbr.upper():
            self.warn("number", f"Ký hiệu '{number}' không bắt đầu bằng '{abbr}' của loại {doc_type.name}: "
                                "kiểm tra lại số ký hiệu hoặc loại văn bản.")

    def _check_todos(self, value: Any, key: str) -> None:
        # The importer leaves "TODO" where the source left a blank; staff must fill or remove it.
        if isinstance(value, str) and value.strip().upper().startswith("TODO"):
            self.error(key, f"Chưa điền: '{value.strip()}'. Điền giá trị đúng theo bản gốc, hoặc xóa trường nếu không bắt buộc.")
            self.todo_keys.add(key)
        elif isinstance(value, dict):
            for k, v in value.items():
                self._check_todos(v, f"{key}.{k}" if key else str(k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                self._check_todos(v, f"{key}[{i}]")


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


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _kind(value: Any) -> str:
    return {dict: "một nhóm trường", list: "một danh sách"}.get(type(value), type(value).__name__)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()

