"""Two runs of a catalog timed side by side, and a fault fired by progress rather than by clock.

Run one after the other beside the whole suite, a ratio of two runs measured the suite's load as
much as the fault (one CI run: a clean 8.1 s, 16.5 s after a failover, a test passing at 1.0x
alone). Side by side, whatever else the machine does weighs on both alike."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from typing import TypeVar

import psycopg

from discovery.local import processes

T = TypeVar("T")


def side_by_side(clean: Callable[[], T], faulted: Callable[[], T]) -> tuple[T, T]:
    """Run both at once; their results, clean first (either's exception is raised)."""
    with ThreadPoolExecutor(2) as runs:
        clean_run, faulted_run = runs.submit(clean), runs.submit(faulted)
        return clean_run.result(), faulted_run.result()


def stored_tracks(database_url: str) -> int:
    with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as conn:
        row = conn.execute("SELECT count(*) FROM tracks").fetchone()
    return row[0] if row else 0


def wait_for_tracks(database_url: str, count: int, deadline: float) -> None:
    """Until `count` tracks are stored or `deadline` (time.monotonic()) passes: the fault comes
    then either way, and the test's own checks judge the run."""
    with suppress(TimeoutError):
        processes.wait_for(lambda: stored_tracks(database_url) >= count, deadline - time.monotonic(), f"{count} tracks")
