"""Artist discovery: find the artist on Spotify (by id, or by exact normalised name), upsert it,
and start album discovery."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from discovery.catalog import store
from discovery.catalog.credits import choose_spotify_artist
from discovery.clients.spotify import spotify_client
from discovery.exceptions import NotFound
from discovery.pgmq import records
from discovery.pgmq.messages import ArtistDiscovery
from discovery.workers.base import BaseWorker, Transaction


@dataclass
class FoundArtist:
    artist: dict[str, Any]
    ambiguous_with: list[dict[str, Any]]


class ArtistWorker(BaseWorker[ArtistDiscovery, FoundArtist]):
    queue = "artist_discovery"
    apis = ("spotify",)

    def fetch(self, message: ArtistDiscovery) -> FoundArtist:
        spotify = spotify_client(self.settings)
        if message.artistId:
            return FoundArtist(spotify.artist(message.artistId), [])
        name = message.artistName or ""
        candidates = spotify.search_artists(name)
        chosen, ambiguous = choose_spotify_artist(candidates, name)
        if chosen is None:
            seen = ", ".join(repr(item.get("name")) for item in candidates[:5]) or "no results"
            raise NotFound(f"no Spotify artist named exactly {name!r} (search gave: {seen})")
        others = [item for item in candidates if ambiguous and item is not chosen]
        return FoundArtist(chosen, others)

    def write(self, tx: Transaction, message: ArtistDiscovery, fetched: FoundArtist) -> None:
        artist = fetched.artist
        store.upsert_artist(tx.conn, artist)
        if fetched.ambiguous_with:
            others = ", ".join(f"{item['id']} ({(item.get('followers') or {}).get('total')} followers)"
                               for item in fetched.ambiguous_with)
            records.record_issue(
                tx.conn,
                queue=self.queue,
                msg_id=self.delivery.msg_id,
                read_ct=self.delivery.read_ct,
                error_type="AmbiguousArtist",
                message=f"several artists named {artist['name']!r}; chose {artist['id']} "
                f"(most followed) over {others}",
                payload=self.delivery.message,
            )
        tx.send("album_discovery", {"artistId": artist["id"], "offset": 0})
