"""A time budget for rendering one directive body, and the body checks `vanban check` runs.

Python-Markdown's inline patterns are quadratic on some inputs (30 KB of nested brackets took
~100 s; 1 MB of `*_*_…` more than five minutes): a body may take at most `body_seconds()` to render,
in the build and in `check` alike, and past it the file is named as an error instead of the build
hanging. The budget is a SIGALRM timer, so it holds in a process's main thread (`mkdocs build`, its
forked workers, `vanban check`); `mkdocs serve` builds in another thread and renders without it.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .cache import RenderCache
from .parallel import can_fork, fork_map, worker_count
from .problems import Problem
from .rules import problem


if TYPE_CHECKING:
    from .model import Directive


__all__ = ["BodyTooSlow", "body_seconds", "time_budget", "check_bodies", "too_slow_problem"]


DEFAULT_SECONDS = 5.0
PARALLEL_THRESHOLD = 300


class BodyTooSlow(Exception):
    """A body took longer than its budget to render; the message is the staff's one line."""


class _Expired(BaseException):
    # BaseException: Markdown extensions' `except Exception` must not swallow it.
    pass


def body_seconds() -> float:
    """The budget per body: `VANBAN_BODY_SECONDS` if set, else 5 s."""
    try:
        return float(os.environ.get("VANBAN_BODY_SECONDS", "")) or DEFAULT_SECONDS
    except ValueError:
        return DEFAULT_SECONDS


@contextmanager


def time_budget(seconds: float) -> Iterator[None]:
    """Raise `TimeoutError` inside the block once `seconds` have passed (main thread only)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame) -> None:  # noqa: ANN001 - signal handler signature
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise TimeoutError(f"quá {seconds:g} s") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def too_slow_problem(path: str, line: int, seconds: float) -> Problem:
    return problem("VB701", path, f"Nội dung văn bản dựng quá {seconds:g} giây và bị dừng: có thể có hàng nghìn dấu "
                         "ngoặc vuông '[', '(' hoặc '*', '_' lồng nhau (thường do chép từ PDF hoặc Word). "
                         "Xóa hoặc sửa đoạn ký hiệu lặp đó.", line=line)


def check_bodies(directives: list["Directive"], cache: "RenderCache | None" = None) -> list[Problem]:
    """Render every body as the build does, within the budget: an error for each body past it, a
    warning for each link or image whose address is not allowed (shown as text on the page).

    What a body's check found is kept in the render cache by its text (a body rendered in ~5 ms,
    10 000 of them in most of a minute): the next `check` renders only edited bodies."""
    cache = cache or RenderCache(None)
    todo: list[tuple[str, "Directive"]] = []
    keys = {}
    for d in directives:
        if d.body_packed:
            keys[cache.key("body-check", d.body)] = d
    found = {k: json.loads(v) for k, v in cache.get_many("body", list(keys)).items()}
    todo = [(k, d) for k, d in keys.items() if k not in found]
    if worker_count() < 2 or len(todo) < PARALLEL_THRESHOLD or not can_fork():
        results = _check_chunk(todo)
    else:
        results = list(fork_map(_check_chunk, todo, worker_count()))
    for key, refused in results:
        found[key] = refused
        if refused is not None:  # a body past its budget is tried again next time
            cache.put(key, refused)
    cache.flush()
    seconds = body_seconds()
    problems: list[Problem] = []
    for key, d in keys.items():
        refused = found[key]
        if refused is None:
            problems.append(too_slow_problem(d.rel_path, d.body_line, seconds))
            continue
        text = d.body
        for value in refused:
            problems.append(problem(
                "VB702", d.rel_path, f"Liên kết '{_shown(value)}' không được phép (chỉ http, https, mailto, tel hoặc "
                            "đường dẫn trong trang): trang hiển thị phần chữ, không có liên kết.",
                line=_line_of(text, value, d.body_line)))
    return problems


def _check_chunk(items: list[tuple[str, "Directive"]]) -> list[tuple[str, list[str] | None]]:
    """(key, refused addresses) of each body; None for a body past its budget."""
    from .render import make_markdown  # Markdown's import is paid only by the callers that render

    md = make_markdown()
    seconds = body_seconds()
    out: list[tuple[str, list[str] | None]] = []
    for key, d in items:
        md.reset()
        try:
            with time_budget(seconds):
                md.convert(d.body)
        except TimeoutError:
            out.append((key, None))
            continue
        out.append((key, list(md.treeprocessors["vanban_safe_links"].refused)))
    return out


def _shown(value: str) -> str:
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in value)
    return text if len(text) <= 80 else text[:77] + "…"


def _line_of(body: str, value: str, body_line: int) -> int:
    # The address as written is in the text (Markdown keeps a link's destination verbatim).
    at = body.find(value)
    if at < 0:
        at = body.find(value.split()[0]) if value.split() else -1
    return body_line + (body.count("\n", 0, at) if at >= 0 else 0)
