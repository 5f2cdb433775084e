"""How a Fourfold process uses memory: the cyclic garbage collector paused around work that
makes many objects and no cycles (imports, scoring, each web request), and freed memory kept
for reuse rather than handed back to the system between two computations."""

from __future__ import annotations

import contextlib
import ctypes
import gc
from collections.abc import Callable, Iterator
from typing import Any


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a big import or a scoring run makes millions of
    objects that hold no cycles (rows, tuples, strings): each collection would go through all
    of them again. Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def gc_paused_middleware(get_response: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Every request in `gc_paused`: a page reads and renders hundreds of rows, each a few
    objects without cycles, and a full collection landing in the middle went through them all
    (about 60 ms of a 75 ms scorecard page). What little cyclic garbage a request leaves is
    collected at the next collection after it."""

    def middleware(request: Any) -> Any:
        with gc_paused():
            return get_response(request)

    return middleware


# glibc's mallopt() parameters.
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3


def keep_freed_memory() -> None:
    """Have glibc's malloc keep up to 512 MB of freed memory for the next allocations.

    Scoring the whole organization allocates a few hundred MB of arrays and frees them at the
    end; by default glibc maps each large array afresh and hands freed memory back at once,
    so that the next computation page-faults all of it in again (a third of the time of
    `engine.compute()` on the benchmark organization). Called once by each entry point (the
    command line, the WSGI application). Elsewhere than glibc it does nothing.

    numpy is also asked not to advise Linux to back its large arrays with huge pages: on these
    machines (transparent huge pages on advice, and compacted for it) a process's first
    whole-organization computation spent 0.8 to 1.1 s of system time getting them, against
    0.25 s with ordinary pages, and later computations took as long either way.
    """
    _no_huge_pages()
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(M_TRIM_THRESHOLD, 512 << 20)
    mallopt(M_MMAP_THRESHOLD, 32 << 20)  # the largest glibc accepts


def _no_huge_pages() -> None:
    import importlib

    # The switch behind numpy's NUMPY_MADVISE_HUGEPAGE, which numpy reads only at its import.
    multiarray = importlib.import_module("numpy._core.multiarray")
    switch = getattr(multiarray, "_set_madvise_hugepage", None)
    if callable(switch):
        switch(False)
