"""Work spread over forked processes: the workers inherit the parent's memory (the archive, the
plan, MkDocs' pages and templates) instead of receiving it pickled; only results travel back."""

from __future__ import annotations

import gc
import multiprocessing
import os
from typing import Callable, Hashable, Iterator, TypeVar

__all__ = ["worker_count", "can_fork", "fork_map", "spread"]

T = TypeVar("T")
R = TypeVar("R")

_job: Callable | None = None


def worker_count() -> int:
    """`VANBAN_WORKERS` if set (1 = everything in this process), else the number of cores."""
    return int(os.environ.get("VANBAN_WORKERS", 0)) or os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


CHUNK_LIMIT = 4000
"""Most items one forked process works on, when there are more than `workers` times this."""


def fork_map(job: Callable[[list[T]], list[R]], items: list[T], workers: int, in_order: bool = False) -> Iterator[R]:
    """`job` applied to interleaved chunks of `items` in `workers` forked processes at a time;
    results in no particular order. `job` may be any callable (a closure too): it is inherited,
    not pickled. `in_order`: chunks are runs of neighbouring items, started first to last (so the
    first items are done early, for a caller that starts on them while the rest is being done).

    Past `workers` × CHUNK_LIMIT items, each chunk is done by a newly forked process: a process
    copies the parent's memory it touches (reference counts are writes) and keeps what it
    allocated, so one process working through half of 100 000 directives grew by ~1 GB. Below,
    each process does several chunks (what it set up once, such as page shells, serves them all)."""
    global _job
    fresh = len(items) > workers * CHUNK_LIMIT
    if fresh:
        # Runs of neighbouring items: they were made one after the other, so they share memory
        # pages, and a process touching 4 000 of them copies fewer of the parent's pages than
        # one touching every 25th item of the archive (at 10 000 directives, ~90 MB against ~145).
        # As many chunks as a multiple of the workers: the last round keeps every worker busy.
        count = -(-max(workers * 2, -(-len(items) // CHUNK_LIMIT)) // workers) * workers
        size = -(-len(items) // count)
        chunks = [items[i:i + size] for i in range(0, len(items), size)]
    elif in_order:
        size = -(-len(items) // (workers * 4))
        chunks = [items[i:i + size] for i in range(0, len(items), size)]
    else:
        # Interleaved, so that every process gets its share of the costlier pages.
        chunks = [items[i::workers * 4] for i in range(workers * 4)]
    _job = job
    # A collection in a worker would write to every inherited object's header, copying the
    # parent's memory page by page: the objects that exist now are left out of collections
    # (and stay out after, if the caller had frozen objects already: `collector.FullCollections`).
    frozen_before = gc.get_freeze_count() > 0
    if frozen_before:
        gc.collect()  # of what is not frozen yet: no garbage is frozen for good below
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=1 if fresh else None) as pool:
            for results in pool.imap_unordered(_run, [c for c in chunks if c]):
                yield from results
    finally:
        _job = None
        if not frozen_before:
            gc.unfreeze()


def spread(items: list[T], kind: Callable[[T], Hashable]) -> list[T]:
    """`items` reordered so that the items of each kind are spread evenly through the list, each kind
    in its own order: any run of neighbouring items (a chunk of `fork_map`) then holds every kind
    in proportion. A build where one kind of page is made again and another taken from a cache
    otherwise gave one worker a chunk of cheap pages and the other the last costly chunk alone
    (at 10 000 directives, 13 s of a directive-template upgrade on one core of two)."""
    groups: dict[Hashable, list[T]] = {}
    for item in items:
        groups.setdefault(kind(item), []).append(item)
    places = sorted(((i + 0.5) / len(group), g, i) for g, group in enumerate(groups.values()) for i in range(len(group)))
    ordered = list(groups.values())
    return [ordered[g][i] for _, g, i in places]


def _run(chunk: list) -> list:
    assert _job is not None
    return _job(chunk)
