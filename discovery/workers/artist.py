"""Artist discovery: find the artist on Spotify (by id, or by exact normalised name), upsert it,
record what the search came to, watch it (catalog/watching) and start album discovery. A refresh
message (by id) only asks for the artist again and lists its releases again.

"No such artist on Spotify" is a result, recorded like any other (the message is archived, not
dead-lettered): a typo is not an outage. Several artists with the name: the one spelled exactly
as typed, then the most popular where Spotify says, else the search's order; the others are kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from discovery.catalog import artist_outcomes, store, watching
from discovery.catalog.credits import choose_spotify_artist
from discovery.clients.spotify import spotify_client
from discovery.clients.types import SpotifyArtist
from discovery.exceptions import NotFound
from discovery.pgmq import records
from discovery.pgmq.messages import ArtistDiscovery
from discovery.workers.base import BaseWorker, Transaction

SHOWN_SEARCH_HITS = 5


@dataclass
class FoundArtist:
    artist: SpotifyArtist | None  # None: Spotify has no such artist
    alternatives: list[SpotifyArtist]
    detail: str = ""


class ArtistWorker(BaseWorker[ArtistDiscovery, FoundArtist]):
    queue = "artist_discovery"
    apis = ("spotify",)

    def fetch(self, message: ArtistDiscovery) -> FoundArtist:
        spotify = spotify_client(self.settings)
        if message.artistId:
            try:
                return FoundArtist(spotify.artist(message.artistId), [])
            except NotFound:
                return FoundArtist(None, [], f"no Spotify artist with id {message.artistId!r}")
        name = message.artistName or ""
        candidates = spotify.search_artists(name)
        chosen, alternatives = choose_spotify_artist(candidates, name)
        if chosen is None:
            seen = ", ".join(repr(item.get("name")) for item in candidates[:SHOWN_SEARCH_HITS]) or "no results"
            return FoundArtist(None, [], f"no Spotify artist named exactly {name!r} (search gave: {seen})")
        return FoundArtist(chosen, alternatives)

    def write(self, tx: Transaction, message: ArtistDiscovery, fetched: FoundArtist) -> None:
        query = message.artistId or message.artistName or ""
        artist = fetched.artist
        if message.refresh:
            # A watched artist's refresh: the artist as Spotify has it now, then its releases
            # listed again; no search to record (a vanished artist keeps what it had).
            if artist is not None:
                store.upsert_artist(tx.conn, artist)
                tx.send("album_discovery", {"artistId": artist["id"], "offset": 0, "refresh": True})
            return
        if artist is None:
            artist_outcomes.record_artist_search(
                tx.conn, self.delivery.msg_id, artist_outcomes.ArtistSearch(artist_outcomes.NOT_FOUND, None, query, detail=fetched.detail)
            )
            return
        store.upsert_artist(tx.conn, artist)
        if self.settings.discovery_watch_seeded if message.watch is None else message.watch:
            watching.watch(tx.conn, artist["id"], watching.SEEDED)
        kept = [artist_outcomes.alternative(item) for item in fetched.alternatives]
        artist_outcomes.record_artist_search(
            tx.conn, self.delivery.msg_id, artist_outcomes.ArtistSearch(artist_outcomes.FOUND, artist["id"], query, kept)
        )
        if kept:
            others = ", ".join(f"{item['id']} ({item['name']!r})" for item in kept)
            records.record_issue(
                tx.conn,
                queue=self.queue,
                msg_id=self.delivery.msg_id,
                read_ct=self.delivery.read_ct,
                error_type="AmbiguousArtist",
                message=f"several artists named {artist['name']!r}; chose {artist['id']} "
                f"({_why(artist, query, fetched.alternatives)}) over {others}",
                payload=self.delivery.message,
            )
        tx.send("album_discovery", {"artistId": artist["id"], "offset": 0})


def _why(chosen: Mapping[str, Any], typed: str, others: Sequence[Mapping[str, Any]]) -> str:
    if chosen.get("name") == typed.strip() and all(item.get("name") != typed.strip() for item in others):
        return "named exactly as typed"
    if chosen.get("popularity") is not None:
        return "most popular"
    return "first in Spotify's search"
