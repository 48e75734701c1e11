"""The domain writes (upserts), each one named query in sql/store.sql.

Every function takes the caller's connection, so it joins the delivery's one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, LiteralString

from psycopg import Connection
from psycopg.types.json import Jsonb

from discovery.catalog import history, identity
from discovery.catalog.credits import Credit, confidence
from discovery.catalog.evidence import Evidence
from discovery.pgmq.sql import queries, query


def _q(name: str) -> LiteralString:
    return queries("store.sql")[name]


def _one(conn: Connection, name: str, params: dict[str, Any]) -> Any:
    row = conn.execute(_q(name), params).fetchone()
    return row[0] if row else None


def upsert_artist(conn: Connection, artist: Mapping[str, Any]) -> int:
    """An ArtistObject from Spotify, by its id."""
    row = conn.execute(
        query("upsert_artist"),
        {
            "spotify_id": artist["id"],
            "name": artist["name"],
            "popularity": artist.get("popularity"),
            "followers": (artist.get("followers") or {}).get("total"),
            "genres": list(artist.get("genres") or []),
        },
    ).fetchone()
    assert row is not None  # an upsert ... RETURNING always returns its row
    return int(row[0])


def ensure_artist(conn: Connection, spotify_id: str, name: str) -> None:
    """The artist by id and name, unless it is stored already (then left untouched)."""
    conn.execute(_q("ensure_artist"), {"spotify_id": spotify_id, "name": name})


@dataclass(frozen=True)
class StoredAlbum:
    created: bool  # new with this write
    first_artist: str  # the Spotify id of the artist it was first discovered for


def upsert_album(conn: Connection, album: Mapping[str, Any], artist_spotify_id: str, album_group: str | None) -> StoredAlbum:
    """An AlbumObject from Spotify, under the artist it was discovered for."""
    row = conn.execute(
        _q("upsert_album"),
        {
            "spotify_id": album["id"],
            "artist_spotify_id": artist_spotify_id,
            "name": album["name"],
            "album_type": album.get("album_type"),
            "album_group": album_group or album.get("album_group"),
            "release_date": album.get("release_date"),
            "release_date_precision": album.get("release_date_precision"),
            "total_tracks": album.get("total_tracks"),
            "label": album.get("label"),
            "upc": (album.get("external_ids") or {}).get("upc"),
        },
    ).fetchone()
    assert row is not None  # an upsert always returns its row
    return StoredAlbum(bool(row[0]), str(row[1]))


def known_albums(conn: Connection, spotify_ids: list[str]) -> set[str]:
    """Which of these albums are stored already."""
    if not spotify_ids:
        return set()
    return {str(row[0]) for row in conn.execute(_q("known_albums"), {"spotify_ids": spotify_ids})}


def link_album_artist(conn: Connection, album: Mapping[str, Any], artist_spotify_id: str) -> bool:
    """The artist owns the album (each artist of a joint album does); true when the link is new."""
    listed = [artist.get("id") for artist in album.get("artists") or []]
    position = listed.index(artist_spotify_id) + 1 if artist_spotify_id in listed else None
    params = {"album_spotify_id": album["id"], "artist_spotify_id": artist_spotify_id, "position": position}
    return bool(_one(conn, "link_album_artist", params))


def track_row(track: dict[str, Any], isrc: str | None, recording_key: str) -> dict[str, Any]:
    """A SimplifiedTrackObject as one row of `upsert_tracks`."""
    return {
        "spotify_id": track["id"],
        "name": track["name"],
        "isrc": isrc,
        "disc_number": track.get("disc_number"),
        "track_number": track.get("track_number"),
        "duration_ms": track.get("duration_ms"),
        "explicit": track.get("explicit"),
        "artist_names": [artist["name"] for artist in track.get("artists") or []],
        "recording_key": recording_key,
    }


def request_recordings(conn: Connection, recordings: dict[str, str | None]) -> set[str]:
    """Register a page's recordings ({key: isrc}) in one statement, locking their rows in key
    order; the keys that are new (so they need identifying)."""
    if not recordings:
        return set()
    rows = [{"recording_key": key, "isrc": isrc} for key, isrc in recordings.items()]
    found = conn.execute(_q("request_recordings"), {"recordings": Jsonb(rows)}).fetchall()
    return {str(key) for key, created in found if created}


def upsert_tracks(conn: Connection, album_spotify_id: str, rows: list[dict[str, Any]]) -> dict[str, int]:
    """A page of tracks (`track_row`s) in one statement; their row ids by Spotify id."""
    if not rows:
        return {}
    found = conn.execute(_q("upsert_tracks"), {"album_spotify_id": album_spotify_id, "tracks": Jsonb(rows)})
    return {str(spotify_id): int(track_id) for spotify_id, track_id in found.fetchall()}


def copy_recordings_credits(conn: Connection, track_ids: list[int]) -> None:
    """Give these tracks the credits their recordings already have (from other releases)."""
    if not track_ids:
        return
    # A merge moving these producers' credits meanwhile would miss the copies: share its lock.
    identity.share_lock(conn)
    conn.execute(_q("copy_recordings_credits"), {"track_ids": track_ids})


def upsert_producer(conn: Connection, credit: Credit) -> int:
    """One producer per real person: the same Genius or MusicBrainz id is always the same producer,
    and a new identity is linked by name or alias when the rules say so (`catalog.identity`)."""
    return identity.producer_for_credit(conn, credit)


def credit_recording(conn: Connection, recording_key: str, producer_id: int, credit: Credit) -> None:
    """The credit, on every track that carries the recording."""
    conn.execute(
        _q("credit_recording"),
        {
            "recording_key": recording_key,
            "producer_id": producer_id,
            "source": credit.source,
            "role": credit.role,
            "confidence": confidence(credit),
            **(credit.evidence or Evidence(credit.name)).as_params(),
        },
    )


def lock_recording(conn: Connection, recording_key: str) -> None:
    conn.execute(_q("lock_recording"), {"recording_key": recording_key})


def mark_recording_identified(conn: Connection, recording_key: str, genius_song_id: int | None, source: str | None) -> None:
    """Identified now (credited by `source`, or by nobody); when to identify it again follows
    catalog/history's rule."""
    conn.execute(
        _q("mark_recording_identified"),
        {"recording_key": recording_key, "genius_song_id": genius_song_id, "credit_source": source,
         **history.schedule_params()},
    )


def record_outcome(
    conn: Connection, recording_key: str, outcome: str, detail: dict[str, Any],
    cross_check: str | None = None, cross_check_detail: dict[str, Any] | None = None,
) -> None:
    """The recording's outcome (`catalog.outcomes`) and, when cross-checked, the sources' agreement."""
    conn.execute(
        _q("record_outcome"),
        {"recording_key": recording_key, "outcome": outcome, "detail": Jsonb(detail),
         "cross_check": cross_check, "cross_check_detail": Jsonb(cross_check_detail or {})},
    )


def request_enrichment(conn: Connection, producer_id: int, max_age_s: float) -> dict[str, Any] | None:
    """The social_enrichment message when the producer should be enriched now (and marks it asked
    for). It names the identities the producer has: a producer asked for again because it gained
    one (its MusicBrainz aliases are new) is asked for with a message of its own."""
    row = conn.execute(_q("request_enrichment"), {"producer_id": producer_id, "max_age_s": max_age_s}).fetchone()
    return {"producerId": int(row[0]), "producerName": str(row[1]), "identities": list(row[2])} if row else None


def producer_for_enrichment(conn: Connection, producer_id: int) -> tuple[int, str, int | None, str | None] | None:
    row = conn.execute(_q("producer_for_enrichment"), {"producer_id": producer_id}).fetchone()
    return (int(row[0]), str(row[1]), row[2], row[3]) if row else None


def upsert_social(conn: Connection, producer_id: int, platform: str, source: str, **fields: Any) -> None:
    """One platform's profile; a None handle records that none was found, and when. `evidence`
    (a dict) says what a profile not from the Genius artist's own fields rests on."""
    params: dict[str, Any] = dict.fromkeys(("handle", "url", "followers", "verified", "biography", "external_url"))
    params.update(fields)
    params["evidence"] = Jsonb(params["evidence"]) if params.get("evidence") is not None else None
    conn.execute(_q("upsert_social"), {"producer_id": producer_id, "platform": platform, "source": source, **params})


def mark_enriched(conn: Connection, producer_id: int, genius_url: str | None) -> None:
    conn.execute(_q("mark_enriched"), {"producer_id": producer_id, "genius_url": genius_url})


def artist_name(conn: Connection, spotify_id: str) -> str | None:
    name = _one(conn, "artist_name", {"spotify_id": spotify_id})
    return None if name is None else str(name)
