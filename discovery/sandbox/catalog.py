"""The sandbox catalog: load it, check it, refuse it with a message naming the bad object."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

Catalog = dict[str, Any]

# Every section and list the catalog may hold, and the key identifying each object.
SECTIONS: dict[str, dict[str, str]] = {
    "spotify": {"artists": "id", "albums": "id", "tracks": "id"},
    "genius": {"songs": "id", "artists": "id"},
    "musicbrainz": {"recordings": "id", "artists": "id"},
    "instagram": {"profiles": "username"},
}
DEMO_CATALOG = "demo_catalog.json"


class CatalogError(ValueError):
    """The catalog breaks a rule; the message names the object."""


def load_catalog(path: str | Path) -> Catalog:
    """Read a catalog file (the server validates what it is given)."""
    try:
        catalog: Catalog = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise CatalogError(f"cannot read catalog {path}: {error}") from error
    return catalog


def load_demo_catalog() -> Catalog:
    """The small demo catalog shipped inside the package."""
    text = resources.files("discovery.sandbox").joinpath(DEMO_CATALOG).read_text(encoding="utf-8")
    catalog: Catalog = json.loads(text)
    return catalog


def validate_catalog(catalog: Any) -> None:
    """Raise CatalogError for an unknown section or list, an object without its id, a duplicate
    id, or a Spotify album whose artist is missing."""
    if not isinstance(catalog, dict):
        raise CatalogError("a catalog is a JSON object with sections spotify, genius, ...")
    for section, lists in catalog.items():
        if section not in SECTIONS:
            raise CatalogError(f"unknown section {section!r} (expected one of {sorted(SECTIONS)})")
        if not isinstance(lists, dict):
            raise CatalogError(f"section {section!r} must be an object")
        for name, objects in lists.items():
            if name not in SECTIONS[section]:
                raise CatalogError(
                    f"unknown list {section}.{name} (expected one of {sorted(SECTIONS[section])})"
                )
            _check_ids(f"{section}.{name}", objects, SECTIONS[section][name])
    spotify = catalog.get("spotify", {})
    _check_albums(spotify.get("albums", []), {a["id"] for a in spotify.get("artists", [])})


def _check_ids(where: str, objects: Any, key: str) -> None:
    if not isinstance(objects, list):
        raise CatalogError(f"{where} must be a list")
    seen: set[Any] = set()
    for index, obj in enumerate(objects):
        if not isinstance(obj, dict) or obj.get(key) in (None, ""):
            raise CatalogError(f"{where}[{index}] is not an object with a {key!r}")
        if obj[key] in seen:
            raise CatalogError(f"duplicate {key} {obj[key]!r} in {where}")
        seen.add(obj[key])


def _check_albums(albums: list[dict[str, Any]], artist_ids: set[str]) -> None:
    track_ids: set[str] = set()
    for album in albums:
        name = f"spotify album {album['id']!r} ({album.get('name', '?')})"
        for artist in album.get("artists", []):
            if artist.get("id") not in artist_ids:
                raise CatalogError(
                    f"{name}: its artist {artist.get('id')!r} ({artist.get('name', '?')}) is "
                    "missing from spotify.artists"
                )
        tracks = album.get("tracks")
        if not isinstance(tracks, dict) or not isinstance(tracks.get("items"), list):
            raise CatalogError(f"{name} has no tracks.items list")
        for track in tracks["items"]:
            if not isinstance(track, dict) or not track.get("id"):
                raise CatalogError(f"{name} has a track without an id")
            if track["id"] in track_ids:
                raise CatalogError(f"duplicate track id {track['id']!r} in {name}")
            track_ids.add(track["id"])
