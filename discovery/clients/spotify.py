"""Spotify Web API through spotipy, on the shared HTTP layer.

Client credentials: the token lives in Redis (spotipy's RedisCacheHandler) and is fetched by one
process at a time under a Redis lock, so the whole cluster shares one token.

Quota modes (SPOTIFY_QUOTA_MODE): `development` (the default: Extended Quota Mode has been for
large companies only since May 2025) uses single-object endpoints and pages of 10; `extended`
uses the batch endpoints (20 albums, 50 tracks) and pages of 50 where the endpoint allows them;
`auto` starts extended and, on the first 403 from a batch endpoint, switches the whole cluster to
development, remembered in Redis for `MODE_MEMORY_S`. Nothing else switches it: a 5xx, malformed
JSON or another 4xx is that call's error, not a verdict on the app's quota.

Page sizes are per endpoint and quota mode (`PAGE_SIZES`): search and `artists/{id}/albums` take at
most 10 in Development Mode and 50 in Extended Quota Mode (the 2026 spec). A 400 "Invalid limit"
is a refusal of that request's shape: the call is asked again with 10 and the endpoint's smaller
page remembered cluster-wide (`PAGE_CAP_KEY`), never a mode change.

Every call names the market (SPOTIFY_MARKET, default US): without one Spotify lists the same
album once per market under different ids.

Every album and track object seen is kept once, slimmed (clients/cache), in the cache's Redis
under `discovery:spotify:album:<id>` (or `track:`) for DISCOVERY_CACHE_TTLS' `spotify.objects`,
so `album(id)` after `albums([...])` costs no request, in any process; the batch and single
endpoints' responses are not cached besides.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, TypeVar, Unpack, cast

import redis
import spotipy

from discovery.clients import redaction
from discovery.clients.cache import parse_ttls, slim
from discovery.clients.factory import shared_client
from discovery.clients.http import (
    Forbidden,
    translating_errors,
)
from discovery.clients.redis_pool import shared_redis
from discovery.clients.session import DEFAULT_TIMEOUT_S, SessionOptions, api_session, with_slash
from discovery.clients.spotify_token import SharedClientCredentials
from discovery.clients.types import SpotifyAlbum, SpotifyArtist, SpotifyPaging, SpotifyTrack
from discovery.exceptions import (
    BadRequest,
    BadResponse,
    NotFound,
    Unauthorized,
    UpstreamUnavailable,
)
from discovery.settings import Settings

logger = logging.getLogger(__name__)

API = "spotify"
ALBUM_BATCH = 20
TRACK_BATCH = 50
ALBUM_TRACKS_PAGE = 50
# Items per page for each paged endpoint in each mode (the 2026 spec's maximum).
PAGE_SIZES: dict[str, dict[str, int]] = {
    "search": {"development": 10, "extended": 50},
    "artist_albums": {"development": 10, "extended": 50},
}
SMALL_PAGE = 10
PAGE_CAP_KEY = "discovery:spotify:page-cap:{endpoint}"
MODE_KEY = "discovery:spotify:mode"
# When the cluster switched (epoch seconds), for `discovery status`.
MODE_SINCE_KEY = "discovery:spotify:mode-since"
# How long the cluster remembers that the app is in development mode before trying batches again.
MODE_MEMORY_S = 6 * 3600
OBJECT_KEY = "discovery:spotify:{kind}:{id}"

T = TypeVar("T")


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Spotify:
    """Spotify Web API client; see the module docstring."""

    def __init__(
        self,
        settings: Settings,
        **options: Unpack[SessionOptions],
    ) -> None:
        self.settings = settings
        self._redis = shared_redis(settings.redis_url)
        # Objects may be evicted (an eviction costs a request); the token and mode may not.
        self._objects = shared_redis(settings.cache_url())
        self._object_ttl_s = parse_ttls(settings.discovery_cache_ttls)["spotify.objects"]
        secret = settings.spotify_client_secret.get_secret_value()
        client_id = settings.spotify_client_id.get_secret_value()
        redaction.install((secret,))
        base_url = settings.api_url("spotify_api_url")
        self._session = api_session(API, settings, base_url, **options)
        # A 401 may only mean the shared token expired: _call fetches a new one before holding.
        self._session.hold_on_401 = False
        timeout_s = options.get("timeout_s", DEFAULT_TIMEOUT_S)
        self.configured = bool(client_id and secret)
        # spotipy refuses empty credentials at construction; calls refuse them below instead.
        self._auth = SharedClientCredentials(
            client_id or "unset", secret or "unset", settings.api_url("spotify_token_url"), self._redis, timeout_s
        )
        self._sp = spotipy.Spotify(
            auth_manager=self._auth,
            requests_session=self._session,
            requests_timeout=timeout_s,
            retries=0,
            status_retries=0,
        )
        self._sp.prefix = with_slash(base_url)

    # -- mode -------------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        """The effective quota mode: "development" or "extended"."""
        configured = self.settings.spotify_quota_mode
        if configured != "auto":
            return configured
        return "development" if self._redis.get(MODE_KEY) == b"development" else "extended"

    @property
    def market(self) -> str:
        return self.settings.spotify_market

    def page_size(self, endpoint: str) -> int:
        """Items per page for a paged endpoint: its size in this mode, or the smaller one it was
        seen to require (PAGE_CAP_KEY)."""
        size = PAGE_SIZES[endpoint][self.mode]
        cap = self._redis.get(PAGE_CAP_KEY.format(endpoint=endpoint))
        return min(size, int(cap)) if cap else size

    def _switch_to_development(self, why: str) -> bool:
        """In auto mode, move the whole cluster to development mode; False when not in auto."""
        if self.settings.spotify_quota_mode != "auto":
            return False
        if self._redis.set(MODE_KEY, "development", ex=MODE_MEMORY_S, get=True) != b"development":
            self._redis.set(MODE_SINCE_KEY, repr(time.time()), ex=MODE_MEMORY_S)
            logger.warning(
                "spotify switched to development mode: %s",
                why,
                extra={"action": "spotify_mode_switched", "api": API, "mode": "development"},
            )
        return True

    # -- calls ------------------------------------------------------------------------------

    def _call(self, fn: Callable[[], T]) -> T:
        """Run one spotipy call; a 401 fetches a new token once; only project errors leave."""
        if not self.configured:
            raise self._session.refuse_credential("SPOTIFY_CLIENT_ID or SPOTIFY_CLIENT_SECRET is not set")
        # Held (credential, quota, breaker)? Then not even the token endpoint is asked.
        self._session.breaker.check()
        for attempt in (1, 2):
            try:
                with translating_errors(API):
                    try:
                        result = fn()
                    except spotipy.SpotifyException as error:
                        # spotipy raises these itself only for ids it cannot parse.
                        raise BadResponse(f"spotify request refused: {error.msg}") from None
                    except spotipy.oauth2.SpotifyOauthError:
                        raise Unauthorized("spotify refused the client credentials") from None
            except Unauthorized as error:
                if error.retry_after_s is not None:
                    raise  # the API is already held for a refused credential
                if attempt == 2:
                    raise self._session.refuse_credential(str(error)) from None
                self._auth.forget_token()
                continue
            if not isinstance(result, dict):
                raise BadResponse("spotify answered something that is not a JSON object")
            return cast(T, result)
        raise UpstreamUnavailable("spotify: unreachable")  # not reached

    def _paged(self, endpoint: str, fn: Callable[[int], dict[str, Any]]) -> dict[str, Any]:
        """A paged call with the endpoint's page size. A 400 "Invalid limit" for a page above 10
        is that request's shape: asked again with 10, and the endpoint's cap remembered for every
        process (no mode change; a 5xx or an unreadable answer says nothing about page sizes)."""
        size = self.page_size(endpoint)
        try:
            return self._call(lambda: fn(size))
        except BadRequest as error:
            if size <= SMALL_PAGE or "limit" not in str(error).lower():
                raise
        self._redis.set(PAGE_CAP_KEY.format(endpoint=endpoint), SMALL_PAGE, ex=MODE_MEMORY_S)
        logger.warning(
            "spotify %s refused a page of %s; pages of %s from now on",
            endpoint,
            size,
            SMALL_PAGE,
            extra={"action": "spotify_page_capped", "api": API, "endpoint": endpoint},
        )
        return self._call(lambda: fn(SMALL_PAGE))

    def search_artists(self, name: str) -> list[SpotifyArtist]:
        """GET search?type=artist&q=<name>&market=: the first page."""
        result = self._paged(
            "search", lambda limit: self._sp.search(q=name, limit=limit, type="artist", market=self.market)
        )
        try:
            return cast(list[SpotifyArtist], result["artists"]["items"])
        except (KeyError, TypeError):
            raise BadResponse("spotify search answered without artists.items") from None

    def artist(self, artist_id: str) -> SpotifyArtist:
        """GET artists/{id}."""
        return cast(SpotifyArtist, self._call(lambda: self._sp.artist(artist_id)))

    def artist_albums(
        self, artist_id: str, offset: int = 0, include_groups: str = "album,single"
    ) -> SpotifyPaging:
        """GET artists/{id}/albums?market=: one page from `offset` (spotipy's artist_albums sends
        `country`, which the endpoint does not take: the path is asked directly)."""

        def page(limit: int) -> dict[str, Any]:
            path = f"artists/{self._sp._get_id('artist', artist_id)}/albums"
            found: dict[str, Any] = self._sp._get(
                path, include_groups=include_groups, market=self.market, limit=limit, offset=offset
            )
            return found

        return cast(SpotifyPaging, self._paged("artist_albums", page))

    def _remember(self, kind: str, objects: Iterable[dict[str, Any]]) -> None:
        if self._object_ttl_s <= 0:
            return
        pipe = self._objects.pipeline(transaction=False)
        for obj in objects:
            pipe.set(
                OBJECT_KEY.format(kind=kind, id=obj["id"]),
                json.dumps(slim(obj), separators=(",", ":")),
                ex=self._object_ttl_s,
            )
        try:
            pipe.execute()
        except redis.RedisError as error:  # the cache at its limit or away: a later call costs more
            logger.warning("spotify objects not cached: %s", error, extra={"action": "cache_unavailable"})

    def _remembered(self, kind: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        try:
            raw = self._objects.mget([OBJECT_KEY.format(kind=kind, id=i) for i in ids])
        except redis.RedisError as error:
            logger.warning("spotify object cache unreadable: %s", error, extra={"action": "cache_unavailable"})
            return {}
        return {i: json.loads(r) for i, r in zip(ids, raw, strict=True) if r is not None}

    def _many(
        self, kind: str, ids: Iterable[str], batch: int, fetch_batch: Callable[..., Any]
    ) -> list[dict[str, Any]]:
        """Objects for `ids` in order, from Redis, batch endpoints or single ones by mode."""
        wanted = list(dict.fromkeys(ids))
        found = self._remembered(kind, wanted)
        missing = [i for i in wanted if i not in found]
        if missing and self.mode == "extended":
            try:
                for chunk in _chunks(missing, batch):
                    got = self._call(partial(fetch_batch, chunk, market=self.market))
                    objects = [o for o in got.get(f"{kind}s") or [] if isinstance(o, dict)]
                    self._remember(kind, objects)
                    found.update((o["id"], o) for o in objects)
                # Ids the batch answered null for are unknown: left out, as in development mode.
                missing = []
            except Forbidden:
                if not self._switch_to_development(f"{kind}s?ids= answered 403"):
                    raise
                missing = [i for i in missing if i not in found]
        for object_id in missing:
            try:
                found[object_id] = self._fetch_single(kind, object_id)
            except NotFound:
                continue
        return [found[i] for i in wanted if i in found]

    def _single(self, kind: str, object_id: str) -> dict[str, Any]:
        remembered = self._remembered(kind, [object_id])
        if remembered:
            return remembered[object_id]
        return self._fetch_single(kind, object_id)

    def _fetch_single(self, kind: str, object_id: str) -> dict[str, Any]:
        """GET albums/{id} or tracks/{id}, and remember the object for every process."""
        fetch = self._sp.album if kind == "album" else self._sp.track
        obj: dict[str, Any] = self._call(lambda: fetch(object_id, market=self.market))
        self._remember(kind, [obj])
        return obj

    def albums(self, ids: Iterable[str]) -> list[SpotifyAlbum]:
        """Full album objects, in the order asked; unknown ids are left out.
        Extended: GET albums?ids= (20 a call); development: GET albums/{id} one by one."""
        return cast(list[SpotifyAlbum], self._many("album", ids, ALBUM_BATCH, self._sp.albums))

    def album(self, album_id: str) -> SpotifyAlbum:
        """GET albums/{id}, unless any process already has this album from either endpoint."""
        return cast(SpotifyAlbum, self._single("album", album_id))

    def album_tracks(self, album_id: str, offset: int = 0) -> SpotifyPaging:
        """GET albums/{id}/tracks?market=: one page of 50 from `offset`."""
        return cast(
            SpotifyPaging,
            self._call(
                lambda: self._sp.album_tracks(album_id, limit=ALBUM_TRACKS_PAGE, offset=offset, market=self.market)
            ),
        )

    def tracks(self, ids: Iterable[str]) -> list[SpotifyTrack]:
        """Full track objects (with external_ids), in the order asked; unknown ids are left out.
        Extended: GET tracks?ids= (50 a call); development: GET tracks/{id} one by one."""
        return cast(list[SpotifyTrack], self._many("track", ids, TRACK_BATCH, self._sp.tracks))

    def track(self, track_id: str) -> SpotifyTrack:
        """GET tracks/{id}, unless any process already has this track."""
        return cast(SpotifyTrack, self._single("track", track_id))

    def close(self) -> None:
        self._session.close()


def mode_state(client: redis.Redis, configured: str) -> tuple[str, float | None]:
    """The cluster's effective quota mode and, when auto mode switched, since when (epoch s)."""
    if configured != "auto":
        return configured, None
    mode, since = client.mget(MODE_KEY, MODE_SINCE_KEY)
    if mode != b"development":
        return "extended", None
    return "development", float(since) if since else None


def spotify_client(settings: Settings | None = None) -> Spotify:
    """The process's Spotify client for `settings` (default: the environment's)."""
    return shared_client(API, Spotify, settings)
