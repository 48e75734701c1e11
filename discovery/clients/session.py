"""Building one API's session from settings: its base URL, shared rate limit and breaker."""

from __future__ import annotations

from typing import TypedDict, Unpack

from discovery.clients.breakers import ApiBreaker, BreakerPolicy
from discovery.clients.cache import parse_ttls
from discovery.clients.credentials import fingerprint
from discovery.clients.http import CONNECT_TIMEOUT_S, READ_TIMEOUT_S, ApiSession
from discovery.clients.ratelimit import DEFAULT_MAX_WAIT_S, SharedRateLimit, parse_rate_limits
from discovery.settings import Settings

DEFAULT_TIMEOUT_S: tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)
DEFAULT_RETRIES = 3


class SessionOptions(TypedDict, total=False):
    """What a test (or a caller with special needs) may change about a client's session."""

    timeout_s: float | tuple[float, float]
    breaker_policy: BreakerPolicy | None
    max_wait_s: float
    retries: int


def with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def api_session(
    api: str,
    settings: Settings,
    base_url: str,
    headers: dict[str, str] | None = None,
    **options: Unpack[SessionOptions],
) -> ApiSession:
    """The shared-cache, rate-limited, breaker-guarded session for `api`."""
    rate = parse_rate_limits(settings.discovery_rate_limits).get(api)
    max_wait_s = options.get("max_wait_s", DEFAULT_MAX_WAIT_S)
    return ApiSession(
        api,
        base_url,
        settings.redis_url,
        cache_url=settings.cache_url(),
        ttls=parse_ttls(settings.discovery_cache_ttls, settings.discovery_refresh_cadence_s),
        rate_limit=SharedRateLimit(api, rate, settings.redis_url, max_wait_s=max_wait_s) if rate else None,
        breaker=ApiBreaker(api, settings.redis_url, options.get("breaker_policy"), fingerprint(api, settings)),
        timeout_s=options.get("timeout_s", DEFAULT_TIMEOUT_S),
        retries=options.get("retries", DEFAULT_RETRIES),
        headers=headers,
        credential_recheck_s=settings.discovery_credential_recheck_s,
        max_response_bytes=settings.discovery_max_response_bytes,
    )
