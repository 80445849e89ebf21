"""Points inside long computations where a thread that computes ahead of time steps aside.

The warm-up (:mod:`loyalty.warming`) runs each step inside :func:`stepping_aside` with a
``hold``; :func:`checkpoint`, called between the blocks of the bootstraps (:mod:`loyalty.stats`),
calls it there, so a step of several seconds (the effects of actions: 6 s at 10,000 branches)
can wait while a visitor's browser draws on the same cores. In every other thread (a page run,
a script, a test) a checkpoint does nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_LOCAL = threading.local()


def checkpoint() -> None:
    """Let this thread's hold (if any) wait here; nothing else changes."""
    hold = getattr(_LOCAL, "hold", None)
    if hold is not None:
        hold()


@contextmanager
def stepping_aside(hold: Callable[[], object]) -> Iterator[None]:
    """Inside the block, this thread's :func:`checkpoint` calls ``hold()``."""
    before = getattr(_LOCAL, "hold", None)
    _LOCAL.hold = hold
    try:
        yield
    finally:
        _LOCAL.hold = before
