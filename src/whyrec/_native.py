"""Quiet, fast calls into native libraries.

Per-person linear algebra is tiny, and a BLAS thread pool fighting for two cores makes it ten
times slower; ``implicit`` also asks for single-threaded BLAS while it trains.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import cache
from typing import Any


@cache
def _controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()  # inspecting loaded libraries is slow: do it once


def single_threaded_blas() -> AbstractContextManager[Any]:
    """Context manager limiting BLAS to one thread (about 30 µs to enter)."""
    return _controller().limit(limits=1, user_api="blas")


@contextmanager
def quiet_implicit() -> Iterator[None]:
    """Silence ``implicit``'s warning about the COO matrices its own weighting functions return."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Method expects CSR input")
        yield


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building many small acyclic objects.

    Evidence facts are plain acyclic objects, freed by reference counting; but the collector
    would still re-scan every live object as tens of thousands are created, which made batch
    runs up to twice as slow when a caller keeps earlier results alive.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
