"""Spotify's Development Mode (March 2026) no longer gives some fields; the sandbox's development
mode leaves out exactly those, and its extended mode still gives them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fixtures_sandbox import spotify_session
from tests.sandbox.catalogs import small_catalog

REMOVED = {
    "artist": {"popularity", "followers"},
    "album": {"popularity", "album_group"},
    "track": {"popularity", "linked_from"},
}


def catalog_with_relinked_track() -> dict[str, Any]:
    catalog = small_catalog()
    first = catalog["spotify"]["albums"][0]["tracks"]["items"][0]
    first["linked_from"] = {"id": "original", "type": "track", "uri": "spotify:track:original"}
    return catalog


def objects(body: Any, nested: bool = False) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every Spotify object in an answer, with whether it sits inside another (simplified)."""
    if isinstance(body, list):
        for item in body:
            yield from objects(item, True)
    elif isinstance(body, dict):
        if body.get("type") in REMOVED:
            yield body, nested
        for value in body.values():
            yield from objects(value, True)


def everything_a_discovery_reads(server, mode: str) -> list[tuple[dict[str, Any], bool]]:
    session = spotify_session(server, mode)
    album_id, track_id = "long", "longt1"
    paths = [
        "search?q=Nova&type=artist",
        "artists/nova",
        "artists/nova/albums?include_groups=album,single",
        f"albums/{album_id}",
        f"albums/{album_id}/tracks",
        f"tracks/{track_id}",
    ]
    found = []
    for path in paths:
        answer = session.get(f"{server.url}/spotify/v1/{path}", timeout=5)
        assert answer.status_code == 200, (path, answer.text)
        found += list(objects(answer.json()))
    return found


@pytest.fixture
def server(sandbox_factory):
    return sandbox_factory(catalog_with_relinked_track())


def test_development_mode_answers_without_the_fields_spotify_removed(server):
    # When a discovery's every Spotify call is made in development mode
    found = everything_a_discovery_reads(server, "development")

    # Then no artist, album or track carries a removed field, nor available_markets when simplified
    assert {kind for kind in REMOVED} == {obj["type"] for obj, _ in found}
    for obj, nested in found:
        assert not REMOVED[obj["type"]] & obj.keys(), obj
        if nested and obj["type"] in {"album", "track"}:
            assert "available_markets" not in obj, obj
    # and what was restored (external_ids, where the ISRC is) is still there
    tracks = [obj for obj, nested in found if obj["type"] == "track" and not nested]
    assert tracks and all("external_ids" in track for track in tracks)


def test_extended_mode_still_gives_every_one_of_those_fields(server):
    found = everything_a_discovery_reads(server, "extended")

    for kind, fields in REMOVED.items():
        for field in fields:
            assert any(field in obj for obj, _ in found if obj["type"] == kind), (kind, field)
    assert any("available_markets" in obj for obj, nested in found if nested and obj["type"] == "album")
    assert any("available_markets" in obj for obj, nested in found if nested and obj["type"] == "track")


def without_removed(body: Any, nested: bool = False) -> Any:
    """The extended answer as Development Mode should give it: the removed fields taken out, and
    nothing else changed (written from the list above, not from the sandbox's own code)."""
    if isinstance(body, list):
        return [without_removed(item, True) for item in body]
    if not isinstance(body, dict):
        return body
    removed = set(REMOVED.get(body.get("type"), set()))
    if nested and body.get("type") in {"album", "track"}:
        removed.add("available_markets")
    return {key: without_removed(value, True) for key, value in body.items() if key not in removed}


@pytest.mark.parametrize("path", [
    "search?q=Nova&type=artist&limit=10",
    "artists/nova",
    "artists/nova/albums?include_groups=album,single&limit=10",
    "albums/long",
    "albums/long/tracks?limit=10",
    "tracks/longt1",
])
def test_development_mode_takes_out_exactly_those_fields_and_nothing_else(server, path):
    extended = spotify_session(server, "extended").get(f"{server.url}/spotify/v1/{path}", timeout=5).json()
    development = spotify_session(server, "development").get(f"{server.url}/spotify/v1/{path}", timeout=5).json()

    assert development == without_removed(extended)
    # A full album or track (the endpoint's own object) keeps its available_markets.
    if path in ("albums/long", "tracks/longt1"):
        assert "available_markets" in development
