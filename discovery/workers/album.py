"""Album discovery: one page of an artist's releases per message; the next page is a new
message. Album details come in batches (extended mode) or one by one (development mode).
Every artist an album is discovered for owns it (album_artists); a joint album's tracks are
fetched once, for the artist that met it first (again when that same artist is rediscovered).
A refresh (catalog/refresh) lists the pages again and fetches in full only the releases not yet
stored; the last page marks the watched artist refreshed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from discovery.catalog import artist_outcomes, store, watching
from discovery.clients.spotify import spotify_client
from discovery.clients.types import SpotifyAlbum
from discovery.pgmq.db import pool
from discovery.pgmq.messages import AlbumDiscovery
from discovery.workers.base import BaseWorker, Transaction
from discovery.workers.paging import next_page


@dataclass
class AlbumPage:
    albums: list[tuple[SpotifyAlbum, str | None]]  # (full album, album_group)
    next_offset: int | None
    total: int | None  # the artist's releases in the groups asked for, from the first page
    artist_name: str | None  # as the albums (or, when none lists the artist, Spotify) name it
    known: list[dict[str, Any]] = field(default_factory=list)  # a refresh's listed albums already stored
    paging_stopped: str | None = None


class AlbumWorker(BaseWorker[AlbumDiscovery, AlbumPage]):
    queue = "album_discovery"
    apis = ("spotify",)

    def fetch(self, message: AlbumDiscovery) -> AlbumPage:
        spotify = spotify_client(self.settings)
        page = spotify.artist_albums(message.artistId, offset=message.offset, include_groups=self.settings.discovery_album_groups)
        items = page.get("items") or []
        # Development Mode no longer gives album_group; with include_groups=album,single the
        # album_type says the same.
        groups = {item["id"]: item.get("album_group") or item.get("album_type") for item in items}
        wanted = [item["id"] for item in items]
        known: list[dict[str, Any]] = []
        if message.refresh:  # a refresh fetches in full only the releases not yet known
            with pool(self.settings.database_url).connection() as conn:
                stored = store.known_albums(conn, wanted)
            known = [item for item in items if item["id"] in stored]
            wanted = [album_id for album_id in wanted if album_id not in stored]
        full = spotify.albums(wanted) if wanted else []
        following = next_page(message.offset, page, items=len(items), max_offset=self.settings.discovery_max_page_offset)
        total = int(page.get("total") or len(items)) if message.offset == 0 else None
        name = listed_name(full, message.artistId)
        if full and name is None:  # albums it only appears on: ask Spotify for the name
            name = spotify.artist(message.artistId)["name"]
        return AlbumPage(
            [(album, groups.get(album["id"])) for album in full], following.offset, total, name, known,
            following.stopped_because,
        )

    def write(self, tx: Transaction, message: AlbumDiscovery, fetched: AlbumPage) -> None:
        refreshing = {"refresh": True} if message.refresh else {}
        if fetched.artist_name is not None:
            # Its albums need the artist's row, whichever message was read first.
            store.ensure_artist(tx.conn, message.artistId, fetched.artist_name)
        if fetched.total is not None:
            artist_outcomes.record_releases_total(tx.conn, message.artistId, fetched.total)
        for album, group in fetched.albums:
            stored = store.upsert_album(tx.conn, album, message.artistId, group)
            store.link_album_artist(tx.conn, album, message.artistId)
            if not stored.created and stored.first_artist != message.artistId:
                # A joint album another of its artists discovered first: its tracks are (being)
                # fetched and identified for that artist; this one only owns it too.
                continue
            name = self.bounded_name(tx, f"album {album['id']}'s name", album["name"])
            tx.send("track_discovery", {"albumId": album["id"], "artistId": message.artistId, "albumName": name,
                                        **refreshing})
        for listed in fetched.known:  # known already; this artist owns it too (a new joint album's link)
            store.link_album_artist(tx.conn, listed, message.artistId)
        if fetched.next_offset is not None:
            tx.send("album_discovery", {"artistId": message.artistId, "offset": fetched.next_offset, **refreshing})
        elif message.refresh:
            watching.mark_refreshed(tx.conn, message.artistId)
        if fetched.paging_stopped:
            self.note(tx, "PagingStopped", f"artist {message.artistId}'s albums: {fetched.paging_stopped}")


def listed_name(albums: Sequence[Mapping[str, Any]], artist_id: str) -> str | None:
    """The artist's name as the first album listing it gives it."""
    for album in albums:
        for artist in album.get("artists") or []:
            if artist.get("id") == artist_id and artist.get("name"):
                return str(artist["name"])
    return None
