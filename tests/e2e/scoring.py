"""Compare `discovery report` output with a generated catalog's answer key."""

from __future__ import annotations

from typing import Any

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


def discoverable_tracks(catalog: dict[str, Any], artist_ids: set[str], groups=("album", "single")) -> set[str]:
    """Track ids on the releases (of the given groups) that list one of the artists."""
    found = set()
    for album in catalog.get("spotify", {}).get("albums", []):
        if album.get("album_type") in groups and artist_ids & {artist["id"] for artist in album["artists"]}:
            found.update(track["id"] for track in album["tracks"]["items"])
    return found


def reported_tracks(database_url: str, artist_ids: set[str]) -> set[str]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT t.spotify_id FROM tracks t JOIN album_artists a ON a.album_spotify_id = t.album_spotify_id"
            " WHERE a.artist_spotify_id = ANY(%s)",
            (list(artist_ids),),
        ).fetchall()
    return {row[0] for row in rows}
