"""Spotify's client-credentials token, shared by the whole cluster: kept in Redis (spotipy's
RedisCacheHandler) and fetched by one process at a time under a Redis lock. A wait for that lock
that runs out is a throttle (the holder is slow), never a spent attempt."""

from __future__ import annotations

import logging
from typing import Any

import redis
import requests
import spotipy
from spotipy.cache_handler import RedisCacheHandler
from spotipy.oauth2 import SpotifyClientCredentials

from discovery.clients.http import error_for_status, translating_errors
from discovery.exceptions import BadResponse, RateLimited, Unauthorized

logger = logging.getLogger(__name__)

API = "spotify"
TOKEN_KEY = "discovery:spotify:token"
TOKEN_LOCK_KEY = "discovery:spotify:token-lock"
TOKEN_LOCK_TIMEOUT_S = 15
# Another process is fetching the token and did not finish within the lock's wait: come back soon.
TOKEN_LOCK_RETRY_S = 2.0


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
        # One process asks; the others wait for it and read its token. A wait that runs out (or a
        # lock lost to its timeout) is the token's holder being slow, not this message's failure.
        try:
            with self._redis.lock(
                TOKEN_LOCK_KEY, timeout=TOKEN_LOCK_TIMEOUT_S, blocking_timeout=TOKEN_LOCK_TIMEOUT_S
            ):
                token_info = self.cache_handler.get_cached_token()
                if not token_info or self.is_token_expired(token_info):
                    token_info = self._add_custom_values_to_token_info(self._request_access_token())
                    self.cache_handler.save_token_to_cache(token_info)
                    logger.info("spotify token fetched", extra={"action": "token_fetched", "api": API})
        except redis.exceptions.LockError as error:
            logger.warning("spotify token lock: %s", error, extra={"action": "token_lock_waited", "api": API})
            raise RateLimited(API, TOKEN_LOCK_RETRY_S) from None
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
