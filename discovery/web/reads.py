"""What each page shows, read through one of the reader role's connections: the search (the
producers' trigram search and the artists'), a producer's page one screen of artists at a time,
an artist's releases with each track's outcome, and the changes of the week. The catalog's own
readers (identity's aliases, coverage's outcome words) are reused; what is shaped for a screen
(pages, the first collaborators) is in sql/web.sql."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any, LiteralString

from psycopg import Connection
from psycopg.rows import dict_row

from discovery.catalog import identity
from discovery.catalog.graph import producer_graph
from discovery.catalog.outcomes import OUTCOMES, reason_text
from discovery.pgmq.sql import queries
from discovery.web.summaries import Summaries

SEARCH_ROWS = 20
# The longest text search_producers accepts (migration 0012).
SEARCH_MAX_CHARS = 200
ARTISTS_PER_PAGE = 10
CHANGES_SHOWN = 50
# An artist's producers listed with their share (the rest counted): a big catalog has hundreds.
PRODUCERS_SHOWN = 40
# A track's outcome (catalog/outcomes.py, as `discovery coverage` counts them) in a reader's words.
OUTCOME_WORDS = {
    "credited_by_genius": "credited",
    "credited_by_musicbrainz": "credited",
    "genius_without_production_credits": "no credit found",
    "musicbrainz_without_producers": "no credit found",
    "no_genius_match": "not matched",
    "no_isrc": "not matched",
    "not_attempted": "held",
}


class NotFound(LookupError):
    """What was asked for is not in the catalog; the message is the page's one sentence."""


class BadRequest(ValueError):
    """The address asks for something that cannot be answered; the message is the page's sentence."""


def _q(name: str, filename: str = "web.sql") -> LiteralString:
    return queries(filename)[name]


def _rows(conn: Connection[Any], name: str, params: dict[str, Any], filename: str = "web.sql") -> list[dict[str, Any]]:
    """The named query's rows as dicts (the connection itself hands tuples, as the catalog expects)."""
    return conn.cursor(row_factory=dict_row).execute(_q(name, filename), params).fetchall()


def _row(conn: Connection[Any], name: str, params: dict[str, Any], filename: str = "web.sql") -> dict[str, Any] | None:
    found = _rows(conn, name, params, filename)
    return found[0] if found else None


def search(conn: Connection[Any], text: str) -> dict[str, Any]:
    """Producers (search_producers: accents and case ignored, exact names first) and artists whose
    name contains the text."""
    text = text.strip()
    if len(text) > SEARCH_MAX_CHARS:
        raise BadRequest(f"A search can be at most {SEARCH_MAX_CHARS} characters long.")
    if not any(char.isalnum() for char in text):
        return {"query": text, "producers": [], "artists": []}
    params = {"query": text, "max_rows": SEARCH_ROWS}
    return {
        "query": text,
        "producers": _rows(conn, "search_producers", params, "producers.sql"),
        "artists": _rows(conn, "search_artists", params),
    }


def producer(conn: Connection[Any], producer_id: int, page: int, summaries: Summaries) -> dict[str, Any]:
    """One producer: names and aliases, socials with their source, one page of the artists they
    worked with (their credits grouped by release, each with its evidence), the first
    collaborators, and the collaboration graph of what the page shows."""
    if page < 1:
        raise BadRequest("Pages are numbered from 1.")
    found = _row(conn, "producer", {"producer_id": producer_id}, "producers.sql")
    if found is None:
        raise NotFound(f"There is no producer with id {producer_id}.")
    which = {"producer_id": producer_id}
    summary = summaries.of(conn, producer_id)
    artists = summary.artists[(page - 1) * ARTISTS_PER_PAGE:page * ARTISTS_PER_PAGE]
    if page > 1 and not artists:
        raise NotFound(f"{found['name']} has no page {page} of artists.")
    credits = _rows(
        conn, "producer_credits_of_artists", {**which, "artist_ids": [artist["spotify_id"] for artist in artists]}
    )
    return {
        "producer": found,
        "names": identity.producer_aliases(conn, producer_id),
        "totals": {"credits": summary.credits, "tracks": summary.tracks, "artists": len(summary.artists)},
        "socials": _rows(conn, "producer_socials_sourced", which),
        "artists": _with_releases(artists, credits),
        "page": page,
        "more": len(summary.artists) > page * ARTISTS_PER_PAGE,
        "collaborators": summary.collaborators,
        "graph": producer_graph(found, artists, summary.collaborators),
    }


def _with_releases(artists: list[dict[str, Any]], credits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each artist with their releases in order, each release with its credits."""
    releases: dict[str, dict[str, dict[str, Any]]] = {artist["spotify_id"]: {} for artist in artists}
    for credit in credits:
        release = releases[credit["artist_spotify_id"]].setdefault(
            credit["album_spotify_id"],
            {"album": credit["album"], "release_date": credit["release_date"], "credits": []},
        )
        release["credits"].append({**credit, "confidence": round(float(credit["confidence"]), 2)})
    return [{**artist, "releases": list(releases[artist["spotify_id"]].values())} for artist in artists]


def artist(conn: Connection[Any], spotify_id: str) -> dict[str, Any]:
    """One artist: releases and tracks with each track's outcome and producers, the outcomes
    counted, and the producers with their share of the tracks."""
    found = _row(conn, "artist_by_spotify_id", {"spotify_id": spotify_id})
    if found is None:
        raise NotFound(f"No artist with Spotify id {spotify_id} has been discovered yet.")
    tracks = _rows(conn, "artist_tracks", {"spotify_id": spotify_id})
    releases: dict[str, dict[str, Any]] = {}
    for track in tracks:
        release = releases.setdefault(
            track["album_spotify_id"],
            {"album": track["album"], "release_date": track["release_date"], "album_type": track["album_type"],
             "tracks": []},
        )
        release["tracks"].append({
            **track,
            "outcome_words": OUTCOME_WORDS.get(track["outcome"], track["outcome"].replace("_", " ")),
            "reason": reason_text(track["outcome"], track["detail"]),
        })
    counted = Counter(track["outcome"] for track in tracks)
    # Each producer's tracks, counted from the tracks' own producers (no second pass over the credits).
    names: dict[int, str] = {}
    tracks_of: Counter[int] = Counter()
    for track in tracks:
        for credited in track["producers"]:
            names[credited["id"]] = credited["name"]
            tracks_of[credited["id"]] += 1
    ranked = sorted(tracks_of.items(), key=lambda item: (-item[1], names[item[0]], item[0]))
    shown = ranked[:PRODUCERS_SHOWN]
    total = len(tracks)
    outcomes = {name: counted.get(name, 0) for name in (*OUTCOMES, *sorted(set(counted) - set(OUTCOMES)))}
    grouped: dict[str, list[tuple[str, int]]] = {}
    for name, number in outcomes.items():
        if number:
            grouped.setdefault(OUTCOME_WORDS.get(name, name.replace("_", " ")), []).append((name.replace("_", " "), number))
    return {
        "artist": found,
        "releases": list(releases.values()),
        "tracks_total": total,
        "outcomes": outcomes,
        # In a reader's words, each with the outcomes it sums: {"credited": [("credited by genius", 6), ...]}
        "outcome_groups": grouped,
        "producers": [{"id": pid, "name": names[pid], "tracks": count, "share": count / total if total else 0.0}
                      for pid, count in shown],
        "producers_total": len(ranked),
    }


def changes(conn: Connection[Any], since: datetime) -> list[dict[str, Any]] | None:
    """What changed since `since` (the freshness work's recent_changes), the latest first; None
    while this database has no recent_changes function."""
    known = conn.execute(_q("recent_changes_known")).fetchone()
    if not known or not known[0]:
        return None
    return _rows(conn, "recent_changes", {"since": since, "max_rows": CHANGES_SHOWN})
