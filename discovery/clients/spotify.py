"""Spotify Web API through spotipy, on the shared HTTP layer.

Client credentials: the token lives in Redis (spotipy's RedisCacheHandler) and is fetched by one
process at a time under a Redis lock, so the whole cluster shares one token.

Quota modes (SPOTIFY_QUOTA_MODE): `extended` uses the batch endpoints (20 albums, 50 tracks) and
pages of 50; `development` uses single-object endpoints and pages of 10; `auto` starts extended
and, on the first 403 from a batch endpoint (or a 400 for a page of 50: the page size's refusal),
switches the whole cluster to development, remembered in Redis for `MODE_MEMORY_S` (hours: the
app may be granted extended quota meanwhile). Nothing else switches it: a 5xx, malformed JSON or
another 4xx is that call's error, not a verdict on the app's quota.

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
import requests
import spotipy
from spotipy.cache_handler import RedisCacheHandler
from spotipy.oauth2 import SpotifyClientCredentials

from discovery.clients import redaction
from discovery.clients.cache import parse_ttls, slim
from discovery.clients.factory import shared_client
from discovery.clients.http import (
    Forbidden,
    error_for_status,
    translating_errors,
)
from discovery.clients.redis_pool import shared_redis
from discovery.clients.session import DEFAULT_TIMEOUT_S, SessionOptions, api_session, with_slash
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
PAGE_SIZES = {"development": 10, "extended": 50}
TOKEN_KEY = "discovery:spotify:token"
TOKEN_LOCK_KEY = "discovery:spotify:token-lock"
TOKEN_LOCK_TIMEOUT_S = 15
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


class SharedClientCredentials(SpotifyClientCredentials):  # type: ignore[misc]  # spotipy ships no types
    """Client credentials whose token is shared through Redis and fetched by one process."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        token_url: str,
        client: redis.Redis,
        timeout_s: Any,
    ) -> None:
        session = requests.Session()
        super().__init__(
            client_id=client_id,
            client_secret=client_secret,
            requests_session=session,
            requests_timeout=timeout_s,
            cache_handler=RedisCacheHandler(client, key=TOKEN_KEY),
        )
        self.OAUTH_TOKEN_URL = token_url
        self._redis = client

    def get_access_token(self, as_dict: bool = False, check_cache: bool = True) -> Any:
        if check_cache:
            token_info = self.cache_handler.get_cached_token()
            if token_info and not self.is_token_expired(token_info):
                return token_info if as_dict else token_info["access_token"]
        # One process asks; the others wait for it and read its token.
        with self._redis.lock(
            TOKEN_LOCK_KEY, timeout=TOKEN_LOCK_TIMEOUT_S, blocking_timeout=TOKEN_LOCK_TIMEOUT_S
        ):
            token_info = self.cache_handler.get_cached_token()
            if not token_info or self.is_token_expired(token_info):
                token_info = self._add_custom_values_to_token_info(self._request_access_token())
                self.cache_handler.save_token_to_cache(token_info)
                logger.info("spotify token fetched", extra={"action": "token_fetched", "api": API})
        return token_info if as_dict else token_info["access_token"]

    def _request_access_token(self) -> dict[str, Any]:
        """POST the token endpoint; statuses become the project's errors, never spotipy's."""
        headers = spotipy.oauth2._make_authorization_headers(self.client_id, self.client_secret)
        with translating_errors(API):
            response = self._session.post(
                self.OAUTH_TOKEN_URL,
                data={"grant_type": "client_credentials"},
                headers=headers,
                timeout=self.requests_timeout,
            )
            error = error_for_status(API, response)
            if error is not None:
                if response.status_code in (400, 401, 403):
                    raise Unauthorized("spotify refused the client credentials")
                raise error
            token_info = response.json()
            if not isinstance(token_info, dict) or "access_token" not in token_info:
                raise BadResponse("spotify token endpoint answered without an access_token")
            return token_info

    def forget_token(self) -> None:
        self._redis.delete(TOKEN_KEY)


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
    def page_size(self) -> int:
        """Items per page for search and artist albums: 10 in development mode, 50 in extended."""
        return PAGE_SIZES[self.mode]

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

    def _paged(self, fn: Callable[[int], dict[str, Any]]) -> dict[str, Any]:
        """A paged call with the mode's page size; auto mode falls back to 10 on a 400 for 50
        (only a 400: a 5xx or an answer we cannot read says nothing about the page size)."""
        size = self.page_size
        try:
            return self._call(lambda: fn(size))
        except BadRequest:
            if size == PAGE_SIZES["development"] or not self._switch_to_development(
                f"a page of {size} was refused"
            ):
                raise
        return self._call(lambda: fn(PAGE_SIZES["development"]))

    def search_artists(self, name: str) -> list[SpotifyArtist]:
        """GET search?type=artist&q=<name>: the first page (page_size items)."""
        result = self._paged(lambda limit: self._sp.search(q=name, limit=limit, type="artist"))
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
        """GET artists/{id}/albums: one page (limit = page_size) from `offset`."""
        return cast(
            SpotifyPaging,
            self._paged(
                lambda limit: self._sp.artist_albums(
                    artist_id, include_groups=include_groups, limit=limit, offset=offset
                )
            ),
        )

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
        self, kind: str, ids: Iterable[str], batch: int, fetch_batch: Callable[[list[str]], Any]
    ) -> list[dict[str, Any]]:
        """Objects for `ids` in order, from Redis, batch endpoints or single ones by mode."""
        wanted = list(dict.fromkeys(ids))
        found = self._remembered(kind, wanted)
        missing = [i for i in wanted if i not in found]
        if missing and self.mode == "extended":
            try:
                for chunk in _chunks(missing, batch):
                    got = self._call(partial(fetch_batch, chunk))
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
        obj: dict[str, Any] = self._call(lambda: fetch(object_id))
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
        """GET albums/{id}/tracks: one page of 50 from `offset`."""
        return cast(
            SpotifyPaging,
            self._call(
                lambda: self._sp.album_tracks(album_id, limit=ALBUM_TRACKS_PAGE, offset=offset)
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
