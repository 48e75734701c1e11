"""A producer's counts across the whole catalog (credits, tracks, every artist ranked by shared
tracks, the first collaborators), kept a while when they were costly to count.

Counting reads every credit of the producer: well under a millisecond for a typical one, and
several hundred for one credited on thousands of tracks (16,811 in the 100,000-producer
benchmark). A summary that took longer than COSTLY_MS is kept KEEP_S seconds, so the next pages
of that producer (and the next visitors) read it from memory; a cheap one is counted on every
view, so a producer a discovery is filling in right now never shows stale counts."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, LiteralString

from psycopg import Connection
from psycopg.rows import dict_row

from discovery.pgmq.sql import queries

COSTLY_MS = 50.0
KEEP_S = 300.0
KEPT_MAX = 256
COLLABORATORS_SHOWN = 12


@dataclass(frozen=True)
class Summary:
    credits: int
    tracks: int
    artists: list[dict[str, Any]]  # {spotify_id, name, tracks}, the most shared tracks first
    collaborators: list[dict[str, Any]]  # {id, name, shared_tracks}, the first COLLABORATORS_SHOWN
    counted_at: float


def count(conn: Connection[Any], producer_id: int) -> Summary:
    """Count it now (three statements, each reading the producer's credits once)."""
    which = {"producer_id": producer_id}
    cursor = conn.cursor(row_factory=dict_row)
    totals = cursor.execute(_q("producer_totals"), which).fetchone()
    assert totals is not None
    artists = cursor.execute(_q("producer_artists"), which).fetchall()
    collaborators = cursor.execute(_q("producer_top_collaborators"), {**which, "max_rows": COLLABORATORS_SHOWN}).fetchall()
    return Summary(int(totals["credits"]), int(totals["tracks"]), artists, collaborators, time.time())


class Summaries:
    """The costly summaries of the last KEEP_S seconds (at most KEPT_MAX of them), shared by the
    page's threads."""

    def __init__(self, costly_ms: float = COSTLY_MS, keep_s: float = KEEP_S) -> None:
        self.costly_ms, self.keep_s = costly_ms, keep_s
        self._kept: OrderedDict[int, Summary] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, conn: Connection[Any], producer_id: int) -> Summary:
        with self._lock:
            kept = self._kept.get(producer_id)
            if kept is not None and time.time() - kept.counted_at < self.keep_s:
                return kept
        started = time.perf_counter()
        summary = count(conn, producer_id)
        if (time.perf_counter() - started) * 1000 >= self.costly_ms:
            with self._lock:
                self._kept[producer_id] = summary
                self._kept.move_to_end(producer_id)
                while len(self._kept) > KEPT_MAX:
                    self._kept.popitem(last=False)
        return summary


def _q(name: str) -> LiteralString:
    return queries("web.sql")[name]
