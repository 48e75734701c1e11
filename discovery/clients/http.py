"""One HTTP layer for every client: shared cache, shared rate limit, shared breaker, retries for
connection errors and 5xx, and every failure turned into one of the project's errors.

`ApiSession` is a requests session (requests-cache's CachedSession), so spotipy and lyricsgenius
run on it unchanged. A GET is answered from the Redis cache when it can be; only what the cache
cannot answer reaches `GuardedAdapter`, below it, which checks the API's deadline and breaker and
takes one rate-limit slot per attempt (a retry too) before sending. Statuses other than 2xx never
reach the library on top: they raise here.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests_cache import DO_NOT_CACHE, CachedSession

from discovery.clients import budget
from discovery.clients.breakers import ApiBreaker
from discovery.clients.cache import IGNORED_PARAMETERS, count_lookup, expiry_s, redis_backend
from discovery.clients.environment import SettledEnvironment
from discovery.clients.guard import CallGuard
from discovery.clients.ratelimit import SharedRateLimit
from discovery.clients.redis_pool import shared_redis
from discovery.clients.refusals import (
    OVERLOAD_STATUSES,
    error_message,
    overload_reason,
    service_refusal,
)
from discovery.clients.response_cap import MAX_RESPONSE_BYTES, read_capped
from discovery.exceptions import (
    BadRequest,
    BadResponse,
    DiscoveryError,
    Forbidden,
    NotFound,
    QuotaExhausted,
    RateLimited,
    ServiceRefused,
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


__all__ = ["Forbidden"]  # kept importable from here for the clients

# How long a refused credential (or a refused service) holds its API before a call tries again.
CREDENTIAL_RECHECK_S = 60.0


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
        reason = service_refusal(api, response)
        return ServiceRefused(api, reason) if reason else Forbidden(f"{api} refused {path} (403)")
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        retry_after = DEFAULT_RETRY_AFTER_S if retry_after is None else retry_after
        if _error_reason(response) == "QUOTA_EXCEEDED":
            return QuotaExhausted(api, time.time() + retry_after, retry_after)
        return RateLimited(api, retry_after)
    if status >= 500:
        return UpstreamUnavailable(f"{api} answered {status} for {path}")
    if status == 400:
        said = error_message(response)
        return BadRequest(f"{api} answered 400 for {path}" + (f": {said}" if said else ""))
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


class GuardedAdapter(HTTPAdapter):
    """What reaches the network: under the API's breaker, one rate-limit slot per attempt, and
    retries (GET only, with backoff and jitter) for connection errors and 5xx; never for a 429
    (the caller's to schedule) or a timed-out read (it would multiply a hang)."""

    def __init__(self, session: ApiSession, retries: int) -> None:
        super().__init__(max_retries=0)
        self.session = session
        self.retries = retries

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]  # requests' keywords pass on as **kwargs
        guard = self.session
        guard.guard.before_send()
        budget.take(guard.api)  # refresh work only: a unit of today's refresh budget
        response: requests.Response = guard.breaker.call(self._send_with_retries, request, kwargs)
        if guard.breaker.foreign_hold_seen and response.status_code < 400:
            guard.breaker.clear_answered_credential_hold()
        return response

    def _send_with_retries(self, request: requests.PreparedRequest, kwargs: dict[str, Any]) -> requests.Response:
        """Raises on 5xx, 429 and no answer; the breaker counts the 5xx and no answer, not a 429
        (its hold says when to come back)."""
        attempt = 0
        while True:
            outcome = self._attempt(request, kwargs)
            if isinstance(outcome, requests.Response):
                return outcome
            attempt += 1
            if request.method != "GET" or attempt > self.retries:
                raise outcome
            time.sleep(min(RETRY_BACKOFF_S * 2 ** (attempt - 1) + random.uniform(0, RETRY_BACKOFF_S), 2.0))
            if self.session.rate_limit is not None:
                try:
                    self.session.rate_limit.acquire()
                except RateLimited:
                    raise outcome from None  # no slot for a retry: the caller retries later

    def _attempt(
        self, request: requests.PreparedRequest, kwargs: dict[str, Any]
    ) -> requests.Response | UpstreamUnavailable:
        """One send: the response, or the failure worth a retry (raises what is not)."""
        api = self.session.api
        try:
            response = super().send(request, **{**kwargs, "stream": True})
            read_capped(response, api, self.session.max_response_bytes, self.session.body_deadline_s)
        except requests.ConnectionError as error:
            return UpstreamUnavailable(f"{api} unreachable ({type(error).__name__})")
        except requests.Timeout:
            raise UpstreamUnavailable(f"{api} timed out") from None
        self._log(request, response)
        if response.status_code == 429:
            raise self._too_many(response)
        if response.status_code in OVERLOAD_STATUSES and response.headers.get("Retry-After"):
            raise self._overloaded(response)
        if response.status_code in RETRY_STATUSES:
            return UpstreamUnavailable(f"{api} answered {response.status_code}")
        if response.status_code >= 500:
            raise UpstreamUnavailable(f"{api} answered {response.status_code}")
        return response

    def _too_many(self, response: requests.Response) -> DiscoveryError:
        """A 429: hold every process off this API until its Retry-After (or quota reset)."""
        error = error_for_status(self.session.api, response)
        if isinstance(error, QuotaExhausted):
            reason = f"quota spent (429 QUOTA_EXCEEDED, Retry-After {error.retry_after_s:.0f}s)"
            self.session.breaker.open_until(error.until, "quota", reason)
            logger.warning(
                "%s quota exhausted for %.0fs",
                self.session.api,
                error.retry_after_s,
                extra={"action": "quota_exhausted", "api": self.session.api},
            )
        elif isinstance(error, RateLimited):
            reason = f"429 Retry-After {error.retry_after_s:g}s"
            self.session.breaker.hold_until(time.time() + error.retry_after_s, "rate", reason)
        assert error is not None
        return error

    def _overloaded(self, response: requests.Response) -> RateLimited:
        """A 503 with a Retry-After (MusicBrainz above 1 request/s): a rate hold for every process,
        never a retry in the next slot (which would keep the IP over its limit)."""
        api = self.session.api
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        retry_after = DEFAULT_RETRY_AFTER_S if retry_after is None else max(retry_after, DEFAULT_RETRY_AFTER_S)
        self.session.breaker.hold_until(time.time() + retry_after, "rate", overload_reason(api, response, retry_after))
        logger.warning(
            "%s over its rate limit (%s); held %.0fs",
            api,
            response.status_code,
            retry_after,
            extra={"action": "upstream_overloaded", "api": api, "status": response.status_code},
        )
        return RateLimited(api, retry_after)

    def _log(self, request: requests.PreparedRequest, response: requests.Response) -> None:
        logger.debug(
            "%s %s answered %s in %.0f ms",
            self.session.api,
            urlsplit(request.url or "").path,
            response.status_code,
            response.elapsed.total_seconds() * 1000,
            extra={"action": "api_called", "api": self.session.api, "status": response.status_code},
        )


class ApiSession(CachedSession, SettledEnvironment):
    """A requests session for one API; see the module docstring."""

    def __init__(
        self,
        api: str,
        base_url: str,
        redis_url: str,
        *,
        cache_url: str | None = None,
        ttls: dict[str, int] | None = None,
        rate_limit: SharedRateLimit | None,
        breaker: ApiBreaker,
        timeout_s: float | tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
        retries: int = RETRIES,
        headers: dict[str, str] | None = None,
        credential_recheck_s: float = CREDENTIAL_RECHECK_S,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self._redis = shared_redis(redis_url)  # hit and miss counts: never evicted
        self.ttls = ttls
        super().__init__(
            backend=redis_backend(api, shared_redis(cache_url or redis_url)),
            allowable_codes=(200,),
            allowable_methods=("GET",),
            ignored_parameters=IGNORED_PARAMETERS,
            match_headers=False,
            expire_after=DO_NOT_CACHE,
        )
        self.api = api
        self.base_path = urlsplit(base_url).path
        self.rate_limit = rate_limit
        self.breaker = breaker
        self.guard = CallGuard(breaker, rate_limit)
        self.timeout_s = timeout_s
        self.credential_recheck_s = credential_recheck_s
        # Bounds on a body (clients/response_cap): its bytes, and its whole read (the read
        # timeout is per chunk), a few read timeouts long.
        self.max_response_bytes = max_response_bytes
        read_s = timeout_s[1] if isinstance(timeout_s, tuple) else timeout_s
        self.body_deadline_s = 3 * read_s
        # A client that may recover from a 401 itself (Spotify fetches a new token) holds later.
        self.hold_on_401 = True
        self.headers.update({"User-Agent": USER_AGENT, **(headers or {})})
        adapter = GuardedAdapter(self, retries)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def _path(self, url: str) -> str:
        """The URL's path after the API base ("albums/abc"), which the expiry rules match."""
        path = urlsplit(url).path
        return path[len(self.base_path) :] if path.startswith(self.base_path) else path.lstrip("/")

    def close(self) -> None:
        """Close the session (and the cache's connections if it owns them): requests-cache's
        close, with the annotation it lacks."""
        CachedSession.close(self)

    def request(  # type: ignore[override]  # CachedSession's keywords pass on as **kwargs
        self, method: str, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        url = url.decode() if isinstance(url, bytes) else url
        # Library timeouts (spotipy's 5 s, lyricsgenius's 5 s) yield to ours.
        kwargs["timeout"] = self.timeout_s
        kwargs.pop("only_if_cached", None)
        # The session's default is "do not cache" (which also skips reading): name the expiry.
        expire = expiry_s(self.api, self._path(url), self.ttls) if method.upper() == "GET" else DO_NOT_CACHE
        kwargs["expire_after"] = expire
        if budget.asking_fresh():  # a refresh asks the API, not the cache (and stores the answer)
            kwargs["force_refresh"] = True
        with translating_errors(self.api):
            response: requests.Response = super().request(method, url, *args, **kwargs)
        if expire != DO_NOT_CACHE:
            count_lookup(self._redis, self.api, getattr(response, "from_cache", False))
        error = error_for_status(self.api, response)
        if isinstance(error, Unauthorized) and self.hold_on_401:
            raise self.refuse_credential(str(error))
        if isinstance(error, ServiceRefused):
            raise self.breaker.hold_refusal(error.reason, self.credential_recheck_s)
        if error is not None:
            raise error
        return response

    def refuse_credential(self, detail: str) -> Unauthorized:
        """The credential was refused (or is missing): hold this API for every process."""
        return self.breaker.hold_credential(detail, self.credential_recheck_s)
