"""`discovery report`: what is known about an artist's producers, as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from typing import Any, LiteralString

import psycopg

from discovery.catalog import artist_outcomes
from discovery.catalog.roles import strongest_first
from discovery.escaping import csv_row, terminal, without_controls
from discovery.pgmq.sql import queries


def _q(name: str) -> LiteralString:
    return queries("report.sql")[name]


# What each credit rests on (catalog/evidence.py), after the credit's own keys.
EVIDENCE_KEYS = ("genius_song_id", "genius_song_url", "genius_section", "musicbrainz_recording_id",
                 "musicbrainz_relation_type", "musicbrainz_attributes", "isrc", "credited_as",
                 "musicbrainz_release_id", "musicbrainz_release_title")


class ArtistNotKnown(LookupError):
    pass


def build(database_url: str, artist: str) -> dict[str, Any]:
    """The report for one artist (by name or Spotify id), in the documented JSON shape."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute(_q("find_artist"), {"name": artist}).fetchone()
        if row is None:
            why = artist_outcomes.not_found(conn, artist)
            raise ArtistNotKnown(f"not found on Spotify: {why}" if why else f"no artist named {artist!r} has been discovered yet")
        spotify_id, name = row
        counts = conn.execute(_q("artist_counts"), {"spotify_id": spotify_id}).fetchone()
        assert counts is not None  # counts: one row, even of zeros
        albums, tracks = counts
        producers: dict[int, dict[str, Any]] = {}
        for pid, pname, genius_id, mb_id, track_id, track, album, role, source, conf, *evidence in conn.execute(
            _q("artist_credits"), {"spotify_id": spotify_id}
        ):
            producer = producers.setdefault(
                pid,
                {
                    "name": pname,
                    "genius_id": genius_id,
                    "musicbrainz_id": mb_id,
                    "credits": [],
                    "socials": dict.fromkeys(
                        ("instagram", "twitter", "facebook", "instagram_followers", "instagram_verified")
                    ),
                },
            )
            producer["credits"].append(
                credit_shape({"spotify_track_id": track_id, "track": track, "album": album, "role": role,
                              "source": source, "confidence": conf,
                              **dict(zip(EVIDENCE_KEYS, evidence, strict=True))})
            )
        for pid, platform, handle, followers, verified in conn.execute(
            _q("producer_socials"), {"producer_ids": list(producers)}
        ):
            socials = producers[pid]["socials"]
            if platform in ("instagram", "twitter", "facebook"):
                socials[platform] = handle
            if platform == "instagram":
                socials["instagram_followers"] = followers
                socials["instagram_verified"] = verified
        for pid, genius_url, recordings, songs in conn.execute(_q("producer_summaries"), {"spotify_id": spotify_id}):
            producers[pid].update(genius_url=genius_url, recordings=int(recordings), songs=sorted(songs))
        namesakes = artist_outcomes.latest_alternatives(conn, spotify_id)
        releases = conn.execute("SELECT releases_total FROM artists WHERE spotify_id = %s", (spotify_id,)).fetchone()
        assert releases is not None  # the artist was found above, in this transaction
        releases_total = releases[0]
    return {
        "artist": {"name": name, "spotify_id": spotify_id},
        "albums": int(albums),
        "tracks": int(tracks),
        "no_albums_or_singles": releases_total == 0,
        # Other Spotify artists with the same name when this one was chosen: [{"id", "name", ...}]
        "alternatives": namesakes[1] if namesakes else [],
        "producers": list(producers.values()),
    }


def credit_shape(row: Mapping[str, Any]) -> dict[str, Any]:
    """One credit as the report shows it (also on a producer's page): every field of the row,
    confidence rounded."""
    return {**row, "confidence": round(float(row["confidence"]), 3)}


def _roles(producer: dict[str, Any]) -> str:
    return ", ".join(strongest_first(credit["role"] for credit in producer["credits"]))


def as_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False)


CSV_COLUMNS = ("artist", "producer", "genius_id", "musicbrainz_id", "spotify_track_id", "track", "album",
               "role", "source", "confidence", "instagram", "instagram_followers", "twitter", "facebook",
               *EVIDENCE_KEYS)


def as_csv(report: dict[str, Any]) -> str:
    """One row per credit."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for producer in report["producers"]:
        socials = producer["socials"]
        for credit in producer["credits"]:
            writer.writerow(csv_row([
                report["artist"]["name"], producer["name"], producer["genius_id"], producer["musicbrainz_id"],
                credit["spotify_track_id"], credit["track"], credit["album"], credit["role"], credit["source"],
                credit["confidence"], socials["instagram"], socials["instagram_followers"], socials["twitter"],
                socials["facebook"], *evidence_cells(credit),
            ]))
    return out.getvalue()


def evidence_cells(credit: Mapping[str, Any]) -> list[Any]:
    """A credit's evidence as CSV cells, in EVIDENCE_KEYS order (relation attributes joined with ";")."""
    return [";".join(value) if isinstance(value, list) else value for value in (credit.get(key) for key in EVIDENCE_KEYS)]


def evidence_short(credits: list[dict[str, Any]]) -> str:
    """The evidence in a few characters: how many Genius songs and MusicBrainz recordings."""
    songs = {credit["genius_song_id"] for credit in credits if credit.get("genius_song_id")}
    recordings = {credit["musicbrainz_recording_id"] for credit in credits if credit.get("musicbrainz_recording_id")}
    parts = [f"{len(songs)} Genius song{'s' * (len(songs) != 1)}"] if songs else []
    if recordings:
        parts.append(f"{len(recordings)} MB recording{'s' * (len(recordings) != 1)}")
    return ", ".join(parts) or "—"


SONGS_SHOWN = 3
# An Instagram handle that may become a link: letters, digits, dots and underscores.
HANDLE = re.compile(r"[A-Za-z0-9._]{1,30}")


def as_table(report: dict[str, Any]) -> Any:
    """A rich Table: one row per producer, with their songs (capped), how many recordings they
    are credited on (not releases: an album track and its single are one), and links."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    artist = report["artist"]
    table = Table(
        title=f"{terminal(artist['name'])} — {report['albums']} albums, {report['tracks']} tracks, "
        f"{len(report['producers'])} producers"
    )
    # Names, roles and handles are never broken across lines; songs and links may wrap.
    for column, no_wrap in (("Producer", True), ("Roles", True), ("Songs", False), ("Recordings", True),
                            ("Sources", False), ("Evidence", False), ("Instagram", True), ("Genius", False),
                            ("Twitter, Facebook", False)):
        table.add_column(column, no_wrap=no_wrap, overflow="fold")
    for producer in report["producers"]:
        socials = producer["socials"]
        songs = producer.get("songs") or sorted({credit["track"] for credit in producer["credits"]})
        shown = ", ".join(songs[:SONGS_SHOWN]) + (f" +{len(songs) - SONGS_SHOWN} more" if len(songs) > SONGS_SHOWN else "")
        instagram = socials["instagram"]
        link = f"link https://www.instagram.com/{instagram}/" if instagram and HANDLE.fullmatch(instagram) else ""
        table.add_row(
            *(terminal(cell) for cell in (
                producer["name"],
                _roles(producer),
                shown,
                str(producer.get("recordings", len(producer["credits"]))),
                ", ".join(sorted({credit["source"] for credit in producer["credits"]})),
                evidence_short(producer["credits"]),
            )),
            Text(without_controls(f"@{instagram}"), style=link) if instagram else "—",
            terminal(producer.get("genius_url") or "—"),
            terminal(", ".join(_elsewhere(socials)) or "—"),
        )
    notes = []
    if report.get("no_albums_or_singles"):
        notes.append(Text("This artist has no albums or singles on Spotify."))
    if report.get("alternatives"):
        others = ", ".join(f"{item['name']} ({item['id']})" for item in report["alternatives"])
        notes.append(Text(without_controls(f"Other Spotify artists with this name: {others}")))
    return Group(table, *notes) if notes else table


def _elsewhere(socials: dict[str, Any]) -> list[str]:
    found = []
    if socials.get("twitter"):
        found.append(f"@{socials['twitter']}")
    if socials.get("facebook"):
        found.append(f"facebook.com/{socials['facebook']}")
    return found
