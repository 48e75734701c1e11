"""The shared HTTP cache: requests-cache on Redis, an expiry per endpoint, secrets never stored.

Only 200 responses to GET are stored. Credentials are headers (Authorization, x-access-key) or
query parameters on some providers: all are listed in IGNORED_PARAMETERS, which requests-cache
leaves out of cache keys and replaces by "REDACTED" in the stored request and response.
"""

from __future__ import annotations

import re

import redis
from requests_cache import DO_NOT_CACHE, RedisCache

DAY_S = 24 * 3600
CACHE_NAMESPACE = "discovery:http"

# Header and parameter names are matched exactly by requests-cache, so list each spelling in use.
IGNORED_PARAMETERS: tuple[str, ...] = (
    "Authorization",
    "authorization",
    "x-access-key",
    "X-Access-Key",
    "access_token",
    "client_secret",
    "api_key",
    "key",
)

# (path pattern relative to the API base, expiry seconds); the first match wins; no match: not cached.
EXPIRY_RULES: dict[str, tuple[tuple[re.Pattern[str], int], ...]] = {
    "spotify": (
        (re.compile(r"search/?$"), 1 * DAY_S),
        (re.compile(r"artists/[^/]+/albums/?$"), 1 * DAY_S),
        (re.compile(r"artists/[^/]+/?$"), 1 * DAY_S),
        (re.compile(r"albums/[^/]+/tracks/?$"), 30 * DAY_S),
        (re.compile(r"(albums|tracks)(/[^/]+)?/?$"), 30 * DAY_S),
    ),
    "genius": ((re.compile(r".*"), 30 * DAY_S),),
    "musicbrainz": ((re.compile(r".*"), 30 * DAY_S),),
    "instagram": ((re.compile(r".*"), 7 * DAY_S),),
}


def expiry_s(api: str, path: str) -> int:
    """Seconds to keep a 200 answer from `path` (the URL path after the API base), or DO_NOT_CACHE."""
    for pattern, seconds in EXPIRY_RULES.get(api, ()):
        if pattern.search(path):
            return seconds
    return int(DO_NOT_CACHE)


def redis_backend(api: str, connection: redis.Redis) -> RedisCache:
    """The requests-cache backend for one API, in a namespace of its own."""
    # Redis drops an entry by itself an hour after it expired (requests-cache's TTL offset).
    return RedisCache(namespace=f"{CACHE_NAMESPACE}:{api}", connection=connection, ttl=True)


STATS_KEY = "discovery:http-cache-stats:{api}"


def count_lookup(connection: redis.Redis, api: str, hit: bool) -> None:
    """Count one cacheable request as a hit or a miss (for `discovery status`)."""
    connection.hincrby(STATS_KEY.format(api=api), "hits" if hit else "misses", 1)


def hit_ratio(connection: redis.Redis, api: str) -> float | None:
    """Share of cacheable requests answered from the cache, cluster-wide; None before any."""
    counts = connection.hgetall(STATS_KEY.format(api=api))
    hits, misses = int(counts.get(b"hits", 0)), int(counts.get(b"misses", 0))
    return round(hits / (hits + misses), 3) if hits + misses else None
