"""Per-market duplicates: asked without a `market`, Spotify lists the same album once per market
it is sold in, under different ids. Here each album gets one twin (another id, the same tracks),
listed next to it by artists/{id}/albums when no market is named and served by albums/{id}."""

from __future__ import annotations

import hashlib

from discovery.sandbox.spotify_index import Json

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
TWIN_MARKETS = (["US", "CA"], ["GB", "IE"])


def twin_id(album_id: str) -> str:
    """The id of the album's other-market copy: 22 base62 characters drawn from its id."""
    number = int.from_bytes(hashlib.sha256(f"market-twin:{album_id}".encode()).digest(), "big")
    chars = []
    for _ in range(22):
        number, digit = divmod(number, 62)
        chars.append(BASE62[digit])
    return "".join(chars)


def as_twin(album: Json, twin: str) -> Json:
    """The album as its other-market copy lists it."""
    copy = {**album, "id": twin, "uri": f"spotify:album:{twin}"}
    if "available_markets" in album:
        copy["available_markets"] = TWIN_MARKETS[1]
    if isinstance(album.get("external_urls"), dict):
        copy["external_urls"] = {"spotify": f"https://open.spotify.com/album/{twin}"}
    return copy


def with_twins(items: list[Json]) -> list[Json]:
    """Each album followed by its other-market copy."""
    return [copy for item in items for copy in (item, as_twin(item, twin_id(item["id"])))]


class Twins:
    """Which twin id is which album (built once, on first use)."""

    def __init__(self, albums: dict[str, Json]) -> None:
        self._albums = albums
        self._originals: dict[str, str] | None = None

    def album(self, twin: str) -> Json | None:
        if self._originals is None:
            self._originals = {twin_id(album_id): album_id for album_id in self._albums}
        original = self._originals.get(twin)
        return None if original is None else as_twin(self._albums[original], twin)
