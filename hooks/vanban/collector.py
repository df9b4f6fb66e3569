"""Python's full garbage collections, put off while the archive loads or the preview rebuilds.

A full collection walks every live object; it starts when the objects that survived since the
last one reach a quarter of the rest. Loading the archive (`mkdocs build`) and rebuilding the site
plan (each `mkdocs serve` rebuild) make hundreds of thousands of long-lived objects, so full
collections kept starting and walking all of them, while little of it was garbage:
- under `mkdocs serve` on 10 000 directives, one or two per rebuild, 0.5–0.8 s of a 1.8 s rebuild;
- in `mkdocs build`, 0.5 s of 1.5 s of loading at 10 000 (warm), 13.8 s of 24.3 s at 100 000.

While paused, the young generations are still collected. A preview resumes with one full
collection a little after the rebuild, when the browser has reloaded the page, which frees the
reference cycles of the previous site plan. A build resumes the usual thresholds once the archive
is loaded, before any worker is forked (a worker inherits them), and freezes what exists then
(`gc.freeze`): it is kept to the end, and the collections of the rest of the build skip it.
"""

from __future__ import annotations

import gc
import threading

__all__ = ["FullCollections"]

_NEVER = 2**31 - 1
"""A count of young collections that is never reached: no automatic full collection."""


class FullCollections:
    """`pause()` when the work starts, `resume()` when it is over (or failed)."""

    def __init__(self, delay: float | None = None) -> None:
        self.delay = delay
        """None: resume at once, freezing what exists (a build). Else seconds to wait, then collect
        once and resume (a preview)."""
        self._lock = threading.Lock()
        self._thresholds: tuple[int, int, int] | None = None
        """The thresholds to restore; None when not paused."""
        self._timer: threading.Timer | None = None
        self._working = False

    def pause(self) -> None:
        with self._lock:  # waits for a collection in progress
            self._working = True
            if self._thresholds is None:
                self._thresholds = gc.get_threshold()
                gc.set_threshold(self._thresholds[0], self._thresholds[1], _NEVER)

    def resume(self) -> None:
        with self._lock:
            self._working = False
            if self.delay is None:
                if self._thresholds is not None:  # not on_post_build's resume after on_files' one
                    # A build: what exists now (the archive, the plan) lives until the process
                    # ends, so later full collections need not walk it (3.2 s + 3.6 s of a warm
                    # 100 000 build). Collected first: garbage frozen with it would never be freed.
                    gc.collect()
                    gc.freeze()
                    self._restore()
            elif self._timer is None and self._thresholds is not None:
                # One pending collection at most, never postponed: under edits faster than the
                # delay it runs during a rebuild, as without this class, and memory stays bounded.
                self._timer = threading.Timer(self.delay, self._collect)
                self._timer.daemon = True
                self._timer.start()

    def _collect(self) -> None:
        with self._lock:
            self._timer = None
            gc.collect()
            if not self._working:
                self._restore()

    def _restore(self) -> None:
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None
