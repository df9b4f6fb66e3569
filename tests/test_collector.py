"""Full garbage collections wait while a preview rebuilds, and run once it is over."""

from __future__ import annotations

import gc
import time
import weakref

import pytest

from vanban.collector import DeferredCollection


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def old_cycle() -> weakref.ref:
    """A reference cycle that survived into the oldest generation, then became garbage: only a full
    collection frees it (what the previous site plan is after a rebuild)."""
    a, b = Node(), Node()
    a.other, b.other = b, a
    gc.collect()  # a and b are still referenced: they move to the oldest generation
    return weakref.ref(a)


def wait_for(check, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.01)
    return check()


@pytest.fixture
def thresholds():
    saved = gc.get_threshold()
    yield saved
    gc.set_threshold(*saved)


def test_no_full_collection_during_a_rebuild_then_one_after_it(thresholds):
    full_before = gc.get_stats()[2]["collections"]
    keep = [[i] for i in range(300_000)]
    assert gc.get_stats()[2]["collections"] > full_before, "these allocations start a full collection"
    del keep
    collection = DeferredCollection(delay=0.05)
    collection.pause()
    assert gc.get_threshold()[:2] == thresholds[:2]  # the young generations are still collected
    assert gc.get_threshold()[2] > 10**9
    ref = old_cycle()
    full_before = gc.get_stats()[2]["collections"]
    keep = [[i] for i in range(300_000)]
    assert gc.get_stats()[2]["collections"] == full_before
    assert ref() is not None
    collection.resume()
    assert wait_for(lambda: ref() is None), "the old cycle was not collected after the rebuild"
    assert gc.get_stats()[2]["collections"] > full_before
    assert wait_for(lambda: gc.get_threshold() == thresholds)
    del keep


def test_a_pending_collection_still_runs_when_the_next_rebuild_starts(thresholds):
    collection = DeferredCollection(delay=0.2)
    collection.pause()
    collection.resume()
    ref = old_cycle()
    collection.pause()  # the next edit, before the delay is over: memory must not keep growing
    assert wait_for(lambda: ref() is None)
    # ...but the rebuild in progress keeps full collections off until it is over.
    assert gc.get_threshold()[2] > 10**9
    collection.resume()
    assert wait_for(lambda: gc.get_threshold() == thresholds)


def test_a_build_that_is_not_a_preview_keeps_the_thresholds(thresholds):
    from archive_hooks import on_config, on_startup

    on_startup(command="build", dirty=False)
    on_config(None)  # type: ignore[arg-type]  # the hook reads nothing of the config here
    assert gc.get_threshold() == thresholds
