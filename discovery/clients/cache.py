"""The shared HTTP cache: requests-cache on a Redis of its own (DISCOVERY_CACHE_URL, apart from
the broker, so it can be bounded with an LRU), an expiry per endpoint, secrets never stored, and
what no worker reads left out.

Only 200 responses to GET are stored. Credentials are headers (Authorization, x-access-key) or
query parameters on some providers: all are listed in IGNORED_PARAMETERS, which requests-cache
leaves out of cache keys and replaces by "REDACTED" in the stored request and response.

Each Spotify album and track is cached once: the Spotify client keeps one key per object (filled
from either the batch or the single-object endpoint), so those endpoints' responses are not
cached here as well. Every stored JSON body is slimmed of SLIMMED_FIELDS first.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime
from typing import Any, cast

import redis
import requests
from requests_cache import DO_NOT_CACHE
from requests_cache.backends.redis import RedisCache, RedisDict, RedisHashDict
from requests_cache.models.response import CachedResponse

from discovery.exceptions import ConfigurationError
from discovery.settings import parse_pairs

logger = logging.getLogger(__name__)

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

# Fields no worker reads (clients/types lists what they do read) that make up most of a stored
# answer: Spotify's ~185 country codes per album and per track, repeated in every page, and its
# copyrights; Genius's writers, descriptions, embeds, relationships and images (a song's `media`
# is kept: its Spotify link tells which track the page is).
SLIMMED_FIELDS = frozenset({
    "available_markets",
    "copyrights",
    "writer_artists",
    "description",
    "description_annotation",
    "embed_content",
    "song_relationships",
    "header_image_url",
    "header_image_thumbnail_url",
    "song_art_image_url",
    "song_art_image_thumbnail_url",
    "image_url",
})

# Cached endpoints by name (DISCOVERY_CACHE_TTLS uses these names) and their default expiry.
DEFAULT_TTLS_S: dict[str, int] = {
    "spotify.search": 1 * DAY_S,
    "spotify.artist": 1 * DAY_S,
    "spotify.artist_albums": 1 * DAY_S,
    "spotify.album_tracks": 30 * DAY_S,
    "spotify.objects": 30 * DAY_S,  # album and track objects, one key each (clients/spotify)
    "genius": 30 * DAY_S,
    "musicbrainz": 30 * DAY_S,
    "instagram": 7 * DAY_S,
}

# (path pattern relative to the API base, endpoint name or None: not cached here); first match wins.
ENDPOINTS: dict[str, tuple[tuple[re.Pattern[str], str | None], ...]] = {
    "spotify": (
        (re.compile(r"search/?$"), "spotify.search"),
        (re.compile(r"artists/[^/]+/albums/?$"), "spotify.artist_albums"),
        (re.compile(r"artists/[^/]+/?$"), "spotify.artist"),
        (re.compile(r"albums/[^/]+/tracks/?$"), "spotify.album_tracks"),
        (re.compile(r"(albums|tracks)(/[^/]+)?/?$"), None),
    ),
    "genius": ((re.compile(r".*"), "genius"),),
    "musicbrainz": ((re.compile(r".*"), "musicbrainz"),),
    "instagram": ((re.compile(r".*"), "instagram"),),
}


# Listings: what a refresh checks for change. Kept for less than the refresh cadence (half of it
# at most), so a listing is never older than the refresh that should have seen a change.
LISTINGS = ("spotify.search", "spotify.artist", "spotify.artist_albums")


def parse_ttls(text: str, cadence_s: float | None = None) -> dict[str, int]:
    """DEFAULT_TTLS_S with DISCOVERY_CACHE_TTLS ("genius=86400,spotify.search=3600") applied, the
    LISTINGS capped at half the refresh cadence `cadence_s`."""
    ttls = dict(DEFAULT_TTLS_S)
    for name, value in parse_pairs(text, "DISCOVERY_CACHE_TTLS").items():
        if name not in DEFAULT_TTLS_S:
            raise ConfigurationError(
                f"DISCOVERY_CACHE_TTLS: unknown endpoint {name!r}; known: {', '.join(DEFAULT_TTLS_S)}"
            )
        if not value.isdigit():
            raise ConfigurationError(f"DISCOVERY_CACHE_TTLS: {name}={value!r} is not whole seconds")
        ttls[name] = int(value)
    if cadence_s is not None:
        for name in LISTINGS:
            ttls[name] = min(ttls[name], int(cadence_s // 2))
    return ttls


def expiry_s(api: str, path: str, ttls: dict[str, int] | None = None) -> int:
    """Seconds to keep a 200 answer from `path` (the URL path after the API base), or DO_NOT_CACHE."""
    for pattern, endpoint in ENDPOINTS.get(api, ()):
        if pattern.search(path):
            seconds = (ttls or DEFAULT_TTLS_S).get(endpoint, 0) if endpoint else 0
            return seconds if seconds > 0 else int(DO_NOT_CACHE)
    return int(DO_NOT_CACHE)


def slim(value: Any) -> Any:
    """`value` without SLIMMED_FIELDS, at any depth."""
    if isinstance(value, dict):
        return {key: slim(item) for key, item in value.items() if key not in SLIMMED_FIELDS}
    if isinstance(value, list):
        return [slim(item) for item in value]
    return value


class SlimRedisCache(RedisCache):
    """requests-cache's Redis backend, storing JSON bodies slimmed (see SLIMMED_FIELDS).

    A cache that cannot answer (unreachable, or refusing writes at its memory limit) costs an API
    call, never the call itself: its errors are logged and treated as a miss.
    """

    def get_response(self, key: str, default: CachedResponse | None = None) -> CachedResponse | None:
        # The response and the redirect alias requests-cache would look up after a miss, read
        # in one round trip; only an alias found costs a second.
        try:
            responses, redirects = cast(RedisDict, self.responses), cast(RedisHashDict, self.redirects)
            pipe = responses.connection.pipeline(transaction=False)
            pipe.get(responses._bkey(key))
            pipe.hget(redirects._hash_key, key.encode())
            raw, alias = pipe.execute()
            if raw is None:
                return default if alias is None else super().get_response(key, default)
            response: CachedResponse | None = self.responses.deserialize(key, raw)
            return default if response is None else response
        except (AttributeError, KeyError):
            return default
        except redis.RedisError as error:
            _cache_unavailable("read", error)
            return default

    def delete(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().delete(*args, **kwargs)
        except redis.RedisError as error:
            _cache_unavailable("delete", error)

    def save_response(
        self, response: requests.Response, cache_key: str | None = None, expires: datetime | None = None
    ) -> None:
        try:
            self._save_slimmed(response, cache_key, expires)
        except redis.RedisError as error:
            _cache_unavailable("write", error)

    def _save_slimmed(self, response: requests.Response, cache_key: str | None, expires: datetime | None) -> None:
        cached = CachedResponse.from_response(response, expires=expires)
        try:
            body = json.loads(cached.content or b"")
        except ValueError:
            pass  # not JSON: stored as it came
        else:
            cached._content = json.dumps(slim(body), separators=(",", ":")).encode()
        super().save_response(cached, cache_key or self.create_key(response.request), expires)


def _cache_unavailable(what: str, error: redis.RedisError) -> None:
    logger.warning(
        "HTTP cache %s failed (%s): answered without the cache", what, error,
        extra={"action": "cache_unavailable", "operation": what},
    )


def redis_backend(api: str, connection: redis.Redis) -> RedisCache:
    """The requests-cache backend for one API, in a namespace of its own."""
    # Redis drops an entry by itself an hour after it expired (requests-cache's TTL offset).
    return SlimRedisCache(namespace=f"{CACHE_NAMESPACE}:{api}", connection=connection, ttl=True)


STATS_KEY = "discovery:http-cache-stats:{api}"


def count_lookup(connection: redis.Redis, api: str, hit: bool) -> None:
    """Count one cacheable request as a hit or a miss (for `discovery status`)."""
    connection.hincrby(STATS_KEY.format(api=api), "hits" if hit else "misses", 1)


def hit_ratio(connection: redis.Redis, api: str) -> float | None:
    """Share of cacheable requests answered from the cache, cluster-wide; None before any."""
    counts = connection.hgetall(STATS_KEY.format(api=api))
    hits, misses = int(counts.get(b"hits", 0)), int(counts.get(b"misses", 0))
    return round(hits / (hits + misses), 3) if hits + misses else None
