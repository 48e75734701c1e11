"""The Instagram data provider (HikerAPI-style), on the shared HTTP layer; optional."""

from __future__ import annotations

from typing import cast

from discovery.clients import redaction
from discovery.clients.breakers import ApiBreaker, BreakerPolicy
from discovery.clients.factory import shared_client
from discovery.clients.http import CONNECT_TIMEOUT_S, READ_TIMEOUT_S, ApiSession, translating_errors
from discovery.clients.ratelimit import DEFAULT_MAX_WAIT_S, SharedRateLimit, parse_rate_limits
from discovery.clients.types import InstagramProfile
from discovery.exceptions import BadResponse, NotFound, Unauthorized
from discovery.settings import Settings

API = "instagram"


class Instagram:
    """Instagram provider client. `configured` is False without INSTAGRAM_API_KEY: skip it."""

    def __init__(
        self,
        settings: Settings,
        *,
        timeout_s: float | tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
        breaker_policy: BreakerPolicy | None = None,
        max_wait_s: float = DEFAULT_MAX_WAIT_S,
        retries: int = 3,
    ) -> None:
        key = settings.instagram_api_key.get_secret_value()
        redaction.install((key,))
        self.configured = bool(key)
        base_url = settings.api_url("instagram_api_url")
        self._base = base_url if base_url.endswith("/") else base_url + "/"
        rate = parse_rate_limits(settings.discovery_rate_limits).get(API)
        self._session = ApiSession(
            API,
            base_url,
            settings.redis_url,
            rate_limit=SharedRateLimit(API, rate, settings.redis_url, max_wait_s=max_wait_s)
            if rate
            else None,
            breaker=ApiBreaker(API, settings.redis_url, breaker_policy),
            timeout_s=timeout_s,
            retries=retries,
            headers={"x-access-key": key, "Accept": "application/json"} if key else None,
        )

    def profile(self, username: str) -> InstagramProfile | None:
        """GET v1/user/by/username?username=: the profile, or None when there is no such user."""
        if not self.configured:
            raise Unauthorized("INSTAGRAM_API_KEY is not set")
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
