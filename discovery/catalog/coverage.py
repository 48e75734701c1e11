"""`discovery coverage`: every track's outcome (catalog/outcomes.py), counted per outcome and per
source, with the uncredited tracks and why; as a table, JSON or CSV, and as one line for
`seed --follow`."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any, LiteralString

import psycopg

from discovery.catalog.cross_check import VERDICTS
from discovery.catalog.outcomes import CREDITED, OUTCOMES, candidates_text, reason_text
from discovery.catalog.report import ArtistNotKnown
from discovery.escaping import csv_row, terminal
from discovery.pgmq.sql import queries

SOURCES = ("genius", "musicbrainz")


def _q(name: str, filename: str = "coverage.sql") -> LiteralString:
    return queries(filename)[name]


def build(database_url: str, artist: str | None = None) -> dict[str, Any]:
    """Coverage of one artist (by name or Spotify id), or of every discovered track."""
    with psycopg.connect(database_url) as conn:
        found: dict[str, Any] | None = None
        spotify_id = None
        if artist is not None:
            row = conn.execute(_q("find_artist", "report.sql"), {"name": artist}).fetchone()
            if row is None:
                raise ArtistNotKnown(f"no artist named {artist!r} has been discovered yet")
            spotify_id, name = row
            found = {"name": name, "spotify_id": spotify_id}
        rows = conn.execute(_q("track_outcomes"), {"spotify_id": spotify_id}).fetchall()
    tracks = []
    for track_id, track, album, _, outcome, detail, verdict, verdict_detail, genius, musicbrainz in rows:
        tracks.append({
            "spotify_track_id": track_id, "track": track, "album": album, "outcome": outcome,
            "reason": reason_text(outcome, detail), "credits": {"genius": genius, "musicbrainz": musicbrainz},
            "detail": detail, "cross_check": verdict, "cross_check_detail": verdict_detail,
        })
    return summarise(found, tracks)


def summarise(artist: dict[str, Any] | None, tracks: list[dict[str, Any]]) -> dict[str, Any]:
    outcomes = Counter(track["outcome"] for track in tracks)
    verdicts = Counter(track["cross_check"] or "unchecked" for track in tracks)
    return {
        "artist": artist,
        "tracks_total": len(tracks),
        "outcomes": {name: outcomes.get(name, 0) for name in (*OUTCOMES, *sorted(set(outcomes) - set(OUTCOMES)))},
        "sources": {
            source: {
                "tracks": sum(1 for track in tracks if track["credits"][source]),
                "credits": sum(track["credits"][source] for track in tracks),
            }
            for source in SOURCES
        },
        "agreement": {name: verdicts.get(name, 0) for name in (*VERDICTS, "unchecked")},
        "uncredited": [track for track in tracks if track["outcome"] not in CREDITED],
        "tracks": tracks,
    }


def as_json(coverage: dict[str, Any]) -> str:
    return json.dumps(coverage, indent=2, ensure_ascii=False, default=str)


CSV_COLUMNS = ("spotify_track_id", "track", "album", "outcome", "reason", "genius_credits", "musicbrainz_credits",
               "candidate_title", "candidate_artist", "rejected_because", "cross_check", "candidate_pages")


def as_csv(coverage: dict[str, Any]) -> str:
    """One row per track (an ambiguous one with its equally likely pages in `candidate_pages`)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for track in coverage["tracks"]:
        candidate = track["detail"].get("candidate") or {}
        writer.writerow(csv_row([
            track["spotify_track_id"], track["track"], track["album"], track["outcome"], track["reason"],
            track["credits"]["genius"], track["credits"]["musicbrainz"], candidate.get("title"),
            candidate.get("artist"), track["detail"].get("rejected_because"), track["cross_check"],
            candidates_text(track["detail"]),
        ]))
    return out.getvalue()


def line(coverage: dict[str, Any]) -> str:
    """One line: the artist's tracks, how many each source credited, and the uncredited by reason."""
    outcomes = coverage["outcomes"]
    who = coverage["artist"]["name"] if coverage["artist"] else "all artists"
    missing = {name: count for name, count in outcomes.items() if name not in CREDITED and count}
    text = (
        f"coverage of {who}: {coverage['tracks_total']} tracks; credited by Genius "
        f"{outcomes['credited_by_genius']}, by MusicBrainz {outcomes['credited_by_musicbrainz']}; "
        f"uncredited {sum(missing.values())}"
    )
    if missing:
        text += " (" + ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in missing.items()) + ")"
    checked = {name: count for name, count in coverage["agreement"].items() if name != "unchecked" and count}
    if checked:
        text += "; cross-check: " + ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in checked.items())
    return text


def as_table(coverage: dict[str, Any]) -> Any:
    """Rich tables: the counts, then the uncredited tracks with their reason."""
    from rich.console import Group
    from rich.table import Table

    counts = Table(title=terminal(line(coverage)))
    for column in ("Outcome", "Tracks"):
        counts.add_column(column)
    for name, count in coverage["outcomes"].items():
        counts.add_row(name.replace("_", " "), str(count))
    for source, numbers in coverage["sources"].items():
        counts.add_row(f"credits by {source}", f"{numbers['credits']} on {numbers['tracks']} tracks")
    missing = Table(title="Uncredited tracks")
    for column in ("Track", "Album", "Why"):
        missing.add_column(column)
    for track in coverage["uncredited"]:
        missing.add_row(terminal(track["track"]), terminal(track["album"]), terminal(track["reason"]))
    return Group(counts, missing)


def totals(conn: psycopg.Connection) -> dict[str, Any]:
    """Counts over every artist, for the exporter."""
    return {
        "outcomes": dict(conn.execute(_q("outcome_totals")).fetchall()),
        "credits": {source: (credits, tracks) for source, credits, tracks in conn.execute(_q("credit_totals"))},
        "cross_check": dict(conn.execute(_q("cross_check_totals")).fetchall()),
    }
