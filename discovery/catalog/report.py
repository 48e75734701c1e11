"""`discovery report`: what is known about an artist's producers, as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, LiteralString, cast

import psycopg

from discovery.catalog import outcomes
from discovery.pgmq.sql import queries


def _q(name: str) -> LiteralString:
    return cast(LiteralString, queries("report.sql")[name])


class ArtistNotKnown(LookupError):
    pass


def build(database_url: str, artist: str) -> dict[str, Any]:
    """The report for one artist (by name or Spotify id), in the documented JSON shape."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute(_q("find_artist"), {"name": artist}).fetchone()
        if row is None:
            why = outcomes.not_found(conn, artist)
            raise ArtistNotKnown(f"not found on Spotify: {why}" if why else f"no artist named {artist!r} has been discovered yet")
        spotify_id, name = row
        albums, tracks = conn.execute(_q("artist_counts"), {"spotify_id": spotify_id}).fetchone()  # type: ignore[misc]
        producers: dict[int, dict[str, Any]] = {}
        for pid, pname, genius_id, mb_id, track_id, track, album, role, source, conf in conn.execute(
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
                {"spotify_track_id": track_id, "track": track, "album": album, "role": role, "source": source,
                 "confidence": round(conf, 3)}
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
        namesakes = outcomes.latest_alternatives(conn, spotify_id)
        releases_total = conn.execute(
            "SELECT releases_total FROM artists WHERE spotify_id = %s", (spotify_id,)
        ).fetchone()[0]  # type: ignore[index]
    return {
        "artist": {"name": name, "spotify_id": spotify_id},
        "albums": int(albums),
        "tracks": int(tracks),
        "no_albums_or_singles": releases_total == 0,
        # Other Spotify artists with the same name when this one was chosen: [{"id", "name", ...}]
        "alternatives": namesakes[1] if namesakes else [],
        "producers": list(producers.values()),
    }


def _roles(producer: dict[str, Any]) -> str:
    return ", ".join(sorted({credit["role"] for credit in producer["credits"]}))


def as_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False)


CSV_COLUMNS = ("artist", "producer", "genius_id", "musicbrainz_id", "spotify_track_id", "track", "album",
               "role", "source", "confidence", "instagram", "instagram_followers", "twitter", "facebook")


def as_csv(report: dict[str, Any]) -> str:
    """One row per credit."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for producer in report["producers"]:
        socials = producer["socials"]
        for credit in producer["credits"]:
            writer.writerow([
                report["artist"]["name"], producer["name"], producer["genius_id"], producer["musicbrainz_id"],
                credit["spotify_track_id"], credit["track"], credit["album"], credit["role"], credit["source"],
                credit["confidence"], socials["instagram"], socials["instagram_followers"], socials["twitter"],
                socials["facebook"],
            ])
    return out.getvalue()


SONGS_SHOWN = 3


def as_table(report: dict[str, Any]) -> Any:
    """A rich Table: one row per producer, with their songs (capped), how many recordings they
    are credited on (not releases: an album track and its single are one), and links."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    artist = report["artist"]
    table = Table(
        title=f"{artist['name']} — {report['albums']} albums, {report['tracks']} tracks, "
        f"{len(report['producers'])} producers"
    )
    # Names, roles and handles are never broken across lines; songs and links may wrap.
    for column, no_wrap in (("Producer", True), ("Roles", True), ("Songs", False), ("Recordings", True),
                            ("Sources", False), ("Instagram", True), ("Genius", False), ("Twitter, Facebook", False)):
        table.add_column(column, no_wrap=no_wrap, overflow="fold")
    for producer in report["producers"]:
        socials = producer["socials"]
        songs = producer.get("songs") or sorted({credit["track"] for credit in producer["credits"]})
        shown = ", ".join(songs[:SONGS_SHOWN]) + (f" +{len(songs) - SONGS_SHOWN} more" if len(songs) > SONGS_SHOWN else "")
        instagram = socials["instagram"]
        table.add_row(
            producer["name"],
            _roles(producer),
            shown,
            str(producer.get("recordings", len(producer["credits"]))),
            ", ".join(sorted({credit["source"] for credit in producer["credits"]})),
            Text(f"@{instagram}", style=f"link https://www.instagram.com/{instagram}/") if instagram else "—",
            producer.get("genius_url") or "—",
            ", ".join(_elsewhere(socials)) or "—",
        )
    notes = []
    if report.get("no_albums_or_singles"):
        notes.append(Text("This artist has no albums or singles on Spotify."))
    if report.get("alternatives"):
        others = ", ".join(f"{item['name']} ({item['id']})" for item in report["alternatives"])
        notes.append(Text(f"Other Spotify artists with this name: {others}"))
    return Group(table, *notes) if notes else table


def _elsewhere(socials: dict[str, Any]) -> list[str]:
    found = []
    if socials.get("twitter"):
        found.append(f"@{socials['twitter']}")
    if socials.get("facebook"):
        found.append(f"facebook.com/{socials['facebook']}")
    return found
