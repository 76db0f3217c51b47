"""Spreading the pure-Python part of a roster check over the machine's cores.

`map_chunks(func, chunks, context=…)` yields func(context, chunk) for each chunk, in the chunks'
order, so the result is the same whatever the number of processes. Worker processes are forked:
they inherit the loaded settings, the active language and the context (no database work happens
in them), and only a few chunks are in flight at a time, so memory stays flat. Small files, and
machines with one core, stay in the calling process.
"""

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings

_task: tuple[Callable, object] | None = None


def processes_for(rows: int) -> int:
    """How many processes to check a file of this many rows with (1: in the calling process)."""
    if rows < getattr(settings, "ROSTER_PARALLEL_MIN_ROWS", 20_000):
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, getattr(settings, "ROSTER_PROCESSES", cores)))


def _init(func: Callable, context: object) -> None:
    global _task
    _task = (func, context)


def _run(chunk):
    func, context = _task
    return func(context, chunk)


def map_chunks(func: Callable, chunks: Iterable, *, context: object, processes: int) -> Iterator:
    if processes <= 1:
        for chunk in chunks:
            yield func(context, chunk)
        return
    pool = multiprocessing.get_context("fork").Pool(processes, initializer=_init, initargs=(func, context))
    try:
        in_flight: deque = deque()
        for chunk in chunks:
            in_flight.append(pool.apply_async(_run, (chunk,)))
            if len(in_flight) >= 2 * processes:
                yield in_flight.popleft().get()
        while in_flight:
            yield in_flight.popleft().get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
