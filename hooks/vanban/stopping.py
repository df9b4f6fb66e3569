"""What a request to stop does to the preview server: SIGTERM and SIGHUP act as Ctrl+C.

`mkdocs serve` builds into a folder of its own under the temporary directory (`mkdocs_…`, the whole
site: 680 MB at 10 000 directives) and deletes it when it stops, but only on Ctrl+C. SIGTERM (`kill`,
systemd, `docker stop`, a test harness) and SIGHUP (the terminal closed) end Python without running
that cleanup, so every such stop left a copy of the site behind.

Once stopping, the preview ignores a second SIGTERM or SIGHUP: a harness that signals its whole
process group and then the preview too (`timeout`, then a benchmark's own `terminate()`) cut the
deletion of the site short and left most of it behind. SIGKILL still ends it at once.
"""

from __future__ import annotations

import os
import signal
import threading

__all__ = ["STOP_SIGNALS", "stop_like_ctrl_c"]

STOP_SIGNALS = ("SIGTERM", "SIGHUP")

_owner: int | None = None
"""The process that asked; forked workers inherit the handler and must die as before."""


def stop_like_ctrl_c() -> None:
    """Make SIGTERM and SIGHUP raise KeyboardInterrupt in this process's main thread. A signal
    someone chose to ignore (`nohup`) stays ignored; outside the main thread nothing changes."""
    global _owner
    if threading.current_thread() is not threading.main_thread():
        return
    _owner = os.getpid()
    _replace(signal.SIG_DFL, _interrupt)


def _interrupt(signum: int, frame: object) -> None:
    if os.getpid() != _owner:
        _die_by_default(signum)
        return
    _replace(_interrupt, _stopping)
    raise KeyboardInterrupt


def _stopping(signum: int, frame: object) -> None:
    """A stop signal after the first: the preview is already stopping, and deleting its site."""
    if os.getpid() != _owner:
        _die_by_default(signum)


def _replace(handler: object, by: object) -> None:
    """Each stop signal this platform has whose handler is `handler` gets `by` instead."""
    for name in STOP_SIGNALS:
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is handler:
            signal.signal(number, by)


def _die_by_default(signum: int) -> None:
    """A forked worker (the pool is told to stop with SIGTERM): end it the default way, silently.
    (Not SIG_IGN for the owner's later signals: a worker forked then would inherit it, and never stop.)"""
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
