"""Share a long loop among the machine's cores, where that is safe, so a big bank compiles faster.

Workers are forked: they inherit the loop's function and items (closures included) instead of being
sent them, and only results travel back. Forking is safe on Linux in a process with one thread (a
thread holding a lock at the fork would leave the worker stuck), so elsewhere, under `loopkit serve`
(which watches files in a thread) and for small loops, the loop simply runs here.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
MINIMUM = 1_000  # items below which forking costs more than it saves
MAX_WORKERS = 8

_work: tuple[Callable, list] | None = None  # what forked workers inherit


def _share(index: int) -> list:
    function, shares = _work
    return function(shares[index])


def cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's count), at most eight:
    every worker copies the memory it touches, and past eight the shares gain little."""
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(available, MAX_WORKERS)


def split_map(function: Callable[[Sequence[T]], list[R]], items: Sequence[T]) -> list[R]:
    """`function(items)`, worked out in one share of `items` per core and concatenated in order."""
    workers = cores()
    if workers < 2 or len(items) < MINIMUM or sys.platform != "linux" or threading.active_count() > 1:
        return function(items)
    size = -(-len(items) // workers)
    shares = [items[start:start + size] for start in range(0, len(items), size)]
    global _work
    _work = (function, shares)
    gc.freeze()  # so a worker's collector does not touch, and so copy, every object it inherited
    try:
        with ProcessPoolExecutor(len(shares) - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            others = [pool.submit(_share, index) for index in range(1, len(shares))]
            results = function(shares[0])  # this process takes the first share meanwhile
            for other in others:
                results += other.result()
    finally:
        _work = None
        gc.unfreeze()
    return results
