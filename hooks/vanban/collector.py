"""Python's full garbage collections, put off while `mkdocs serve` rebuilds the site.

A preview process keeps the whole site plan between rebuilds (~400 000 objects at 10 000
directives) and makes a new one on each rebuild. The allocations of a rebuild started one or two
full collections, each walking every live object: 0.5–0.8 s of a 1.8 s rebuild (measured at
10 000 directives). During a rebuild only the young generations are collected; a full collection
runs once the rebuild is over and the browser has had time to reload the page, and frees the
reference cycles of the previous plan.
"""

from __future__ import annotations

import gc
import threading

__all__ = ["DeferredCollection"]

_NEVER = 2**31 - 1
"""A threshold of young collections that is never reached: no automatic full collection."""


class DeferredCollection:
    """`pause()` when a rebuild starts, `resume()` when it ends (or fails)."""

    def __init__(self, delay: float = 2.0) -> None:
        self.delay = delay
        """Seconds after a rebuild before the full collection: the browser reloads meanwhile."""
        self._lock = threading.Lock()
        self._thresholds: tuple[int, int, int] | None = None
        """The thresholds to restore; None when not paused."""
        self._timer: threading.Timer | None = None
        self._building = False

    def pause(self) -> None:
        with self._lock:  # waits for a collection in progress
            self._building = True
            if self._thresholds is None:
                self._thresholds = gc.get_threshold()
                gc.set_threshold(self._thresholds[0], self._thresholds[1], _NEVER)

    def resume(self) -> None:
        with self._lock:
            self._building = False
            # One pending collection at most, never postponed: under edits faster than the delay
            # it runs during a rebuild, as it did without this class, and memory stays bounded.
            if self._timer is None:
                self._timer = threading.Timer(self.delay, self._collect)
                self._timer.daemon = True
                self._timer.start()

    def _collect(self) -> None:
        with self._lock:
            self._timer = None
            gc.collect()
            if self._thresholds is not None and not self._building:
                gc.set_threshold(*self._thresholds)
                self._thresholds = None
