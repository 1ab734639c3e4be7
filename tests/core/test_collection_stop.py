"""stop_workers: the index's worker processes stop at once, and nothing waits for them after,
even for a worker stopped while it was writing its result (the app's exit joins the pool)."""

from __future__ import annotations

import multiprocessing
import os
import struct
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from qteditor.core import collection
from tests.conftest import posix_only


def _half_a_result(started: str) -> None:
    """In a pool worker: write the start of a result message (its length, a few bytes) to the
    pool's result pipe, as a worker ended in the middle of sending its result leaves it."""
    frame = sys._getframe()
    while frame is not None and "result_queue" not in frame.f_locals:
        frame = frame.f_back
    queue = frame.f_locals["result_queue"]
    queue._writer._send(struct.pack("!i", 1_000_000) + b"x" * 10)
    with open(started, "w"):
        pass
    time.sleep(120)


@posix_only("a forkserver pool and its result pipe's file descriptor (os.close); Windows has neither")
def test_a_pool_stopped_while_a_worker_writes_its_result_ends_at_once(tmp_path):
    started = tmp_path / "started"
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver"))
    writer = pool._result_queue._writer
    with collection._POOLS_LOCK:
        collection._POOLS.add(pool)
    try:
        future = pool.submit(_half_a_result, str(started))
        deadline = time.monotonic() + 60
        while not started.exists():  # the manager thread now waits for the rest of the message
            assert time.monotonic() < deadline and not future.done()
            time.sleep(0.01)
        manager = pool._executor_manager_thread  # what every exit of the process joins
        processes = list(pool._processes.values())
        assert collection.stop_workers() == 1
        manager.join(3)
        assert not manager.is_alive(), "the pool's manager thread waits for the half-written result"
        assert not any(p.is_alive() for p in processes)
    finally:
        with collection._POOLS_LOCK:
            collection._POOLS.discard(pool)
            collection._STOPPED.discard(pool)
        if not writer.closed:  # (the fix is missing: unblock the manager, or pytest's exit hangs)
            os.close(writer.fileno())
