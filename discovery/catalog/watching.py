"""Watched artists: refreshed on the cadence (DISCOVERY_REFRESH_CADENCE_S, weekly by default).

Every seeded artist is watched once found (unless DISCOVERY_WATCH_SEEDED=false or the seed said
otherwise); `discovery watch add|remove|list` manages the rest. A refresh that lists an artist's
releases to the end marks it refreshed; the next refresh is due a cadence later.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, LiteralString

from psycopg import Connection

from discovery.pgmq.sql import queries

SEEDED = "seeded"
BY_HAND = "added by hand"


def _q(name: str) -> LiteralString:
    return queries("refresh.sql")[name]


def watch(conn: Connection, spotify_id: str, reason: str) -> bool:
    """Watch the (stored) artist; true when it was not watched yet."""
    return conn.execute(_q("watch"), {"spotify_id": spotify_id, "reason": reason}).fetchone() is not None


def unwatch(conn: Connection, spotify_id: str) -> bool:
    """Stop watching; true when it was watched."""
    return conn.execute(_q("unwatch"), {"spotify_id": spotify_id}).fetchone() is not None


def mark_refreshed(conn: Connection, spotify_id: str) -> None:
    """A refresh listed the artist's releases to the end (the album worker's last page)."""
    conn.execute(_q("mark_refreshed"), {"spotify_id": spotify_id})


def find_artist(conn: Connection, name_or_id: str) -> tuple[str, str] | None:
    """A discovered artist (spotify id, name) by name or Spotify id, as `discovery report` finds it."""
    row = conn.execute(queries("report.sql")["find_artist"], {"name": name_or_id}).fetchone()
    return (str(row[0]), str(row[1])) if row else None


def watched(conn: Connection, cadence_s: float) -> list[dict[str, Any]]:
    """Every watched artist: name, spotify_id, watched_since, reason, last_refresh, refresh_queued,
    next_refresh (datetimes, None for never)."""
    keys = ("name", "spotify_id", "watched_since", "reason", "last_refresh", "refresh_queued", "next_refresh")
    return [dict(zip(keys, row, strict=True)) for row in conn.execute(_q("watched"), {"cadence_s": cadence_s})]


def when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None
