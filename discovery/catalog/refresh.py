"""Refresh work: what is due and how it is queued.

A watched artist due a refresh gets an artist_discovery message by id with `refresh: true`: the
artist is asked again (one Spotify call), its releases are listed again page by page, and only
releases not yet known are fetched in full; their tracks flow through the pipeline as usual. A
recording due a check (catalog/history says when) gets a producer_identification message with
`refresh: true`, built from its first track. Refresh messages ask the APIs rather than the cache
and spend the day's refresh budget (clients/budget); every message a refresh message leads to
carries the flag on.

Every refresh message is sent to `refresh_queue(stage)`: the one place that says where refresh
work goes.
"""

from __future__ import annotations

from typing import Any, LiteralString

from psycopg import Connection

from discovery.pgmq import queues
from discovery.pgmq.sql import queries
from discovery.settings import QUEUES


def _q(name: str) -> LiteralString:
    return queries("refresh.sql")[name]


def refresh_queue(stage: str) -> str:
    """The PGMQ queue refresh work for `stage` goes to.

    Today the stage's own queue; with priority lanes (issue 21) this becomes
    `lane_queue(stage, "refresh")` (discovery/pgmq/lanes.py), the low-priority lane."""
    return stage


def busy_queues(conn: Connection) -> list[str]:
    """The stage queues holding work (waiting or in flight): refresh work is queued only when none
    does, so a refresh never stands in front of a seed."""
    found = queues.metrics(conn)
    return [queue for queue in QUEUES if queue in found and found[queue].length > 0]


def due_artists(conn: Connection, cadence_s: float, limit: int) -> list[str]:
    """Watched artists due a refresh (longest waiting first), at most `limit`."""
    return [str(row[0]) for row in conn.execute(_q("due_artists"), {"cadence_s": cadence_s, "limit": limit})]


def watched_artists(conn: Connection) -> list[str]:
    return [str(row[0]) for row in conn.execute(_q("all_watched"))]


def due_recordings(
    conn: Connection, limit: int, spotify_ids: list[str] | None = None, *, regardless: bool = False
) -> list[str]:
    """Identified recordings due a check (of watched artists, or of `spotify_ids`); with
    `regardless`, every identified recording of them whatever its age."""
    params = {"limit": limit, "spotify_ids": spotify_ids, "regardless": regardless}
    return [str(row[0]) for row in conn.execute(_q("due_recordings"), params)]


def queue_artist_refreshes(conn: Connection, spotify_ids: list[str]) -> int:
    """One refresh message per artist (in the caller's transaction); how many were sent."""
    if not spotify_ids:
        return 0
    messages = [{"artistId": spotify_id, "refresh": True, "watch": False} for spotify_id in spotify_ids]
    queues.send_batch(conn, refresh_queue("artist_discovery"), messages)
    conn.execute(_q("mark_refresh_queued"), {"spotify_ids": spotify_ids})
    return len(messages)


def recording_messages(conn: Connection, keys: list[str]) -> list[dict[str, Any]]:
    """The producer_identification refresh message of each recording (from its first track)."""
    return [
        {"recordingKey": key, "trackId": track_id, "trackName": track, "artistId": artist_id,
         "artistName": artist, "isrc": isrc, "refresh": True}
        for key, track_id, track, artist_id, artist, isrc in conn.execute(_q("recording_messages"), {"keys": keys})
    ]


def queue_recording_checks(conn: Connection, keys: list[str]) -> int:
    """One identification per recording (in the caller's transaction); how many were sent."""
    messages = recording_messages(conn, keys) if keys else []
    if not messages:
        return 0
    queues.send_batch(conn, refresh_queue("producer_identification"), messages)
    conn.execute(_q("mark_recheck_requested"), {"keys": [message["recordingKey"] for message in messages]})
    return len(messages)


def due_counts(conn: Connection, cadence_s: float) -> dict[str, int]:
    """For status: watched artists, artists due a refresh, recordings due a check, artists and
    recordings refreshed today (UTC)."""
    row = conn.execute(_q("refresh_due_counts"), {"cadence_s": cadence_s}).fetchone()
    keys = ("watched", "artists_due", "recordings_due", "artists_refreshed_today", "recordings_checked_today")
    return dict(zip(keys, (int(value) for value in row or (0, 0, 0, 0, 0)), strict=True))
