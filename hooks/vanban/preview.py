"""What the preview (`make serve`) shows of the rulebook's problems, so staff need not read the terminal:

- a page, `/loi-can-sua/`, listing every problem (file, line, code, field, message), or saying there
  are none;
- at the address a broken directive asks for, its problems instead of a 404;
- a banner on every page while problems exist (added to each response by the preview server, so it
  appears and goes with the problems without rewriting a page).

A build never writes any of these: the public site has no page about the staff's mistakes.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from .problems import Problem
from .rules import summary_line

__all__ = ["PROBLEMS_URL", "PreviewPages", "banner_html", "with_banner", "problems_page", "broken_page"]

PROBLEMS_URL = "loi-can-sua/"
"""Site-relative address of the page listing the problems (in the preview only)."""

_BODY = re.compile(rb"<body[^>]*>")


def banner_html(problems: list[Problem], base: str) -> str:
    """The banner of every preview page; "" when there is nothing to say."""
    if not problems:
        return ""
    errors = sum(p.is_error for p in problems)
    kind = "lỗi" if errors else "cảnh báo"
    what = f"{errors} lỗi, {len(problems) - errors} cảnh báo" if errors else f"{len(problems)} cảnh báo"
    return (f'<div class="vb-preview-alert vb-preview-alert--{"error" if errors else "warning"}" role="alert">'
            f"<strong>Bản xem trước: kho văn bản có {what}.</strong> "
            + ("Văn bản có lỗi không được đăng. " if errors else "")
            + f'<a href="{escape(base + PROBLEMS_URL)}">Xem danh sách {kind} và cách sửa</a></div>')


def with_banner(html: bytes, banner: str) -> bytes:
    """`html` with `banner` right after its <body> tag (unchanged when there is no banner or body)."""
    if not banner:
        return html
    match = _BODY.search(html)
    if match is None:
        return html
    return html[: match.end()] + banner.encode("utf-8") + html[match.end():]


def problems_page(problems: list[Problem], checked: int, base: str) -> str:
    """The page listing every problem, grouped by file."""
    by_file: dict[str, list[Problem]] = {}
    for p in problems:
        by_file.setdefault(p.path, []).append(p)
    if problems:
        intro = (f"<p>{escape(summary_line(problems, checked))}</p><p>Sửa từng dòng dưới đây trong tệp được nêu "
                 "(số sau dấu hai chấm là số dòng); trang này tự cập nhật khi lưu tệp. Mã quy tắc (VB…) được giải "
                 f'thích trong <a href="{escape(base)}huong-dan/truong-thong-tin/#ma-loi">hướng dẫn các trường thông tin</a>.</p>')
    else:
        intro = f"<p>Không có lỗi hay cảnh báo nào: {checked} văn bản đều đúng quy tắc.</p>"
    sections = "".join(
        f"<section><h2><code>{escape(path)}</code></h2><ul>{''.join(_item(p) for p in items)}</ul></section>"
        for path, items in by_file.items())
    return _document("Lỗi cần sửa trong kho văn bản", intro + sections, base)


def broken_page(url: str, problems: list[Problem], base: str) -> str:
    """What the address of a directive that has errors shows in the preview."""
    path = problems[0].path if problems else ""
    body = (f"<p>Văn bản ở địa chỉ <code>/{escape(url)}</code> (tệp <code>{escape(path)}</code>) có lỗi nên chưa "
            "được đăng. Sửa các dòng sau rồi lưu tệp: trang sẽ tự tải lại.</p>"
            f"<ul>{''.join(_item(p) for p in problems)}</ul>"
            f'<p><a href="{escape(base + PROBLEMS_URL)}">Mọi lỗi của kho</a> · <a href="{escape(base)}">Trang chủ</a></p>')
    return _document("Văn bản có lỗi, chưa được đăng", body, base)


def _item(p: Problem) -> str:
    label = "Lỗi" if p.is_error else "Cảnh báo"
    where = f"dòng {p.line}" if p.line else "cả tệp"
    field = f" <code>{escape(p.field)}</code>" if p.field else ""
    data = " ".join(f'data-{k}="{escape(str(v))}"' for k, v in (("path", p.path), ("line", p.line or ""),
                                                                 ("code", p.code), ("field", p.field or ""),
                                                                 ("severity", p.severity)))
    return (f'<li class="vb-problem vb-problem--{p.severity}" {data}><strong>{label} {escape(p.code)}</strong> — '
            f"{escape(p.path)}{':' + str(p.line) if p.line else ''} ({where}){field}: {escape(p.message)}</li>")


def _document(title: str, body: str, base: str) -> str:
    # Self-contained (no theme, no script): it must render whatever state the archive is in.
    return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{escape(title)}</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#222}}
h1{{color:#8a1c1c;font-size:1.6rem}}h2{{font-size:1.1rem;margin-top:1.5rem}}li{{margin:.4rem 0;overflow-wrap:anywhere}}
.vb-problem--error strong{{color:#8a1c1c}}.vb-problem--warning strong{{color:#6b4e00}}a{{color:#8a1c1c}}
.vb-preview-alert{{margin:-1rem -1rem 1rem;padding:.6rem 1rem;background:#fdecea;border-bottom:2px solid #8a1c1c}}
.vb-preview-alert--warning{{background:#fff4d6;border-bottom-color:#6b4e00}}</style>
</head><body><h1>{escape(title)}</h1>{body}</body></html>
"""


class PreviewPages:
    """The problem pages written into the preview's site folder, so that the next rebuild removes
    the ones no longer true (a `serve --dirty` rebuild keeps the folder)."""

    def __init__(self) -> None:
        self.written: set[str] = set()
        self.known: dict[str, str] = {}
        """File → the address its directive had in an earlier rebuild: where a file whose YAML no
        longer reads (so that its number is unknown) shows its problems."""

    def write(self, site: Path, problems: list[Problem], failed: dict[str, str | None], published: dict[str, str],
              checked: int, base: str) -> None:
        """The problems page, and a page at each broken directive's address that no directive holds.
        `published`: file → address of every directive of this build."""
        self.known.update(published)
        taken = set(published.values())
        pages = {PROBLEMS_URL: problems_page(problems, checked, base)}
        by_path: dict[str, list[Problem]] = {}
        for p in problems:
            by_path.setdefault(p.path, []).append(p)
        for path, wanted in failed.items():
            url = wanted or self.known.get(path)
            if url and url not in taken and url not in pages:
                pages[url] = broken_page(url, by_path.get(path, []), base)
        for url in self.written - set(pages):
            if url not in taken:
                (site / url / "index.html").unlink(missing_ok=True)
        for url, html in pages.items():
            out = site / url / "index.html"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(html, encoding="utf-8")
        self.written = set(pages)
