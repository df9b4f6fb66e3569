"""The Content-Security-Policy of the built site, with hashes of the inline code its pages carry.

Material puts small inline scripts in every page (their text depends on the page's depth), and other
parts of the build may add more. Rather than copying hashes by hand, the build hashes each inline
script and style exactly as a browser does, so the policy stays right when templates change.
Non-executable scripts (JSON, JSON-LD) are not subject to CSP and are skipped.

Reading back 10 000 written pages took seconds, so the build collects the code from the pages as
MkDocs writes them (`PageCode`, in memory) and hashes each generated page's theme frame once per
frame class (its depth: the only thing that changes Material's inline code between pages). A
generated page's own content comes from the archive's autoescaped templates and Markdown without
raw HTML, so it carries no inline code; it is still searched for any (a cheap text search), and a
page whose content has some is read whole. Hand-written pages are always read whole, and the files
written after the pages (redirect pages, 404) are read from disk. `tests/test_csp.py` checks that
this gives the same policy as reading every file of a built site.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable, Hashable, Iterable

__all__ = ["InlineCode", "inline_code", "collect_inline_code", "content_security_policy", "csp_hash", "PageCode",
           "may_carry_code", "with_csp_meta", "PagePolicies", "protect_files", "META_MARK"]

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_STYLE = re.compile(r"<style\b([^>]*)>(.*?)</style\s*>", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_SRC = re.compile(r"\bsrc\s*=", re.I)
# Cheap test before a full parse: does the page have event-handler or style attributes at all?
_ATTRIBUTE_CODE = re.compile(r"<[a-zA-Z][^>]*\s(?:on[a-zA-Z]+|style)\s*=", re.S)

# Types a browser runs as script (the HTML standard's JavaScript MIME types, plus "module").
_EXECUTABLE = {
    "", "module", "text/javascript", "application/javascript", "application/ecmascript",
    "application/x-ecmascript", "application/x-javascript", "text/ecmascript", "text/jscript",
    "text/livescript", "text/x-ecmascript", "text/x-javascript", "text/javascript1.0",
    "text/javascript1.1", "text/javascript1.2", "text/javascript1.3", "text/javascript1.4",
    "text/javascript1.5",
}


def csp_hash(code: str) -> str:
    """`'sha256-…'` source expression of an inline script or style, as the browser computes it."""
    # The HTML parser turns CR LF and lone CR into LF before the browser hashes the text.
    text = code.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@dataclass
class InlineCode:
    """Hashes of the inline code found in a set of pages."""

    scripts: set[str] = field(default_factory=set)
    styles: set[str] = field(default_factory=set)
    script_attributes: set[str] = field(default_factory=set)
    """Event-handler attributes (onclick=…): allowed only with 'unsafe-hashes'."""
    style_attributes: set[str] = field(default_factory=set)

    def update(self, other: "InlineCode") -> None:
        self.scripts |= other.scripts
        self.styles |= other.styles
        self.script_attributes |= other.script_attributes
        self.style_attributes |= other.style_attributes


def _is_executable(attrs: str) -> bool:
    match = _TYPE.search(attrs)
    if not match:
        return True
    value = next(g for g in match.groups() if g is not None)
    return value.strip().lower() in _EXECUTABLE


class _AttributeCode(HTMLParser):
    def __init__(self, found: InlineCode) -> None:
        super().__init__(convert_charrefs=True)
        self.found = found

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name.startswith("on"):
                self.found.script_attributes.add(csp_hash(value))
            elif name == "style":
                self.found.style_attributes.add(csp_hash(value))

    handle_startendtag = handle_starttag


def inline_code(html: str) -> InlineCode:
    """Hashes of the inline scripts, styles and code attributes of one page."""
    found = InlineCode()
    for match in _SCRIPT.finditer(html):
        attrs, body = match.groups()
        if not _SRC.search(attrs) and _is_executable(attrs):
            found.scripts.add(csp_hash(body))
    for match in _STYLE.finditer(html):
        found.styles.add(csp_hash(match.group(2)))
    if _ATTRIBUTE_CODE.search(_SCRIPT.sub("", html)):
        _AttributeCode(found).feed(html)
    return found


def collect_inline_code(site_dir: Path, skip: Iterable[str] = ()) -> InlineCode:
    """Hashes over every HTML file of a built site (folders named in `skip` are left out)."""
    found = InlineCode()
    skipped = tuple(f"{s.strip('/')}/" for s in skip)
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        if skipped and rel.startswith(skipped):
            continue
        found.update(inline_code(path.read_text(encoding="utf-8", errors="replace")))
    return found


_CODE_TAG = re.compile(r"<(?:script|style)", re.I)
# Each searched with a literal start (fast; a pattern starting with \s, or an alternation of the
# two, is tried at every character, three times slower; a case-insensitive one ten times): the
# space before the name is checked after.
_CODE_ATTRIBUTES = (re.compile(r"on[a-z]+\s*="), re.compile(r"style\s*="))


def may_carry_code(html: str) -> bool:
    """False when generated `html` has no inline script, style or code attribute: a cheap search
    (~0.05 ms for a directive's content of 16 KB; hashing the whole page costs ~0.4 ms). Attribute names
    are matched in lower case, as the archive's templates and Markdown write them; hand-written
    pages are always read whole."""
    # Asked three times of each written page's content (whether the page store may keep it, and
    # twice by the CSP hook): the answer for the same text object is remembered.
    global _last_answer
    if _last_answer[0] is html:
        return _last_answer[1]
    found = bool(_CODE_TAG.search(html)) or any(
        m.start() > 0 and html[m.start() - 1].isspace() for pattern in _CODE_ATTRIBUTES for m in pattern.finditer(html))
    _last_answer = (html, found)
    return found


_last_answer: tuple[str | None, bool] = (None, False)


class PageCode:
    """Inline code of the pages of one build, taken from their HTML in memory as they are written."""

    def __init__(self) -> None:
        self.code = InlineCode()
        self.paths: set[str] = set()
        """Output files whose code is in `code` (the files written after the pages are read later)."""
        self._frames: set[Hashable] = set()
        self.read = 0
        """Pages read whole (for tests and benchmarks)."""

    def add(self, path: str | Path, output: str | Callable[[], str], content: str | None = None,
            frame: Hashable | None = None) -> None:
        """A written page (`output`, or a function reading it). `frame`: its frame class when only the
        theme's frame can carry inline code besides `content` (a generated page); None reads the page whole."""
        self.paths.add(str(path))
        if frame is not None and content is not None and not may_carry_code(content):
            if frame in self._frames:
                return
            self._frames.add(frame)
        self.read += 1
        self.code.update(inline_code(output() if callable(output) else output))

    def merge(self, other: "PageCode") -> None:
        """Add what `other` gathered (in another process) to this."""
        self.code.update(other.code)
        self.paths |= other.paths
        self._frames |= other._frames
        self.read += other.read

    def with_files(self, site_dir: Path) -> InlineCode:
        """The pages' code and that of every other HTML file under `site_dir`."""
        found = InlineCode()
        found.update(self.code)
        seen = {os.path.normpath(p) for p in self.paths}
        # os.walk, not Path.rglob: a 10 000-directive site has ~45 000 files, and pathlib's objects
        # cost more than the walk.
        for folder, _, names in os.walk(site_dir):
            for name in names:
                path = os.path.join(folder, name)
                if name.endswith(".html") and os.path.normpath(path) not in seen:
                    with open(path, encoding="utf-8", errors="replace") as f:
                        found.update(inline_code(f.read()))
        return found


def content_security_policy(code: InlineCode, meta: bool = False) -> str:
    """The policy: everything from this site only; inline code only where its hash is listed.

    Pagefind compiles WebAssembly ('wasm-unsafe-eval') and starts a worker from a blob: URL.
    Material's icons are data: SVG images in its stylesheet. `meta`: the policy of a page's own
    `<meta http-equiv>`, without `frame-ancestors` (a browser ignores it there, with a console error).
    """
    scripts = sorted(code.scripts)
    styles = sorted(code.styles)
    if code.script_attributes:
        scripts = ["'unsafe-hashes'"] + scripts + sorted(code.script_attributes)
    if code.style_attributes:
        styles = ["'unsafe-hashes'"] + styles + sorted(code.style_attributes)
    directives = [
        ("default-src", ["'self'"]),
        ("script-src", ["'self'", "'wasm-unsafe-eval'"] + scripts),
        ("style-src", ["'self'"] + styles),
        ("img-src", ["'self'", "data:"]),
        ("font-src", ["'self'"]),
        ("connect-src", ["'self'"]),
        ("worker-src", ["'self'", "blob:"]),
        ("object-src", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("form-action", ["'self'"]),
        ("frame-ancestors", ["'none'"]),
    ]
    if meta:
        directives = [(name, values) for name, values in directives if name != "frame-ancestors"]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives)


# ------------------------------------------------------------------------------------------------
# The policy in each page: static hosts (GitHub Pages, GitLab Pages) send no CSP header
# ------------------------------------------------------------------------------------------------

META_MARK = '<meta http-equiv="Content-Security-Policy"'
_HEAD = re.compile(r"<head\b[^>]*>", re.I)
_CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.I)


def with_csp_meta(html: str, code: InlineCode) -> str:
    """`html` with its policy in a `<meta http-equiv>` right after `<meta charset>` (before any
    script); a page without `<head>`, or already carrying one, is returned unchanged."""
    if META_MARK in html:
        return html
    anchor = _CHARSET.search(html) or _HEAD.search(html)
    if anchor is None:
        return html
    policy = content_security_policy(code, meta=True).replace("&", "&amp;").replace('"', "&quot;")
    return f'{html[:anchor.end()]}{META_MARK} content="{policy}">{html[anchor.end():]}'


class PagePolicies:
    """Each page's own policy (its own inline code only), computed once per frame class for the
    generated pages whose content carries no code (as `PageCode` gathers them)."""

    def __init__(self) -> None:
        self._frames: dict[Hashable, InlineCode] = {}

    def protect(self, output: str, content: str | None = None, frame: Hashable | None = None) -> str:
        if frame is not None and content is not None and not may_carry_code(content):
            code = self._frames.get(frame)
            if code is None:
                code = self._frames[frame] = inline_code(output)
        else:
            code = inline_code(output)
        return with_csp_meta(output, code)


def protect_files(site_dir: Path, done: set[str]) -> int:
    """Give every HTML file under `site_dir` not in `done` (paths) its `<meta>` policy, in place
    (the redirect pages and 404 page written after the pages); returns how many were written."""
    seen = {os.path.normpath(p) for p in done}
    written = 0
    for folder, _, names in os.walk(site_dir):
        for name in names:
            path = os.path.join(folder, name)
            if not name.endswith(".html") or os.path.normpath(path) in seen:
                continue
            with open(path, encoding="utf-8", errors="replace") as f:
                html = f.read()
            protected = with_csp_meta(html, inline_code(html))
            if protected != html:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(protected)
                written += 1
    return written
