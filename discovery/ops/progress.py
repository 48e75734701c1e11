"""`discovery seed NAME --follow`: watch one artist's discovery until nothing for it is left in
any queue, then print its report. A live rich display on a terminal; plain lines otherwise.

Each line says how long it has been, the counts per stage (they only move forward: each look is
one consistent snapshot of the database, and a count never shows less than it showed before),
and why something waits: an API held (rate-limit hold, breaker open, quota spent, for N s), or
messages that failed an attempt and are "retried" at a given time. "failed" counts only what was
given up on (dead letters).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, LiteralString, TextIO

import psycopg
from psycopg import IsolationLevel

from discovery.catalog import artist_outcomes
from discovery.escaping import without_controls
from discovery.pgmq import lanes, queues, records
from discovery.pgmq.sql import queries
from discovery.settings import APIS
from discovery.settings import QUEUES as STAGES

POLL_S = 1.0
SEED_QUEUE = "artist_discovery"
FINISHED = ("done", "not found", "failed")
# Stages in the order a discovery goes through them; what is shown never goes back.
STAGE_ORDER = ("waiting", "resolving", "discovering", *FINISHED)
HOLD_WORDS = {"rate": "rate-limit hold", "breaker": "breaker open", "quota": "quota spent"}
COUNTS = ("albums", "tracks", "recordings_done", "recordings_known", "producers_enriched", "producers_known", "failed")


def _q(name: str) -> LiteralString:
    return queries("progress.sql")[name]


@dataclass
class Snapshot:
    stage: str  # waiting | resolving | discovering | done | not found | failed
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
    retried: int = 0
    next_retry: datetime | None = None
    no_releases: bool = False
    elapsed_s: float = 0.0
    ahead: int = 0  # interactive messages, at any stage, sent before this seed and not done yet

    @property
    def finished(self) -> bool:
        return self.stage in FINISHED

    def line(self) -> str:
        head = f"{self.artist}: {self.stage} ({_duration(self.elapsed_s)})"
        if not self.spotify_id:
            text = head + (f": {self.reason}" if self.reason else "")
        else:
            text = (
                f"{head}; albums {self.albums}, tracks {self.tracks}, "
                f"producer lookups {self.recordings_done}/{self.recordings_known}, "
                f"social lookups {self.producers_enriched}/{self.producers_known}, "
                f"waiting {self.waiting}, retried {self.retried}, failed {self.failed}"
            )
            if self.no_releases:
                text += "; this artist has no albums or singles on Spotify"
        if self.retried and self.next_retry is not None:
            text += f"; next retry at {self.next_retry.astimezone():%H:%M:%S}"
            text += f" ({self.reason})" if self.reason and self.spotify_id else ""
        if self.ahead and not self.finished:
            text += f"; {self.ahead} interactive message{'s' if self.ahead != 1 else ''} ahead"
        return text + (f"; waiting on {self.paused}" if self.paused else "")


def snapshot(
    conn: psycopg.Connection,
    msg_id: int,
    name: str | None,
    spotify_id: str | None,
    paused: str = "",
    seed_queue: str = SEED_QUEUE,
) -> Snapshot:
    """One look at a seeded artist (its message `msg_id` of `seed_queue`, the artist stage's lane
    it was seeded in); run it inside one transaction for a consistent view."""
    label = name or spotify_id or "?"
    dead_reason = queues.dead_reason(conn, seed_queue, msg_id)
    if dead_reason:
        return Snapshot("failed", label, reason=dead_reason, paused=paused)
    if queues.queued(conn, seed_queue, msg_id):
        retry = queues.message_retry(conn, seed_queue, msg_id)
        if retry is None:
            return Snapshot("waiting", label, paused=paused)
        issue = records.last_issue(conn, seed_queue, msg_id)
        reason = f"{issue[0]}: {issue[1]}" if issue else ""
        return Snapshot("waiting", label, paused=paused, retried=1, next_retry=retry[1], reason=reason)
    search = artist_outcomes.artist_search(conn, msg_id)
    if search is not None and search.outcome == artist_outcomes.NOT_FOUND:
        return Snapshot("not found", label, reason=search.detail)
    if search is not None:
        found_id = search.artist_spotify_id
        row = conn.execute(_q("artist_by_id"), {"spotify_id": found_id}).fetchone()
    else:  # a message archived before outcomes were recorded
        row = conn.execute(_q("seed_artist"), {"spotify_id": spotify_id, "name": name}).fetchone()
    if row is None:
        return Snapshot("resolving", label, paused=paused)
    found_id, found_name, releases_total = row
    counts: Any = conn.execute(_q("artist_progress"), {"id": found_id}).fetchone()
    (albums, tracks, rec_done, rec_known, enriched, known, producer_ids, album_ids, pending) = counts
    # Its work in any lane: a piece another artist's backfill queued first and still holds counts.
    work = [
        (queue, key, values)
        for stage, key, values in [
            *_work_keys(found_id, album_ids, pending), ("social_enrichment", "producerId", producer_ids or [])
        ]
        for queue in lanes.lane_queues(stage)
    ]
    waiting = sum(queues.count_waiting(conn, queue, key, values) for queue, key, values in work)
    failed = sum(queues.count_dead(conn, queue, key, values) for queue, key, values in work
                 if key != "producerId")
    retrying = [queues.count_retrying(conn, queue, key, values) for queue, key, values in work]
    due = [when for count, when in retrying if count and when is not None]
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
        retried=sum(count for count, _ in retrying),
        next_retry=min(due) if due else None,
        no_releases=releases_total == 0,
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


def paused_apis(redis_url: str) -> str:
    """The APIs held right now and for how long, in words ("" when none, or when Redis cannot say)."""
    try:
        from discovery.clients.breakers import read_hold
        from discovery.clients.redis_pool import shared_redis

        client = shared_redis(redis_url)
        holds = {api: read_hold(client, api) for api in APIS}
    except Exception:  # the view must not die because Redis blinked
        return ""
    return ", ".join(
        f"{api} ({HOLD_WORDS.get(hold.kind, hold.kind)} for {hold.remaining_s:.0f}s)"
        for api, hold in sorted(holds.items())
        if hold is not None and hold.remaining_s > 0
    )


@dataclass(frozen=True)
class Seeded:
    msg_id: int
    name: str | None = None
    spotify_id: str | None = None
    queue: str = SEED_QUEUE  # the artist stage's lane queue it was seeded in


def interactive_ahead(conn: psycopg.Connection, since: datetime) -> int:
    """Interactive messages of every stage sent before `since` and not done yet: the work a
    person's seed of then waits behind (bulk and refresh work never comes first)."""
    return sum(queues.count_before(conn, stage, since) for stage in STAGES)


def forward_only(previous: Snapshot | None, current: Snapshot) -> Snapshot:
    """`current`, with no count below what `previous` showed and no stage before it."""
    if previous is None:
        return current
    kept = {name: max(getattr(previous, name), getattr(current, name)) for name in COUNTS}
    if STAGE_ORDER.index(current.stage) < STAGE_ORDER.index(previous.stage):
        kept["stage"] = previous.stage
    return replace(current, **kept)


def follow(
    database_url: str,
    redis_url: str,
    seeds: list[Seeded],
    out: TextIO = sys.stdout,
    poll_s: float = POLL_S,
    timeout_s: float | None = None,
) -> list[Snapshot]:
    """Watch until every seeded artist is done (or not found, or failed); returns the last snapshots."""
    started = time.monotonic()
    shown: dict[int, Snapshot] = {}
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ

        # Work sent before a seed is ahead of it (the seed itself is read by then, if not found).
        row = conn.execute("SELECT now()").fetchone()
        assert row is not None
        now = row[0]
        sent_at = {seed.msg_id: queues.enqueued_at(conn, seed.queue, seed.msg_id) or now for seed in seeds}

        def take() -> list[Snapshot]:
            paused = paused_apis(redis_url)
            elapsed = time.monotonic() - started
            with conn.transaction():
                looks = [snapshot(conn, seed.msg_id, seed.name, seed.spotify_id, paused, seed.queue) for seed in seeds]
                ahead = [
                    interactive_ahead(conn, sent_at[seed.msg_id]) if seed.queue == SEED_QUEUE and not look.finished else 0
                    for seed, look in zip(seeds, looks, strict=True)
                ]
            for seed, look, before in zip(seeds, looks, ahead, strict=True):
                look = replace(look, elapsed_s=elapsed, ahead=before)
                shown[seed.msg_id] = forward_only(shown.get(seed.msg_id), look)
            return [shown[seed.msg_id] for seed in seeds]

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
                line = without_controls(item.line())  # names from outside, to a terminal or a pipe
                # The elapsed time alone changing is not news on a pipe.
                key = line.replace(f"({_duration(item.elapsed_s)})", "")
                if printed.get(seed.msg_id) != key:
                    print(line, file=out, flush=True)
                    printed[seed.msg_id] = key
            if over(current):
                return current
            time.sleep(poll_s)
            current = take()


def _render(current: list[Snapshot]) -> Any:
    from rich.console import Group
    from rich.text import Text

    return Group(*(Text(without_controls(item.line())) for item in current))


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def _timed_out(started: float, timeout_s: float | None) -> bool:
    return timeout_s is not None and time.monotonic() - started > timeout_s

