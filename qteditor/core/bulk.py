"""Making many objects at once: the records of a collection, the problems of its check."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_GC_LOCK = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while a bulk of records is made (their data
    holds no cycles: reference counting frees it). Each collection the allocations trigger would
    walk every object alive, the records made so far among them: half the time of reading
    36,000 records. Nested and threaded uses keep it off until the last one ends. Work inside
    that does make cycles (a full YAML parse) collects its youngest objects itself
    (``gc.collect(0)``, as ``fixes`` does after each file it renders)."""
    global _gc_pauses, _gc_was_enabled
    with _GC_LOCK:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()
