"""What a discovery came to, in the user's words: which Spotify artist a name resolved to (and
its namesakes), "no such artist on Spotify", "no albums or singles". Each is a named query in
sql/outcomes.sql; every write takes the caller's connection, so it joins the delivery's
transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, LiteralString

from psycopg import Connection
from psycopg.types.json import Jsonb

from discovery.pgmq.sql import queries

FOUND, NOT_FOUND = "found", "not_found"


def _q(name: str) -> LiteralString:
    return queries("outcomes.sql")[name]


@dataclass(frozen=True)
class ArtistSearch:
    outcome: str  # found | not_found
    artist_spotify_id: str | None
    query: str
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    detail: str = ""


def alternative(artist: Mapping[str, Any]) -> dict[str, Any]:
    """What is kept of a namesake: id, name, and popularity only where Spotify gave it."""
    kept = {"id": artist.get("id"), "name": artist.get("name")}
    if artist.get("popularity") is not None:
        kept["popularity"] = artist["popularity"]
    return kept


def record_artist_search(conn: Connection, msg_id: int, search: ArtistSearch) -> None:
    conn.execute(
        _q("record_artist_search"),
        {
            "msg_id": msg_id,
            "query": search.query,
            "outcome": search.outcome,
            "artist_spotify_id": search.artist_spotify_id,
            "alternatives": Jsonb(search.alternatives),
            "detail": search.detail,
        },
    )


def record_releases_total(conn: Connection, spotify_id: str, total: int) -> None:
    conn.execute(_q("record_releases_total"), {"spotify_id": spotify_id, "total": total})


def artist_search(conn: Connection, msg_id: int) -> ArtistSearch | None:
    row = conn.execute(_q("artist_search"), {"msg_id": msg_id}).fetchone()
    if row is None:
        return None
    outcome, spotify_id, alternatives, detail, query = row
    return ArtistSearch(outcome, spotify_id, query, list(alternatives or []), detail)


def latest_alternatives(conn: Connection, spotify_id: str) -> tuple[str, list[dict[str, Any]]] | None:
    """(the name as typed, its namesakes) from the last search that chose this artist."""
    row = conn.execute(_q("latest_alternatives"), {"spotify_id": spotify_id}).fetchone()
    return (row[0], list(row[1])) if row else None


def latest_searches(conn: Connection) -> list[dict[str, Any]]:
    """Each artist discovered and each name not found, by its latest search, newest first."""
    columns = ("msg_id", "query", "outcome", "artist_spotify_id", "namesakes", "searched_at")
    return [dict(zip(columns, row, strict=True)) for row in conn.execute(_q("latest_searches"))]


def not_found(conn: Connection, name: str) -> str | None:
    """Why the latest search for `name` found no Spotify artist, if that is what it came to."""
    row = conn.execute(_q("not_found_search"), {"name": name}).fetchone()
    return str(row[0]) if row else None
