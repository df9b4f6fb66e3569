"""Forked workers: every item's result comes back once; a large input is split among fresh processes."""

import os
import weakref

import pytest

from vanban import parallel
from vanban.parallel import can_fork, fork_map

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs fork")


def tagged(chunk: list[int]) -> list[tuple[int, int, int, int]]:
    """(item, squared, pid, chunk size) for each item of a chunk."""
    return [(i, i * i, os.getpid(), len(chunk)) for i in chunk]


def test_every_item_is_done_once_by_workers_that_are_not_the_parent():
    results = list(fork_map(tagged, list(range(50)), 2))
    assert sorted((i, sq) for i, sq, _, _ in results) == [(i, i * i) for i in range(50)]
    pids = {pid for _, _, pid, _ in results}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2  # a worker does several chunks


def test_in_order_chunks_are_runs_of_neighbouring_items_started_first_to_last():
    # The page writers' chunks when search buckets are indexed beside them: the first pages are
    # written first, so the first buckets are complete early.
    chunks = list(fork_map(lambda chunk: [chunk], list(range(50)), 2, in_order=True))
    assert sorted(i for chunk in chunks for i in chunk) == list(range(50))
    assert all(chunk == list(range(chunk[0], chunk[-1] + 1)) for chunk in chunks) and len(chunks) == 8


def test_a_large_input_gets_a_new_process_per_chunk_of_at_most_the_limit(monkeypatch):
    monkeypatch.setattr(parallel, "CHUNK_LIMIT", 10)
    results = list(fork_map(tagged, list(range(100)), 2))
    assert sorted(i for i, _, _, _ in results) == list(range(100))
    assert max(size for _, _, _, size in results) <= 10
    # Ten chunks, each in a process of its own: none carries what an earlier chunk left behind.
    assert len({pid for _, _, pid, _ in results}) == 10
    # Each process gets a run of neighbouring items (which share the parent's memory pages).
    runs: dict[int, list[int]] = {}
    for i, _, pid, _ in results:
        runs.setdefault(pid, []).append(i)
    assert all(sorted(run) == list(range(min(run), max(run) + 1)) for run in runs.values())


class Cell:
    other: "Cell | None" = None


def test_the_garbage_collector_is_left_as_it_was_found():
    """Objects are frozen for the workers' sake only, unless the caller had frozen some itself (a
    build freezes its loaded archive, which must stay out of collections after the fork too)."""
    import gc

    assert gc.get_freeze_count() == 0
    list(fork_map(tagged, list(range(10)), 2))
    assert gc.get_freeze_count() == 0
    kept = Cell()  # the caller's own object, frozen by the caller
    gc.freeze()
    try:
        assert not any(o is kept for o in gc.get_objects())
        a, b = Cell(), Cell()
        a.other, b.other = b, a
        garbage = weakref.ref(a)
        del a, b  # a reference cycle, garbage before the call: collected, not frozen with the rest
        list(fork_map(tagged, list(range(10)), 2))
        # Still frozen: collections skip it. (Not a count: another test's leftovers that became
        # garbage while frozen may be freed by the call's collection, one object fewer.)
        assert gc.get_freeze_count() > 0
        assert not any(o is kept for o in gc.get_objects())
        assert garbage() is None
    finally:
        gc.unfreeze()


def test_spread_items_give_every_chunk_its_share_of_each_kind(monkeypatch):
    # A directive-template upgrade: 30 directive pages made again, 10 listing pages taken whole from
    # the page store. In their plan's order the last chunk was all listings (cheap) and one worker
    # did the last costly chunk alone; spread, every chunk holds three directives to one listing.
    from vanban.parallel import spread
    items = [f"d{i}" for i in range(30)] + [f"l{i}" for i in range(10)]
    ordered = spread(items, lambda item: item[0])
    assert sorted(ordered) == sorted(items)
    assert [i for i in ordered if i[0] == "d"] == items[:30]  # each kind keeps its order
    monkeypatch.setattr(parallel, "CHUNK_LIMIT", 10)
    chunks = list(fork_map(lambda chunk: [chunk], ordered, 2, in_order=True))
    assert len(chunks) == 4 and all(sum(i[0] == "l" for i in chunk) in (2, 3) for chunk in chunks)


def test_a_large_input_is_split_into_a_multiple_of_the_workers_chunks(monkeypatch):
    monkeypatch.setattr(parallel, "CHUNK_LIMIT", 10)
    # 50 items: five chunks of ten would leave the fifth to one worker of two; six chunks do not.
    chunks = list(fork_map(lambda chunk: [chunk], list(range(50)), 2))
    assert len(chunks) % 2 == 0 and max(map(len, chunks)) <= 10
