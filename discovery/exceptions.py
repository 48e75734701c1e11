"""The project's own errors. Clients raise these and nothing else; workers act on the two families."""

from __future__ import annotations


class DiscoveryError(Exception):
    """Root of every error this project raises on purpose."""


class TransientError(DiscoveryError):
    """Worth trying again later: the message goes back to PGMQ with a delay."""

    def __init__(self, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class Throttled(TransientError):
    """Not a failure: the API is held (rate window, breaker, quota or credential) for
    `retry_after_s`. The message goes back to PGMQ for that long and spends no attempt."""


class RateLimited(Throttled):
    """The upstream (or our own shared limiter) said: not now, try after `retry_after_s`."""

    retry_after_s: float  # always known here

    def __init__(self, api: str, retry_after_s: float) -> None:
        super().__init__(f"{api} rate limited; retry after {retry_after_s:g}s", retry_after_s=retry_after_s)
        self.api = api


class QuotaExhausted(Throttled):
    """A daily (or longer) quota is spent; nothing will succeed before `until` (epoch seconds)."""

    retry_after_s: float  # always known here

    def __init__(self, api: str, until: float, retry_after_s: float) -> None:
        super().__init__(f"{api} quota exhausted; resets in {retry_after_s:g}s", retry_after_s=retry_after_s)
        self.api = api
        self.until = until


class ServiceRefused(Throttled):
    """The API refuses the whole app or machine, not this request: Spotify's "Active premium
    subscription required for the owner of the app", a Cloudflare challenge from Genius, an IP
    MusicBrainz blocks. Held for every process (kind "refused", with the reason) until its
    recheck; the message waits without spending an attempt."""

    def __init__(self, api: str, reason: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(f"{api} refused the service: {reason}", retry_after_s=retry_after_s)
        self.api = api
        self.reason = reason


class UpstreamUnavailable(TransientError):
    """5xx, timeout, connection refused, or an open circuit breaker."""


class BreakerOpen(Throttled, UpstreamUnavailable):
    """The API's circuit breaker is open (cluster-wide) for `retry_after_s`; nothing was sent."""


class Unauthorized(Throttled):
    """The API refused (or we lack) its credential (HTTP 401, a refused token request, an unset
    token). Not the message's fault: the API is held for every process until the hold's recheck
    or a restart with another credential, and the message waits without spending an attempt."""


class PermanentError(DiscoveryError):
    """Trying again cannot help: recorded and dead-lettered, never retried."""


class NotFound(PermanentError):
    """The upstream has no such object (HTTP 404)."""


class Forbidden(PermanentError):
    """HTTP 403: the credential works but this endpoint or object is refused (e.g. a batch
    endpoint in Spotify's development mode)."""


class BadResponse(PermanentError):
    """The upstream answered something we cannot use (malformed JSON, wrong shape, 400)."""


class BadRequest(BadResponse):
    """HTTP 400: the upstream refused the request as asked (e.g. a page size it does not allow)."""


class InvalidMessage(PermanentError):
    """A queue message does not match its queue's model; the text names the bad field."""


class ConfigurationError(DiscoveryError):
    """Settings that cannot work (bad schedule, bad rate-limit string...)."""


class EnvironmentProblem(DiscoveryError):
    """What the commands need around them is not there (Postgres or Redis unreachable, the schema
    not migrated, a bad setting); the text is one line saying what to fix."""
