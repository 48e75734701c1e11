"""MusicBrainz web service (JSON), on the shared HTTP layer; 1 request/s across the cluster by
default (DISCOVERY_RATE_LIMITS) and a User-Agent naming the project and a contact."""

from __future__ import annotations

from typing import Any, Unpack, cast

from discovery.clients.factory import shared_client
from discovery.clients.http import translating_errors
from discovery.clients.session import SessionOptions, api_session, with_slash
from discovery.clients.types import MusicBrainzArtist, MusicBrainzRecording
from discovery.exceptions import BadResponse, NotFound
from discovery.settings import Settings

API = "musicbrainz"
RECORDING_INCLUDES = "artist-rels+isrcs"


class MusicBrainz:
    """MusicBrainz client: recordings by ISRC, a recording with its artist relationships, an artist
    with its aliases."""

    def __init__(
        self,
        settings: Settings,
        **options: Unpack[SessionOptions],
    ) -> None:
        base_url = settings.api_url("musicbrainz_api_url")
        self._base = with_slash(base_url)
        headers = {
            "User-Agent": f"discovery/0.1 ( {settings.musicbrainz_contact} )",
            "Accept": "application/json",
        }
        self._session = api_session(API, settings, base_url, headers, **options)

    def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        with translating_errors(API):
            body = self._session.get(self._base + path, params=params).json()
        if not isinstance(body, dict):
            raise BadResponse(f"musicbrainz answered something that is not an object for {path}")
        return body

    def recordings_by_isrc(self, isrc: str) -> list[MusicBrainzRecording]:
        """GET isrc/{isrc}?fmt=json: the recordings with this ISRC ([] when none).

        The ISRC lookup accepts no relationship includes (only artists, releases, isrcs), so
        the recordings come without `relations`: call `recording(id)` for the credits.
        """
        try:
            body = self._get(f"isrc/{isrc}", {"fmt": "json"})
        except NotFound:
            return []
        recordings = body.get("recordings", [])
        if not isinstance(recordings, list):
            raise BadResponse("musicbrainz isrc lookup: recordings is not a list")
        return cast(list[MusicBrainzRecording], recordings)

    def recording(self, mbid: str) -> MusicBrainzRecording:
        """GET recording/{mbid}?inc=artist-rels+isrcs&fmt=json."""
        return cast(
            MusicBrainzRecording,
            self._get(f"recording/{mbid}", {"inc": RECORDING_INCLUDES, "fmt": "json"}),
        )

    def artist(self, mbid: str) -> MusicBrainzArtist:
        """GET artist/{mbid}?inc=aliases&fmt=json: the artist with its aliases."""
        return cast(MusicBrainzArtist, self._get(f"artist/{mbid}", {"inc": "aliases", "fmt": "json"}))

    def close(self) -> None:
        self._session.close()


def musicbrainz_client(settings: Settings | None = None) -> MusicBrainz:
    """The process's MusicBrainz client for `settings` (default: the environment's)."""
    return shared_client(API, MusicBrainz, settings)
