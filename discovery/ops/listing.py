"""`discovery artists`: everything discovered so far, one row per artist (and per name Spotify did
not know), with its counts and where its discovery stands."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import IsolationLevel

from discovery.catalog import artist_outcomes
from discovery.escaping import terminal
from discovery.ops import progress


def collect(database_url: str) -> list[dict[str, Any]]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        with conn.transaction():
            rows = []
            for search in artist_outcomes.latest_searches(conn):
                look = progress.snapshot(conn, search["msg_id"], search["query"], None)
                state = look.stage
                if look.no_releases:
                    state = "no albums or singles"
                rows.append({
                    "artist": look.artist,
                    "searched_as": search["query"],
                    "spotify_id": search["artist_spotify_id"],
                    "state": state,
                    "albums": look.albums,
                    "tracks": look.tracks,
                    "producers": look.producers_known,
                    "waiting": look.waiting,
                    "failed": look.failed,
                    "namesakes": search["namesakes"],
                    "searched_at": search["searched_at"],
                })
    return rows


def as_table(rows: list[dict[str, Any]]) -> Any:
    from rich.table import Table

    table = Table(title=f"{len(rows)} artists discovered")
    for column in ("Artist", "Searched as", "State", "Albums", "Tracks", "Producers", "Namesakes", "Searched"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            terminal(row["artist"]),
            terminal(row["searched_as"]) if row["searched_as"] != row["artist"] else "",
            row["state"] + (f" ({row['waiting']} waiting)" if row["waiting"] else "")
            + (f", {row['failed']} failed" if row["failed"] else ""),
            str(row["albums"]),
            str(row["tracks"]),
            str(row["producers"]),
            str(row["namesakes"] or ""),
            f"{row['searched_at']:%Y-%m-%d %H:%M}",
        )
    return table
