"""What one credit rests on: the Genius song or the MusicBrainz recording it was read from.

Genius: the song's id and URL and the section the name sat in, as written (`producer_artists`,
or the `custom_performances` label such as "Additional Production"). MusicBrainz: the recording's
id, the relation's type and attributes, and the ISRC that reached the recording; for a
release-level credit also the release (id and title) whose relation it is. Both: the name
as the source wrote it and the source's own id for the person (a split hands each credit back by
it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PRODUCER_ARTISTS = "producer_artists"


@dataclass(frozen=True)
class Evidence:
    credited_as: str
    source_artist_id: str | None = None
    genius_song_id: int | None = None
    genius_song_url: str | None = None
    genius_section: str | None = None
    musicbrainz_recording_id: str | None = None
    musicbrainz_relation_type: str | None = None
    musicbrainz_attributes: tuple[str, ...] = ()
    isrc: str | None = None
    musicbrainz_release_id: str | None = None
    musicbrainz_release_title: str | None = None

    def as_params(self) -> dict[str, Any]:
        """The evidence columns of a track_producers row."""
        return {
            "credited_as": self.credited_as,
            "source_artist_id": self.source_artist_id,
            "genius_song_id": self.genius_song_id,
            "genius_song_url": self.genius_song_url,
            "genius_section": self.genius_section,
            "musicbrainz_recording_id": self.musicbrainz_recording_id,
            "musicbrainz_relation_type": self.musicbrainz_relation_type,
            "musicbrainz_attributes": list(self.musicbrainz_attributes) if self.musicbrainz_recording_id else None,
            "isrc": self.isrc,
            "musicbrainz_release_id": self.musicbrainz_release_id,
            "musicbrainz_release_title": self.musicbrainz_release_title,
        }


def genius_evidence(song: Mapping[str, Any], artist: Mapping[str, Any], section: str) -> Evidence:
    artist_id = artist.get("id")
    return Evidence(
        credited_as=str(artist.get("name") or ""),
        source_artist_id=str(artist_id) if artist_id is not None else None,
        genius_song_id=int(song["id"]) if song.get("id") is not None else None,
        genius_song_url=song.get("url"),
        genius_section=section,
    )


def musicbrainz_evidence(recording: Mapping[str, Any], relation: Mapping[str, Any], isrc: str | None) -> Evidence:
    artist = relation.get("artist") or {}
    # target-credit is the name the recording credits the person as, when it differs.
    credited = relation.get("target-credit") or artist.get("name") or ""
    return Evidence(
        credited_as=str(credited),
        source_artist_id=artist.get("id"),
        musicbrainz_recording_id=recording.get("id"),
        musicbrainz_relation_type=relation.get("type"),
        musicbrainz_attributes=tuple(relation.get("attributes") or ()),
        isrc=isrc,
    )


def release_evidence(
    release: Mapping[str, Any], recording: Mapping[str, Any], relation: Mapping[str, Any], isrc: str | None
) -> Evidence:
    """A release-level relation: the recording that reached it, and the release that holds it."""
    on_recording = musicbrainz_evidence(recording, relation, isrc)
    return Evidence(
        **{
            **on_recording.__dict__,
            "musicbrainz_release_id": release.get("id"),
            "musicbrainz_release_title": release.get("title"),
        }
    )
