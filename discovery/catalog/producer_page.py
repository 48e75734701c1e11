"""A producer's own page across artists (`discovery producer`), and finding producers
(`discovery producers`): their ids and socials, every credit in the report's credit shape plus
the artists owning the track, the artists they worked with and their collaborators (other
producers credited on the same tracks), each with the number of tracks."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, LiteralString

import psycopg
from psycopg.rows import dict_row

from discovery.catalog import identity
from discovery.catalog.report import EVIDENCE_KEYS, ArtistNotKnown, credit_shape, evidence_cells
from discovery.catalog.roles import per_track
from discovery.escaping import csv_row, terminal
from discovery.pgmq.sql import queries

SOCIAL_KEYS = ("instagram", "twitter", "facebook", "instagram_followers", "instagram_verified")


def _q(name: str) -> LiteralString:
    return queries("producers.sql")[name]


def _dicts(conn: psycopg.Connection, query: LiteralString, params: dict[str, Any]) -> psycopg.Cursor[dict[str, Any]]:
    """`query`'s rows as dicts (a cursor of its own: `conn` keeps its tuple rows)."""
    return conn.cursor(row_factory=dict_row).execute(query, params)


class ProducerNotKnown(LookupError):
    pass


def find_producer(
    conn: psycopg.Connection, name: str | None = None, genius_id: int | None = None, musicbrainz_id: str | None = None
) -> int:
    """The producer's row id: by Genius id, MusicBrainz id, or an id, name or alias (any spelling)."""
    if name is not None:
        try:
            return identity.find_producer(conn, name)
        except identity.AmbiguousProducer as error:
            raise ProducerNotKnown(str(error)) from None
        except identity.ProducerNotFound:
            raise ProducerNotKnown(
                f"no producer with name {name!r} has been found yet (try `discovery producers --search`)"
            ) from None
    if genius_id is not None:
        row = conn.execute(_q("producer_by_genius_id"), {"genius_id": genius_id}).fetchone()
        wanted = f"Genius id {genius_id}"
    else:
        row = conn.execute(_q("producer_by_musicbrainz_id"), {"musicbrainz_id": musicbrainz_id}).fetchone()
        wanted = f"MusicBrainz id {musicbrainz_id}"
    if row is None:
        raise ProducerNotKnown(f"no producer with {wanted} has been found yet")
    return int(row[0])


def build(database_url: str, **which: Any) -> dict[str, Any]:
    """The page of one producer (find_producer's arguments)."""
    with psycopg.connect(database_url) as conn:
        producer_id = find_producer(conn, **which)
        names = identity.producer_aliases(conn, producer_id)
        evidence = identity.credit_evidence(conn, producer_id)
        found: Any = _dicts(conn, _q("producer"), {"producer_id": producer_id}).fetchone()
        socials: dict[str, Any] = dict.fromkeys(SOCIAL_KEYS)
        for row in _dicts(conn, _q("producer_socials"), {"producer_id": producer_id}):
            if row["platform"] in ("instagram", "twitter", "facebook"):  # as the report shows them
                socials[row["platform"]] = row["handle"]
            if row["platform"] == "instagram":
                socials["instagram_followers"], socials["instagram_verified"] = row["followers"], row["verified"]
        credits = []
        artists: dict[str, dict[str, Any]] = {}
        for row in _dicts(conn, _q("producer_credits"), {"producer_id": producer_id}):
            owners = list(zip(row.pop("artists"), row.pop("artist_spotify_ids"), strict=True))
            row.pop("album_spotify_id")
            found_evidence = evidence.get((row["spotify_track_id"], row["role"], row["source"]), {})
            credits.append({**credit_shape(row), **found_evidence, "artists": [name for name, _ in owners]})
            for name, spotify_id in owners:
                entry = artists.setdefault(spotify_id, {"name": name, "spotify_id": spotify_id, "tracks": set()})
                entry["tracks"].add(row["spotify_track_id"])
        collaborators = [
            {"id": row["collaborator_id"], "name": row["name"], "genius_id": row["genius_id"], "musicbrainz_id": row["musicbrainz_id"],
             "shared_tracks": int(row["shared_tracks"])}
            for row in _dicts(conn, _q("producer_collaborations"), {"producer_id": producer_id})
        ]
    worked_with = sorted(
        ({**entry, "tracks": len(entry["tracks"])} for entry in artists.values()),
        key=lambda entry: (-entry["tracks"], entry["name"]),
    )
    return {
        "producer": {**found, "socials": socials},
        "aliases": names["aliases"],
        "links": names["links"],
        "credits": credits,
        "artists": worked_with,
        "collaborators": collaborators,
    }


def as_json(page: dict[str, Any]) -> str:
    return json.dumps(page, indent=2, ensure_ascii=False)


CSV_COLUMNS = ("producer", "genius_id", "musicbrainz_id", "artists", "spotify_track_id", "track", "album",
               "role", "source", "confidence", *EVIDENCE_KEYS)


def as_csv(page: dict[str, Any]) -> str:
    """One row per credit, with its evidence as the report's CSV gives it; a joint album's artists
    joined with " & "."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    producer = page["producer"]
    for credit in page["credits"]:
        writer.writerow(csv_row([
            producer["name"], producer["genius_id"], producer["musicbrainz_id"], " & ".join(credit["artists"]),
            credit["spotify_track_id"], credit["track"], credit["album"], credit["role"], credit["source"],
            credit["confidence"], *evidence_cells(credit),
        ]))
    return out.getvalue()


def as_table(page: dict[str, Any]) -> Any:
    """Rich tables: the producer's tracks (one row per track, roles strongest first), the artists
    and the collaborators."""
    from rich.console import Group
    from rich.table import Table

    producer = page["producer"]
    socials = producer["socials"]
    handles = ", ".join(f"{key} @{socials[key]}" for key in ("instagram", "twitter", "facebook") if socials[key])
    tracks = Table(title=terminal(f"{producer['name']} — Genius {producer['genius_id'] or '—'}, MusicBrainz "
                                  f"{producer['musicbrainz_id'] or '—'}" + (f", {handles}" if handles else "")))
    for column in ("Artists", "Album", "Track", "Spotify track", "Roles", "Sources"):
        tracks.add_column(column)
    for entry in per_track(page["credits"]):
        tracks.add_row(*(terminal(cell) for cell in (
            " & ".join(entry["artists"]), entry["album"], entry["track"], entry["spotify_track_id"],
            ", ".join(entry["roles"]), ", ".join(entry["sources"]))))
    artists = Table(title="Artists")
    for column in ("Artist", "Spotify id", "Tracks"):
        artists.add_column(column)
    for artist in page["artists"]:
        artists.add_row(terminal(artist["name"]), terminal(artist["spotify_id"]), str(artist["tracks"]))
    collaborators = Table(title="Collaborators")
    for column in ("Producer", "Shared tracks"):
        collaborators.add_column(column)
    for other in page["collaborators"]:
        collaborators.add_row(terminal(other["name"]), str(other["shared_tracks"]))
    return Group(tracks, artists, collaborators)


def search(database_url: str, text: str, limit: int) -> list[dict[str, Any]]:
    """Producers whose normalised name contains the normalised text (search_producers)."""
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return list(conn.execute(_q("search_producers"), {"query": text, "max_rows": limit}))


def of_artist(database_url: str, artist: str) -> list[dict[str, Any]]:
    """One artist's producers, the most credited first."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute(queries("report.sql")["find_artist"], {"name": artist}).fetchone()
        if row is None:
            raise ArtistNotKnown(f"no artist named {artist!r} has been discovered yet")
        return list(_dicts(conn, _q("artist_producers"), {"spotify_id": row[0]}))
