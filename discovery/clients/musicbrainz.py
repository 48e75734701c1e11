"""MusicBrainz web service (JSON), on the shared HTTP layer; 1 request/s across the cluster by
default (DISCOVERY_RATE_LIMITS) and a User-Agent naming the project and a contact.

The real musicbrainz.org blocks generic User-Agents: without a real contact (MUSICBRAINZ_CONTACT
empty or an example address) no call is sent to it; the API is held cluster-wide like a refused
credential, with one line naming the setting (a sandbox or mirror is called without one).
"""

from __future__ import annotations

from typing import Any, Unpack, cast
from urllib.parse import urlsplit

from discovery.clients.factory import shared_client
from discovery.clients.http import translating_errors
from discovery.clients.session import SessionOptions, api_session, with_slash
from discovery.clients.types import MusicBrainzArtist, MusicBrainzRecording, MusicBrainzRelease
from discovery.exceptions import BadResponse, NotFound
from discovery.settings import Settings

API = "musicbrainz"
REAL_HOST = "musicbrainz.org"
RECORDING_INCLUDES = "artist-rels+isrcs+releases"
RELEASE_INCLUDES = "artist-rels"
ARTIST_INCLUDES = "aliases+url-rels"
PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net", "localhost")


def contact_problem(contact: str, base_url: str) -> str | None:
    """Why `contact` may not be sent to the MusicBrainz at `base_url`, or None. Only the real
    service (musicbrainz.org) is strict: a sandbox or a mirror needs no contact."""
    host = (urlsplit(base_url).hostname or "").lower()
    if host != REAL_HOST and not host.endswith("." + REAL_HOST):
        return None
    text = contact.strip().lower()
    if not text:
        return "MUSICBRAINZ_CONTACT is not set"
    if "@" not in text and "://" not in text:
        return f"MUSICBRAINZ_CONTACT {contact!r} is neither an email address nor a URL"
    domain = text.rsplit("@", 1)[-1] if "@" in text else (urlsplit(text).hostname or "")
    if domain in PLACEHOLDER_DOMAINS or domain.endswith(tuple("." + d for d in PLACEHOLDER_DOMAINS)):
        return f"MUSICBRAINZ_CONTACT {contact!r} is a placeholder"
    return None


class MusicBrainz:
    """MusicBrainz client: recordings by ISRC, a recording with its artist relationships and
    releases, a release with its artist relationships, an artist with its aliases and links."""

    def __init__(
        self,
        settings: Settings,
        **options: Unpack[SessionOptions],
    ) -> None:
        base_url = settings.api_url("musicbrainz_api_url")
        self._base = with_slash(base_url)
        contact = settings.musicbrainz_contact.strip()
        self.contact_problem = contact_problem(contact, base_url)
        headers = {
            "User-Agent": f"discovery/0.1 ( {contact} )" if contact else "discovery/0.1",
            "Accept": "application/json",
        }
        self._session = api_session(API, settings, base_url, headers, **options)

    def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        if self.contact_problem is not None:
            raise self._session.refuse_credential(self.contact_problem)
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
        """GET recording/{mbid}?inc=artist-rels+isrcs+releases&fmt=json."""
        return cast(
            MusicBrainzRecording,
            self._get(f"recording/{mbid}", {"inc": RECORDING_INCLUDES, "fmt": "json"}),
        )

    def release(self, mbid: str) -> MusicBrainzRelease:
        """GET release/{mbid}?inc=artist-rels&fmt=json: the release with its own relations (where
        editors put a producer they cannot place on particular tracks)."""
        return cast(MusicBrainzRelease, self._get(f"release/{mbid}", {"inc": RELEASE_INCLUDES, "fmt": "json"}))

    def artist(self, mbid: str) -> MusicBrainzArtist:
        """GET artist/{mbid}?inc=aliases+url-rels&fmt=json: the artist with its aliases and its
        links (official site, Instagram, SoundCloud...)."""
        return cast(MusicBrainzArtist, self._get(f"artist/{mbid}", {"inc": ARTIST_INCLUDES, "fmt": "json"}))

    def close(self) -> None:
        self._session.close()


def musicbrainz_client(settings: Settings | None = None) -> MusicBrainz:
    """The process's MusicBrainz client for `settings` (default: the environment's)."""
    return shared_client(API, MusicBrainz, settings)
