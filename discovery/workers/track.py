"""Track discovery: an album's tracks (the first 50 from the album object, which the album
worker's call already cached; further pages through albums/{id}/tracks), their ISRCs where
the Spotify mode allows a batch lookup, and one producer_identification per distinct recording."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from discovery.catalog import store
from discovery.catalog.names import normalize_title
from discovery.clients.spotify import spotify_client
from discovery.clients.types import SpotifyAlbum
from discovery.pgmq.messages import NAME_LIMIT, TrackDiscovery
from discovery.workers.base import BaseWorker, Transaction
from discovery.workers.paging import next_page

ALBUM_TRACKS_PAGE = 50


@dataclass
class TrackPage:
    album: SpotifyAlbum
    tracks: list[dict[str, Any]]
    isrcs: dict[str, str]
    next_offset: int | None
    paging_stopped: str | None = None


def recording_key(track: dict[str, Any], isrc: str | None, artist_id: str) -> str:
    """A recording's identity: its ISRC, or (without one) the track's own first artist (else
    `artist_id`, the artist it was discovered for), normalised title and duration. The track's
    own artist keeps the key the same whichever artist of a joint album the page was read for."""
    if isrc:
        return f"isrc:{isrc.upper()}"
    own = [artist.get("id") for artist in track.get("artists") or [] if artist.get("id")]
    seconds = round((track.get("duration_ms") or 0) / 1000)
    return f"title:{own[0] if own else artist_id}:{normalize_title(track['name'])}:{seconds}"


class TrackWorker(BaseWorker[TrackDiscovery, TrackPage]):
    queue = "track_discovery"
    apis = ("spotify",)

    def fetch(self, message: TrackDiscovery) -> TrackPage:
        spotify = spotify_client(self.settings)
        album = spotify.album(message.albumId)
        if message.offset == 0:
            page = album.get("tracks") or {}
        else:
            page = spotify.album_tracks(message.albumId, offset=message.offset)
        tracks = [item for item in page.get("items") or [] if item and item.get("id")]
        isrcs: dict[str, str] = {}
        if spotify.mode == "extended" and tracks:
            for full in spotify.tracks([track["id"] for track in tracks]):
                isrc = (full.get("external_ids") or {}).get("isrc")
                if isrc:
                    isrcs[full["id"]] = isrc
        else:
            for track in tracks:  # some catalogs embed external_ids; use them when present
                isrc = (track.get("external_ids") or {}).get("isrc")
                if isrc:
                    isrcs[track["id"]] = isrc
        following = next_page(
            message.offset, page, items=len(page.get("items") or []), max_offset=self.settings.discovery_max_page_offset
        )
        return TrackPage(album, tracks, isrcs, following.offset, following.stopped_because)

    def write(self, tx: Transaction, message: TrackDiscovery, fetched: TrackPage) -> None:
        """The page in three statements (recordings, tracks, copied credits), whatever its size."""
        artist_name = _album_artist_name(fetched.album, message.artistId) or store.artist_name(tx.conn, message.artistId) or ""
        keys = {track["id"]: recording_key(track, fetched.isrcs.get(track["id"]), message.artistId) for track in fetched.tracks}
        # A key is its ISRC's (the same for every track of it) or a title key (no ISRC).
        new = store.request_recordings(tx.conn, {keys[track["id"]]: fetched.isrcs.get(track["id"]) for track in fetched.tracks})
        ids = store.upsert_tracks(tx.conn, message.albumId, [
            store.track_row(track, fetched.isrcs.get(track["id"]), keys[track["id"]]) for track in fetched.tracks
        ])
        known = []
        asked_before = []
        for track in fetched.tracks:
            key = keys[track["id"]]
            if key not in new:
                asked_before.append(key)
            if key in new:
                new.discard(key)  # one identification per recording, from its first track here
                tx.send(
                    "producer_identification",
                    {
                        "recordingKey": key,
                        "trackId": track["id"],
                        "trackName": self.bounded_name(tx, f"track {track['id']}'s name", track["name"]),
                        "artistId": message.artistId,
                        "artistName": self.bounded_name(tx, f"artist {message.artistId}'s name", artist_name),
                        "isrc": fetched.isrcs.get(track["id"]),
                        **release_of(track, fetched.album),
                        **_refresh(message.refresh),
                    },
                )
            else:
                known.append(ids[track["id"]])
        store.copy_recordings_credits(tx.conn, known)
        if fetched.paging_stopped:
            self.note(tx, "PagingStopped", f"album {message.albumId}: {fetched.paging_stopped}")
        # A recording another artist's lower lane asked to identify first is identified at this lane.
        tx.promote("producer_identification", "recordingKey", sorted(set(asked_before)))
        if fetched.next_offset is not None:
            tx.send(
                "track_discovery",
                {"albumId": message.albumId, "artistId": message.artistId, "albumName": message.albumName,
                 "offset": fetched.next_offset, **_refresh(message.refresh)},
            )


def release_of(track: Mapping[str, Any], album: Mapping[str, Any]) -> dict[str, Any]:
    """The track's artists and its album's name and release date, which its Genius page is
    weighed against (each name within the message's bound: evidence, not worth a note)."""
    return {
        "trackArtists": [str(a["name"])[:NAME_LIMIT] for a in track.get("artists") or [] if a.get("name")][:50],
        "albumName": str(album.get("name") or "")[:NAME_LIMIT],
        "albumReleaseDate": str(album.get("release_date") or "")[:10],
    }


def _refresh(refresh: bool) -> dict[str, bool]:
    """What a message passes on of refresh work (catalog/refresh): the flag, when set."""
    return {"refresh": True} if refresh else {}


def _album_artist_name(album: Mapping[str, Any], artist_id: str) -> str | None:
    for artist in album.get("artists") or []:
        if artist.get("id") == artist_id:
            return str(artist.get("name"))
    return None
