"""Full garbage collections wait while a preview rebuilds, and run once it is over."""

from __future__ import annotations

import gc
import time
import weakref

import pytest

from vanban.collector import FullCollections

from conftest import ROOT


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


def wait_for(check, timeout: float = 30.0) -> bool:  # returns as soon as true; long for loaded CI machines
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
    gc.unfreeze()  # what a build's resume froze


def test_no_full_collection_during_a_rebuild_then_one_after_it(thresholds):
    full_before = gc.get_stats()[2]["collections"]
    keep = [[i] for i in range(300_000)]
    assert gc.get_stats()[2]["collections"] > full_before, "these allocations start a full collection"
    del keep
    collection = FullCollections(delay=0.05)
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
    collection = FullCollections(delay=0.2)
    collection.pause()
    collection.resume()
    ref = old_cycle()
    collection.pause()  # the next edit, before the delay is over: memory must not keep growing
    assert wait_for(lambda: ref() is None)
    # ...but the rebuild in progress keeps full collections off until it is over.
    assert gc.get_threshold()[2] > 10**9
    collection.resume()
    assert wait_for(lambda: gc.get_threshold() == thresholds)


def test_without_a_delay_the_thresholds_come_back_at_once_and_what_exists_is_frozen(thresholds):
    collection = FullCollections()
    collection.pause()
    assert gc.get_threshold()[2] > 10**9
    loaded = Node()  # the archive, loaded during the pause
    garbage = old_cycle()  # made and dropped during the pause
    collection.resume()
    assert gc.get_threshold() == thresholds
    assert gc.get_freeze_count() > 0
    assert not any(o is loaded for o in gc.get_objects())  # later collections skip it
    assert garbage() is None  # collected, not frozen for good
    frozen = gc.get_freeze_count()
    later = Node()
    collection.resume()  # again (on_post_build after on_files): nothing to restore or freeze
    assert gc.get_threshold() == thresholds
    # Not frozen again: the count does not grow (it may shrink: a frozen object whose last
    # reference goes, e.g. a finished timer thread's, leaves the permanent generation).
    assert gc.get_freeze_count() <= frozen and any(o is later for o in gc.get_objects())


def test_a_build_forks_its_workers_with_the_usual_thresholds(thresholds, tmp_path, monkeypatch):
    """Workers inherit the thresholds: still paused, they would never run a full collection."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from vanban import parallel, site

    seen = []
    real_fork_map = parallel.fork_map

    def spy(job, items, workers, **options):
        seen.append(gc.get_threshold())
        return real_fork_map(job, items, workers, **options)

    # The hook file imports these when MkDocs loads it, below.
    monkeypatch.setattr(parallel, "fork_map", spy)
    monkeypatch.setattr(site, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setenv("VANBAN_WORKERS", "2")
    monkeypatch.setenv("VANBAN_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    assert (tmp_path / "site" / "van-ban" / "index.html").is_file()
    assert seen, "the pages were not written by forked workers"
    assert all(t == thresholds for t in seen)
    assert gc.get_threshold() == thresholds
