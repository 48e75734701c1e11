"""One HTTP layer for every client: shared cache, shared rate limit, shared breaker, retries for
connection errors and 5xx, and every failure turned into one of the project's errors.

`ApiSession` is a requests session (requests-cache's CachedSession), so spotipy and lyricsgenius
run on it unchanged. A GET is answered from the Redis cache when it can be, without spending a
rate-limit slot; otherwise the API's deadline and breaker are checked, a slot is taken, and the
request is sent. Statuses other than 2xx never reach the library on top: they raise here.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests_cache import DO_NOT_CACHE, CachedSession
from urllib3.util.retry import Retry

from discovery.clients.breakers import ApiBreaker
from discovery.clients.cache import IGNORED_PARAMETERS, count_lookup, expiry_s, redis_backend
from discovery.clients.ratelimit import SharedRateLimit
from discovery.clients.redis_pool import shared_redis
from discovery.exceptions import (
    BadResponse,
    DiscoveryError,
    NotFound,
    QuotaExhausted,
    RateLimited,
    Unauthorized,
    UpstreamUnavailable,
)

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 3.05
READ_TIMEOUT_S = 10.0
RETRIES = 3
RETRY_BACKOFF_S = 0.2
RETRY_STATUSES = frozenset({500, 502, 503, 504})
# A 429 without a usable Retry-After: wait this long before asking again.
DEFAULT_RETRY_AFTER_S = 1.0
USER_AGENT = "discovery/0.1"


class Forbidden(Unauthorized):
    """HTTP 403: the credentials work but this endpoint is refused (e.g. Spotify Development Mode)."""


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _error_reason(response: requests.Response) -> str:
    """Spotify's `error.reason` (e.g. QUOTA_EXCEEDED), when the body has one."""
    try:
        body = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    return str(error.get("reason") or "") if isinstance(error, dict) else ""


def error_for_status(api: str, response: requests.Response) -> DiscoveryError | None:
    """The project's error for a non-2xx answer to a call, or None for a success."""
    status = response.status_code
    if status < 300:
        return None
    path = urlsplit(response.url).path
    if status == 404:
        return NotFound(f"{api} has no {path}")
    if status == 401:
        return Unauthorized(f"{api} refused the credentials (401) for {path}")
    if status == 403:
        return Forbidden(f"{api} refused {path} (403)")
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        retry_after = DEFAULT_RETRY_AFTER_S if retry_after is None else retry_after
        if _error_reason(response) == "QUOTA_EXCEEDED":
            return QuotaExhausted(api, time.time() + retry_after, retry_after)
        return RateLimited(api, retry_after)
    if status >= 500:
        return UpstreamUnavailable(f"{api} answered {status} for {path}")
    return BadResponse(f"{api} answered {status} for {path}")


@contextmanager
def translating_errors(api: str) -> Iterator[None]:
    """Whatever a library raises below us leaves as one of the project's errors."""
    try:
        yield
    except DiscoveryError:
        raise
    except requests.Timeout as error:
        raise UpstreamUnavailable(f"{api} timed out ({type(error).__name__})") from None
    except requests.RequestException as error:
        raise UpstreamUnavailable(f"{api} unreachable ({type(error).__name__})") from None
    except (ValueError, KeyError, TypeError, AttributeError, AssertionError) as error:
        # Malformed JSON, a missing field, a library's assertion about the answer.
        raise BadResponse(f"{api} answered something unusable ({type(error).__name__})") from None


def mount_retries(session: requests.Session, retries: int = RETRIES) -> None:
    """Retry connection errors and 5xx, with exponential backoff and jitter; never a 429 or a
    timed-out read (the first is the caller's to schedule, the second would multiply a hang)."""
    retry = Retry(
        total=retries,
        connect=retries,
        read=False,
        status=retries,
        other=0,
        allowed_methods=frozenset({"GET"}),
        status_forcelist=RETRY_STATUSES,
        backoff_factor=RETRY_BACKOFF_S,
        backoff_jitter=RETRY_BACKOFF_S,
        backoff_max=2.0,
        respect_retry_after_header=False,
        raise_on_status=False,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)


class ApiSession(CachedSession):
    """A requests session for one API; see the module docstring."""

    def __init__(
        self,
        api: str,
        base_url: str,
        redis_url: str,
        *,
        rate_limit: SharedRateLimit | None,
        breaker: ApiBreaker,
        timeout_s: float | tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
        retries: int = RETRIES,
        headers: dict[str, str] | None = None,
        expire_after: Callable[[str], int] | None = None,
    ) -> None:
        self._redis = shared_redis(redis_url)
        super().__init__(
            backend=redis_backend(api, self._redis),
            allowable_codes=(200,),
            allowable_methods=("GET",),
            ignored_parameters=IGNORED_PARAMETERS,
            match_headers=False,
            expire_after=DO_NOT_CACHE,
        )
        self.api = api
        self.base_url = base_url
        self.rate_limit = rate_limit
        self.breaker = breaker
        self.timeout_s = timeout_s
        self._expire_after = expire_after or (lambda path: expiry_s(api, path))
        self.headers.update({"User-Agent": USER_AGENT, **(headers or {})})
        mount_retries(self, retries)

    def _path(self, url: str) -> str:
        """The URL's path after the API base ("albums/abc"), which the expiry rules match."""
        base = urlsplit(self.base_url).path
        path = urlsplit(url).path
        return path[len(base) :] if path.startswith(base) else path.lstrip("/")

    def request(  # type: ignore[override]
        self, method: str, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        url = url.decode() if isinstance(url, bytes) else url
        # Library timeouts (spotipy's 5 s, lyricsgenius's 5 s) yield to ours.
        kwargs["timeout"] = self.timeout_s
        for unused in ("expire_after", "only_if_cached"):
            kwargs.pop(unused, None)
        expire = self._expire_after(self._path(url)) if method.upper() == "GET" else DO_NOT_CACHE
        with translating_errors(self.api):
            if expire != DO_NOT_CACHE:
                # The session's default is "do not cache", which also skips reading: say the expiry.
                cached = super().request(
                    method, url, *args, only_if_cached=True, expire_after=expire, **kwargs
                )
                hit = getattr(cached, "from_cache", False) and cached.status_code == 200
                count_lookup(self._redis, self.api, hit)
                if hit:
                    return cached
            self.breaker.check()
            if self.rate_limit is not None:
                self.rate_limit.acquire()
            response: requests.Response = self.breaker.call(
                self._send, method, url, args, kwargs, expire
            )
        error = error_for_status(self.api, response)
        if error is not None:
            raise error
        return response

    def _send(
        self, method: str, url: str, args: tuple[Any, ...], kwargs: dict[str, Any], expire: int
    ) -> requests.Response:
        """One request upstream; raises (and so counts for the breaker) on 5xx, 429 and no answer."""
        started = time.monotonic()
        try:
            response = super().request(method, url, *args, expire_after=expire, **kwargs)
        except requests.Timeout:
            raise UpstreamUnavailable(f"{self.api} timed out") from None
        except requests.RequestException as error:
            raise UpstreamUnavailable(f"{self.api} unreachable ({type(error).__name__})") from None
        logger.debug(
            "%s %s answered %s in %.0f ms",
            self.api,
            urlsplit(url).path,
            response.status_code,
            (time.monotonic() - started) * 1000,
            extra={"action": "api_called", "api": self.api, "status": response.status_code},
        )
        error = error_for_status(self.api, response) if response.status_code == 429 else None
        if error is not None:
            if isinstance(error, QuotaExhausted):
                self.breaker.open_until(error.until, "quota")
                logger.warning(
                    "%s quota exhausted for %.0fs",
                    self.api,
                    error.retry_after_s,
                    extra={"action": "quota_exhausted", "api": self.api},
                )
            elif isinstance(error, RateLimited):
                self.breaker.hold_until(time.time() + error.retry_after_s, "rate")
            raise error
        if response.status_code >= 500:
            raise UpstreamUnavailable(f"{self.api} answered {response.status_code}")
        return response
