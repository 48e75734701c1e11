"""What the MusicBrainz part of a catalog gains at serving time, behind two knobs:

- releases: every recording is on one release (`inc=releases`; ws/2/release/{mbid}), titled as
  the Spotify album carrying its ISRC. With `musicbrainz_release_credits`, every other recording
  that has producer relations (in id order, so at least one) answers without them, and its
  release holds them instead (`inc=artist-rels`), as editors do when they cannot place a
  producer on particular tracks. Without the knob a release has no relations.
- url relations: with `musicbrainz_url_rels`, an artist answers `inc=url-rels` with links to its
  Instagram (the Genius artist's handle when Genius knows the person, else one of its own), its
  SoundCloud and its homepage.

Derived from the catalog alone (no random draws), so a generated catalog and its answer key are
unchanged: the producers are the same with or without the knobs.
"""

from __future__ import annotations

import uuid
from typing import Any

Json = dict[str, Any]
NAMESPACE = uuid.UUID("6f1e7b1e-23a0-4c57-9d3c-7b0f0c0d2026")
URL_TYPES = {"instagram": "social network", "soundcloud": "soundcloud", "homepage": "official homepage"}


def release_id(recording_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"release:{recording_id}"))


def _is_producer(relation: Json) -> bool:
    return relation.get("type") == "producer"


def _plain(name: str) -> str:
    return "".join(char for char in name.lower() if char.isalnum())


class MusicBrainzExtras:
    def __init__(self, catalog: Json) -> None:
        section = catalog.get("musicbrainz", {})
        recordings: list[Json] = section.get("recordings", [])
        titles = _album_titles(catalog.get("spotify", {}))
        self._releases: dict[str, Json] = {}
        self._release_of: dict[str, str] = {}
        for recording in recordings:
            found = release_id(recording["id"])
            isrcs = recording.get("isrcs") or []
            title = next((titles[isrc] for isrc in isrcs if isrc in titles), recording.get("title", ""))
            self._release_of[recording["id"]] = found
            self._releases[found] = {"id": found, "title": title, "status": "Official", "recording": recording["id"]}
        credited = sorted(r["id"] for r in recordings if any(_is_producer(rel) for rel in r.get("relations") or []))
        self.moved: frozenset[str] = frozenset(credited[::2])
        self._recordings = {r["id"]: r for r in recordings}
        self._instagram = _genius_instagram(catalog.get("genius", {}))

    def releases_of(self, recording_id: str) -> list[Json]:
        """The `releases` a recording lists with inc=releases."""
        found = self._releases.get(self._release_of.get(recording_id, ""))
        return [] if found is None else [{k: v for k, v in found.items() if k != "recording"}]

    def recording_relations(self, recording: Json, release_credits: bool) -> list[Json]:
        relations: list[Json] = recording.get("relations") or []
        if release_credits and recording["id"] in self.moved:
            return [relation for relation in relations if not _is_producer(relation)]
        return relations

    def release(self, mbid: str, release_credits: bool, includes: set[str]) -> Json | None:
        found = self._releases.get(mbid)
        if found is None:
            return None
        answer = {k: v for k, v in found.items() if k != "recording"}
        if "artist-rels" in includes:
            recording = self._recordings[found["recording"]]
            moved = release_credits and recording["id"] in self.moved
            answer["relations"] = [r for r in recording.get("relations") or [] if _is_producer(r)] if moved else []
        return answer

    def url_relations(self, artist: Json) -> list[Json]:
        names = [artist.get("name", "")] + [alias.get("name", "") for alias in artist.get("aliases") or []]
        handle = next((self._instagram[_plain(n)] for n in names if _plain(n) in self._instagram), None)
        base = _plain(artist.get("name", "")) or "artist"
        urls = {
            "instagram": f"https://www.instagram.com/{handle or base + '_official'}/",
            "soundcloud": f"https://soundcloud.com/{base}",
            "homepage": f"https://www.{base}.com/",
        }
        return [_url_relation(kind, url) for kind, url in urls.items()]


def _url_relation(kind: str, url: str) -> Json:
    return {
        "attribute-values": {},
        "attributes": [],
        "begin": None,
        "direction": "forward",
        "end": None,
        "ended": False,
        "source-credit": "",
        "target-credit": "",
        "target-type": "url",
        "type": URL_TYPES[kind],
        "url": {"id": str(uuid.uuid5(NAMESPACE, url)), "resource": url},
    }


def _album_titles(spotify: Json) -> dict[str, str]:
    """ISRC -> the name of an album carrying it."""
    titles: dict[str, str] = {}
    for track in spotify.get("tracks", []):
        isrc = (track.get("external_ids") or {}).get("isrc")
        album = (track.get("album") or {}).get("name")
        if isrc and album:
            titles.setdefault(isrc, album)
    return titles


def _genius_instagram(genius: Json) -> dict[str, str]:
    """A person's Instagram handle on Genius, by plain name (and alternate names)."""
    found: dict[str, str] = {}
    for artist in genius.get("artists", []):
        handle = artist.get("instagram_name")
        if handle:
            for name in [artist.get("name", ""), *(artist.get("alternate_names") or [])]:
                found.setdefault(_plain(name), handle)
    return found
