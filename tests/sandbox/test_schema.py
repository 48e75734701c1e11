"""Every Spotify response the sandbox serves validates against the schema of its path in
Spotify's published OpenAPI spec (sonallux's fixed copy, May 2026), for the demo catalog, a
generated catalog, the tests' small catalog and a catalog of recorded real responses."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from jsonschema import Draft7Validator

from discovery.sandbox.generator import generate_catalog
from tests.fixtures_sandbox import reference_dir, spotify_session
from tests.sandbox.catalogs import reference_catalog, small_catalog

SPEC = "sonallux-fixed-spotify-open-api.2026.5.31.yml"
# Fields the 2026 spec requires that some recordings (made years earlier) lack.
LATER_ALBUM_FIELDS = {
    "label": "",
    "copyrights": [],
    "external_ids": {},
    "genres": [],
    "popularity": 0,
    "available_markets": [],
    "release_date": "1970",
    "release_date_precision": "year",
}


def _openapi_to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 `nullable: true` becomes JSON Schema's null type; the rest carries over."""
    if isinstance(node, list):
        return [_openapi_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _openapi_to_json_schema(value) for key, value in node.items()}
    if converted.pop("nullable", False):
        if isinstance(converted.get("type"), str):
            converted["type"] = [converted["type"], "null"]
        else:
            converted = {"anyOf": [{"type": "null"}, converted]}
    return converted


@functools.cache
def _spec(name: str) -> dict[str, Any]:
    spec = yaml.safe_load((reference_dir() / name).read_text(encoding="utf-8"))
    return _openapi_to_json_schema(spec)


def validator_for(path_template: str) -> Draft7Validator:
    spec = _spec(SPEC)
    response = spec["paths"][path_template]["get"]["responses"]["200"]
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema = response["content"]["application/json"]["schema"]
    return Draft7Validator({**schema, "components": spec["components"]})


def template_of(url: str) -> str:
    parts = urlsplit(url).path.removeprefix("/spotify/v1").split("/")
    # /artists/{id}/albums, /albums/{id}, /albums/{id}/tracks, /tracks/{id}, /artists/{id}
    return "/".join("{id}" if index == 2 else part for index, part in enumerate(parts))


def crawl(server) -> list[tuple[str, Any]]:
    """(url, body) of every Spotify GET the catalog allows, in extended mode (batches on)."""
    session = spotify_session(server, mode="extended")
    v1 = server.url + "/spotify/v1/"
    catalog_spotify = server.apis["spotify"]._index
    urls = [
        v1 + f"search?type=artist&limit=50&q={a['name']}" for a in catalog_spotify.artists.values()
    ]
    urls += [v1 + f"artists/{i}" for i in catalog_spotify.artists]
    urls += [v1 + f"artists/{i}/albums?limit=50" for i in catalog_spotify.artists]
    urls += [v1 + f"albums/{i}" for i in catalog_spotify.albums]
    urls += [v1 + f"albums/{i}/tracks?limit=50" for i in catalog_spotify.albums]
    track_ids = [t["id"] for a in catalog_spotify.albums.values() for t in a["tracks"]["items"]]
    track_ids += list(catalog_spotify._full_tracks)
    urls += [v1 + f"tracks/{i}" for i in track_ids]
    album_ids, artist_ids = list(catalog_spotify.albums), list(catalog_spotify.artists)
    urls += [
        v1 + "albums?ids=" + ",".join(album_ids[i : i + 20]) for i in range(0, len(album_ids), 20)
    ]
    urls += [
        v1 + "tracks?ids=" + ",".join(track_ids[i : i + 50]) for i in range(0, len(track_ids), 50)
    ]
    urls += [
        v1 + "artists?ids=" + ",".join(artist_ids[i : i + 50])
        for i in range(0, len(artist_ids), 50)
    ]
    served = []
    while urls:
        url = urls.pop()
        answer = session.get(url)
        assert answer.status_code == 200, (url, answer.text)
        body = answer.json()
        served.append((url, body))
        if isinstance(body.get("next"), str):
            urls.append(body["next"])
    return served


def assert_valid(server) -> None:
    problems = []
    served = crawl(server)
    for url, body in served:
        template = template_of(url)
        for error in validator_for(template).iter_errors(body):
            problems.append(f"{url}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
    assert not problems, "\n".join(problems[:20])
    assert len({template_of(url) for url, _ in served}) == 9


@pytest.fixture
def spec(reference: Path) -> Path:
    return reference / SPEC


def test_the_small_test_catalog_serves_valid_responses(spec, sandbox_factory):
    assert_valid(sandbox_factory(small_catalog()))


def test_the_demo_catalog_serves_valid_responses(spec, sandbox):
    assert_valid(sandbox)


def test_a_generated_catalog_serves_valid_responses(spec, sandbox_factory):
    catalog, _ = generate_catalog(artists=3, albums=12, tracks=4, seed=5)

    assert_valid(sandbox_factory(catalog))


def test_the_recorded_responses_serve_valid_responses(spec, sandbox_factory):
    catalog = reference_catalog(spec.parent)
    for album in catalog["spotify"]["albums"]:
        album.update({**LATER_ALBUM_FIELDS, "total_tracks": len(album["tracks"]["items"]), **album})
    for track in catalog["spotify"]["tracks"]:
        track["album"] = {**LATER_ALBUM_FIELDS, "total_tracks": 1, **track["album"]}

    assert_valid(sandbox_factory(catalog))
