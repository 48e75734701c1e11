"""Compare what `discovery report` says with a generated catalog's answer key (the soak and the
end-to-end tests use it): credits found, tracks reported, socials."""

from __future__ import annotations

from typing import Any

import psycopg

from discovery.catalog import report

Credit = tuple[str, str, str, str]  # (spotify track id, producer, role, source)


def expected_credits(truth: dict[str, Any], track_ids: set[str]) -> set[Credit]:
    return {
        (track_id, credit["producer"], credit["role"], credit["source"])
        for track_id, credits in truth["tracks"].items()
        if track_id in track_ids
        for credit in credits
    }


def found_credits(reports: list[dict[str, Any]]) -> set[Credit]:
    return {
        (credit["spotify_track_id"], producer["name"], credit["role"], credit["source"])
        for found in reports
        for producer in found["producers"]
        for credit in producer["credits"]
    }


def found_socials(reports: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {producer["name"]: producer["socials"] for found in reports for producer in found["producers"]}


def discoverable_tracks(catalog: dict[str, Any], artist_ids: set[str], groups: tuple[str, ...] = ("album", "single")) -> set[str]:
    """Track ids on the releases (of the given groups) that list one of the artists."""
    found: set[str] = set()
    for album in catalog.get("spotify", {}).get("albums", []):
        if album.get("album_type") in groups and artist_ids & {artist["id"] for artist in album["artists"]}:
            found.update(track["id"] for track in album["tracks"]["items"])
    return found


def reported_tracks(database_url: str, artist_ids: set[str]) -> set[str]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            # Through album_artists: a joint album's tracks are each of its artists'.
            "SELECT t.spotify_id FROM tracks t JOIN album_artists a ON a.album_spotify_id = t.album_spotify_id"
            " WHERE a.artist_spotify_id = ANY(%s)",
            (list(artist_ids),),
        ).fetchall()
    return {row[0] for row in rows}


def differences(database_url: str, catalog: dict[str, Any], truth: dict[str, Any]) -> list[str]:
    """What the reports of the answer key's artists get wrong; empty when they match it."""
    artist_ids = {artist["spotify_id"] for artist in truth["artists"]}
    problems: list[str] = []
    reports = []
    for artist_id in sorted(artist_ids):
        try:
            reports.append(report.build(database_url, artist_id))
        except report.ArtistNotKnown:
            problems.append(f"artist {artist_id} was never discovered")
    tracks = discoverable_tracks(catalog, artist_ids)
    reported = reported_tracks(database_url, artist_ids)
    if reported != tracks:
        problems.append(f"tracks: {len(tracks - reported)} missing, {len(reported - tracks)} unexpected")
    expected, found = expected_credits(truth, tracks), found_credits(reports)
    if found - expected:
        problems.append(f"{len(found - expected)} credit(s) that should not be there: {sorted(found - expected)[:3]}")
    if expected - found:
        problems.append(f"{len(expected - found)} credit(s) missing: {sorted(expected - found)[:3]}")
    socials = found_socials(reports)
    for name, producer in truth["producers"].items():
        if name in socials and socials[name] != producer["socials"]:
            problems.append(f"socials of {name}: {socials[name]} instead of {producer['socials']}")
    return problems
