"""Genius API through lyricsgenius's `API` class (never `search_song`, which scrapes lyrics pages),
on the shared HTTP layer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Unpack, cast

from lyricsgenius import API as GeniusApi

from discovery.clients import redaction
from discovery.clients.factory import shared_client
from discovery.clients.http import translating_errors
from discovery.clients.session import SessionOptions, api_session, with_slash
from discovery.clients.types import GeniusArtist, GeniusSong
from discovery.exceptions import BadResponse
from discovery.settings import Settings

API = "genius"


class Genius:
    """Genius API client: search, songs/{id}, artists/{id}."""

    def __init__(
        self,
        settings: Settings,
        **options: Unpack[SessionOptions],
    ) -> None:
        token = settings.genius_access_token.get_secret_value()
        redaction.install((token,))
        self.configured = bool(token)
        base_url = settings.api_url("genius_api_url")
        self._session = api_session(API, settings, base_url, **options)
        # lyricsgenius refuses an empty token at construction; calls refuse it below instead.
        self._api = GeniusApi(token or "unset", sleep_time=0, retries=0)
        self._api._session = self._session  # its own retries and sleeps stay off; ours are mounted
        self._api.API_ROOT = with_slash(base_url)

    def _call(self, fn: Callable[[], dict[str, Any]], field: str) -> Any:
        if not self.configured:
            raise self._session.refuse_credential("GENIUS_ACCESS_TOKEN is not set")
        with translating_errors(API):
            response = fn()
            if not isinstance(response, dict) or field not in response:
                raise BadResponse(f"genius answered without {field!r}")
            return response[field]

    def search(self, query: str) -> list[GeniusSong]:
        """GET search?q=: the songs of the hits, in Genius's order."""
        hits = self._call(lambda: self._api.search_songs(query), "hits")
        if not isinstance(hits, list):
            raise BadResponse("genius search hits is not a list")
        return [
            cast(GeniusSong, hit["result"])
            for hit in hits
            if isinstance(hit, dict) and hit.get("type", "song") == "song" and hit.get("result")
        ]

    def song(self, song_id: int) -> GeniusSong:
        """GET songs/{id}."""
        return cast(GeniusSong, self._call(lambda: self._api.song(song_id), "song"))

    def artist(self, artist_id: int) -> GeniusArtist:
        """GET artists/{id}."""
        return cast(GeniusArtist, self._call(lambda: self._api.artist(artist_id), "artist"))

    def close(self) -> None:
        self._session.close()


def genius_client(settings: Settings | None = None) -> Genius:
    """The process's Genius client for `settings` (default: the environment's)."""
    return shared_client(API, Genius, settings)
