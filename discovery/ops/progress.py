"""`discovery seed NAME --follow`: watch one artist's discovery until nothing for it is left in
any queue, then print its report. A live rich display on a terminal; plain lines otherwise."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any, LiteralString, TextIO, cast

import psycopg

from discovery.pgmq import queues
from discovery.pgmq.sql import queries
from discovery.settings import APIS

POLL_S = 1.0


def _q(name: str) -> LiteralString:
    return cast(LiteralString, queries("progress.sql")[name])


@dataclass
class Snapshot:
    stage: str  # waiting | resolving | discovering | done | failed
    artist: str
    albums: int = 0
    tracks: int = 0
    recordings_done: int = 0
    recordings_known: int = 0
    producers_enriched: int = 0
    producers_known: int = 0
    waiting: int = 0
    failed: int = 0
    paused: str = ""
    spotify_id: str | None = None
    reason: str = ""

    @property
    def finished(self) -> bool:
        return self.stage in {"done", "failed"}

    def line(self) -> str:
        if self.stage in {"waiting", "failed"} and not self.spotify_id:
            text = f"{self.artist}: {self.stage}" + (f" ({self.reason})" if self.reason else "")
        else:
            text = (
                f"{self.artist}: {self.stage}; albums {self.albums}, tracks {self.tracks}, "
                f"producer lookups {self.recordings_done}/{self.recordings_known}, "
                f"social lookups {self.producers_enriched}/{self.producers_known}, "
                f"waiting {self.waiting}, failed {self.failed}"
            )
        return text + (f"; paused: {self.paused}" if self.paused else "")


def snapshot(conn: psycopg.Connection, msg_id: int, name: str | None, spotify_id: str | None, paused: str = "") -> Snapshot:
    label = name or spotify_id or "?"
    dead_reason = queues.dead_reason(conn, "artist_discovery", msg_id)
    if dead_reason:
        return Snapshot("failed", label, reason=dead_reason, paused=paused)
    if queues.queued(conn, "artist_discovery", msg_id):
        return Snapshot("waiting", label, paused=paused)
    row = conn.execute(_q("seed_artist"), {"spotify_id": spotify_id, "name": name}).fetchone()
    if row is None:
        return Snapshot("resolving", label, paused=paused)
    found_id, found_name = row
    counts: Any = conn.execute(_q("artist_progress"), {"id": found_id}).fetchone()
    (albums, tracks, rec_done, rec_known, enriched, known, producer_ids, album_ids, pending) = counts
    work = _work_keys(found_id, album_ids, pending)
    waiting = sum(
        queues.count_waiting(conn, queue, key, values) for queue, key, values in work
    ) + queues.count_waiting(conn, "social_enrichment", "producerId", producer_ids or [])
    failed = sum(queues.count_dead(conn, queue, key, values) for queue, key, values in work)
    return Snapshot(
        "discovering" if waiting else "done",
        found_name,
        albums,
        tracks,
        rec_done,
        rec_known,
        enriched,
        known,
        waiting,
        failed,
        paused,
        found_id,
    )


def _work_keys(
    artist_id: str, album_ids: list[str] | None, pending: list[str] | None
) -> list[tuple[str, str, list[str]]]:
    """(queue, message field, values) naming the artist's work: its album pages, its albums'
    track pages and its recordings' lookups, whichever artist of a joint album started them
    (an album and a recording are stored in the transaction that sends their message)."""
    return [
        ("album_discovery", "artistId", [artist_id]),
        ("track_discovery", "albumId", list(album_ids or [])),
        ("producer_identification", "recordingKey", list(pending or [])),
    ]


def _paused(redis_url: str) -> str:
    try:
        from discovery.clients.breakers import open_breakers

        open_now = open_breakers(APIS, redis_url=redis_url)
    except Exception:  # the view must not die because Redis blinked
        return ""
    return ", ".join(f"{api} ({seconds:.0f}s)" for api, seconds in sorted(open_now.items()))


@dataclass(frozen=True)
class Seeded:
    msg_id: int
    name: str | None = None
    spotify_id: str | None = None


def follow(
    database_url: str,
    redis_url: str,
    seeds: list[Seeded],
    out: TextIO = sys.stdout,
    poll_s: float = POLL_S,
    timeout_s: float | None = None,
) -> list[Snapshot]:
    """Watch until every seeded artist is done (or failed); returns the last snapshots."""
    started = time.monotonic()
    with psycopg.connect(database_url, autocommit=True) as conn:

        def take() -> list[Snapshot]:
            paused = _paused(redis_url)
            return [snapshot(conn, seed.msg_id, seed.name, seed.spotify_id, paused) for seed in seeds]

        def over(current: list[Snapshot]) -> bool:
            return all(item.finished for item in current) or _timed_out(started, timeout_s)

        current = take()
        if out.isatty():
            from rich.console import Console
            from rich.live import Live

            with Live(_render(current), console=Console(file=out), refresh_per_second=4) as live:
                while not over(current):
                    time.sleep(poll_s)
                    current = take()
                    live.update(_render(current))
            return current
        printed: dict[int, str] = {}
        while True:
            for seed, item in zip(seeds, current, strict=True):
                line = item.line()
                if printed.get(seed.msg_id) != line:
                    print(line, file=out, flush=True)
                    printed[seed.msg_id] = line
            if over(current):
                return current
            time.sleep(poll_s)
            current = take()


def _render(current: list[Snapshot]) -> Any:
    from rich.console import Group
    from rich.text import Text

    return Group(*(Text(item.line()) for item in current))


def _timed_out(started: float, timeout_s: float | None) -> bool:
    return timeout_s is not None and time.monotonic() - started > timeout_s
