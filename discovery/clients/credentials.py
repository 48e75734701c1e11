"""Credential holds: a refused or missing credential holds its API for every process.

A 401 (or a refused token request, or an unset token) is not the message's fault: the API's
deadline (`discovery:breaker:<api>`, kind "credential") moves `recheck_s` ahead, every message
that needs the API waits without spending an attempt, and one line says what to fix. The hold
carries a fingerprint of the credential that was refused, so a process started with another
credential (the fix) ignores it and clears it on its first success; otherwise the first call
after `recheck_s` tries again.
"""

from __future__ import annotations

import hashlib
import logging

from pydantic import SecretStr

from discovery.settings import Settings

logger = logging.getLogger(__name__)

# The settings each API's credential is made of, as the operator knows them.
CREDENTIAL_SETTINGS: dict[str, tuple[str, ...]] = {
    "spotify": ("spotify_client_id", "spotify_client_secret"),
    "genius": ("genius_access_token",),
    "instagram": ("instagram_api_key",),
    "musicbrainz": ("musicbrainz_contact",),
}
# What each API calls its credential, for the one line that says what to fix.
CREDENTIAL_NAMES: dict[str, str] = {
    "spotify": "client credentials: check SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET",
    "genius": "access token: check GENIUS_ACCESS_TOKEN",
    "instagram": "API key: check INSTAGRAM_API_KEY",
}
# An API whose "credential" we refuse ourselves says so in a line of its own.
REFUSAL_LINES: dict[str, str] = {
    "musicbrainz": "MusicBrainz is not called without a contact: set MUSICBRAINZ_CONTACT to an email "
    "address or URL where MusicBrainz can reach you",
}


def fingerprint(api: str, settings: Settings) -> str:
    """A short digest of the API's credential in `settings` ("" when it needs none)."""
    names = CREDENTIAL_SETTINGS.get(api)
    if not names:
        return ""
    values = (getattr(settings, name) for name in names)
    secret = "\0".join(value.get_secret_value() if isinstance(value, SecretStr) else str(value) for value in values)
    return hashlib.sha256(f"{api}\0{secret}".encode()).hexdigest()[:16]


def refusal_line(api: str) -> str:
    """"Genius refused the access token: check GENIUS_ACCESS_TOKEN"."""
    if api in REFUSAL_LINES:
        return REFUSAL_LINES[api]
    what = CREDENTIAL_NAMES.get(api, "credentials")
    return f"{api.capitalize()} refused the {what}"


def log_refusal(api: str, detail: str, hold_s: float) -> None:
    logger.error(
        "%s (%s); every process holds %s for %.0fs",
        refusal_line(api),
        detail,
        api,
        hold_s,
        extra={"action": "credential_refused", "api": api},
    )
