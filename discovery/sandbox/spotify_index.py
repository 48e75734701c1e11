"""The Spotify part of a catalog, indexed: objects by id, each artist's discography (with the
appears_on rule), full tracks built from their album when the catalog has none, name search."""

from __future__ import annotations

from typing import Any

from discovery.sandbox.text import tokens

Json = dict[str, Any]
GROUP_ORDER = ("album", "single", "compilation", "appears_on")
# Keys an AlbumObject has and a SimplifiedAlbumObject does not.
FULL_ALBUM_ONLY = ("tracks", "copyrights", "external_ids", "genres", "label", "popularity")


class SpotifyIndex:
    def __init__(self, section: Json) -> None:
        self.artists: dict[str, Json] = {a["id"]: a for a in section.get("artists", [])}
        self.albums: dict[str, Json] = {a["id"]: a for a in section.get("albums", [])}
        self._full_tracks: dict[str, Json] = {t["id"]: t for t in section.get("tracks", [])}
        self._album_tracks: dict[str, tuple[Json, Json]] = {
            track["id"]: (track, album)
            for album in self.albums.values()
            for track in album["tracks"]["items"]
        }
        self.discography = _discographies(list(self.albums.values()))
        self._artist_tokens = [(set(tokens(a.get("name", ""))), a) for a in self.artists.values()]

    def track(self, track_id: str) -> Json | None:
        """The catalog's TrackObject, or one built from the album's SimplifiedTrackObject."""
        if track_id in self._full_tracks:
            return self._full_tracks[track_id]
        found = self._album_tracks.get(track_id)
        if found is None:
            return None
        simplified, album = found
        return {
            **simplified,
            "album": simplified_album(album),
            "external_ids": simplified.get("external_ids", {}),
            "popularity": simplified.get("popularity", 0),
            "is_local": simplified.get("is_local", False),
        }

    def search_artists(self, query: str) -> list[Json]:
        """Artists sharing a name token with `query`, most popular first, then catalog order."""
        wanted = set(tokens(_without_field_filters(query)))
        hits = [artist for names, artist in self._artist_tokens if names & wanted]
        return sorted(hits, key=lambda artist: -int(artist.get("popularity") or 0))


def simplified_album(album: Json) -> Json:
    simplified = {key: value for key, value in album.items() if key not in FULL_ALBUM_ONLY}
    if "total_tracks" not in simplified:
        simplified["total_tracks"] = len(album["tracks"]["items"])
    return simplified


def _discographies(albums: list[Json]) -> dict[str, list[tuple[str, Json]]]:
    """artist id -> [(album_group, album)]: their own albums by album_type, and appears_on where
    they are on a track but not an album artist; ordered by group, then newest first."""
    found: dict[str, list[tuple[str, Json]]] = {}
    for album in albums:
        owners = [artist["id"] for artist in album.get("artists", [])]
        for owner in owners:
            found.setdefault(owner, []).append((album.get("album_type", "album"), album))
        guests = {
            artist["id"]
            for track in album["tracks"]["items"]
            for artist in track.get("artists", [])
            if artist.get("id") and artist["id"] not in owners
        }
        for guest in sorted(guests):
            found.setdefault(guest, []).append(("appears_on", album))
    for entries in found.values():
        entries.sort(key=lambda entry: entry[1].get("release_date", ""), reverse=True)
        entries.sort(key=lambda entry: _group_rank(entry[0]))
    return found


def _group_rank(group: str) -> int:
    return GROUP_ORDER.index(group) if group in GROUP_ORDER else len(GROUP_ORDER)


def _without_field_filters(query: str) -> str:
    # "artist:Nova Kid" searches the same names as "Nova Kid".
    return " ".join(word.partition(":")[2] or word for word in query.split())
