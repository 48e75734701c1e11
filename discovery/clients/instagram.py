"""The Instagram data provider (HikerAPI-style), on the shared HTTP layer; optional."""

from __future__ import annotations

from typing import Unpack, cast

from discovery.clients import redaction
from discovery.clients.factory import shared_client
from discovery.clients.http import translating_errors
from discovery.clients.session import SessionOptions, api_session, with_slash
from discovery.clients.types import InstagramProfile
from discovery.exceptions import BadResponse, NotFound
from discovery.settings import Settings

API = "instagram"


class Instagram:
    """Instagram provider client. `configured` is False without INSTAGRAM_API_KEY: skip it."""

    def __init__(
        self,
        settings: Settings,
        **options: Unpack[SessionOptions],
    ) -> None:
        key = settings.instagram_api_key.get_secret_value()
        redaction.install((key,))
        self.configured = bool(key)
        base_url = settings.api_url("instagram_api_url")
        self._base = with_slash(base_url)
        headers = {"x-access-key": key, "Accept": "application/json"} if key else None
        self._session = api_session(API, settings, base_url, headers, **options)

    def profile(self, username: str) -> InstagramProfile | None:
        """GET v1/user/by/username?username=: the profile, or None when there is no such user."""
        if not self.configured:
            raise self._session.refuse_credential("INSTAGRAM_API_KEY is not set")
        try:
            with translating_errors(API):
                body = self._session.get(
                    self._base + "v1/user/by/username", params={"username": username}
                ).json()
        except NotFound:
            return None
        if not isinstance(body, dict):
            raise BadResponse("instagram answered something that is not an object")
        return cast(InstagramProfile, body)

    def close(self) -> None:
        self._session.close()


def instagram_client(settings: Settings | None = None) -> Instagram:
    """The process's Instagram client for `settings` (default: the environment's)."""
    return shared_client(API, Instagram, settings)
