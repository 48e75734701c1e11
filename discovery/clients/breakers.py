"""Circuit breakers per API, one state for the whole cluster (pybreaker's Redis storage).

A breaker opens after `fail_max` consecutive failures (5xx, timeouts, connection errors, 429s)
and lets one trial call through after `reset_s`. Besides pybreaker's state, Redis holds a
deadline per API, `discovery:breaker:<api>`: nothing is sent before it. It is set when the breaker
opens (opened_at + reset_s), on a 429 from the Retry-After (a spent quota also opens the
breaker), on a refused credential for the recheck time (see clients/credentials), and on a
refusal of the whole service (kind "refused": Spotify's Premium 403, a Cloudflare challenge; see
clients/refusals) for the recheck time, so a known reset time always wins over the breaker's own
timer when it is later. Each hold carries a reason, which `discovery status` shows.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

import pybreaker
import redis

from discovery.clients.credentials import log_refusal, refusal_line
from discovery.clients.redis_pool import shared_redis, text
from discovery.exceptions import (
    BreakerOpen,
    PermanentError,
    QuotaExhausted,
    RateLimited,
    ServiceRefused,
    Unauthorized,
)

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

DEADLINE_KEY = "discovery:breaker:{api}"
BREAKER_NAMESPACE = "discovery-{api}"

# A deadline only ever moves later; the key expires a little after it passes.
_EXTEND_DEADLINE = """
local current = tonumber(redis.call('hget', KEYS[1], 'until') or '0')
if tonumber(ARGV[1]) > current then
  redis.call('hset', KEYS[1], 'until', ARGV[1], 'kind', ARGV[2], 'credential', ARGV[4], 'reason', ARGV[5])
  redis.call('pexpireat', KEYS[1], ARGV[3])
  return 1
end
return 0
"""
# Clear a credential hold that refused another credential than ARGV[1], or a credential or
# service refusal whose time was up at ARGV[2] (its recheck succeeded).
_CLEAR_CREDENTIAL = """
local kind = redis.call('hget', KEYS[1], 'kind')
local due = tonumber(redis.call('hget', KEYS[1], 'until') or '0') <= tonumber(ARGV[2])
if (kind == 'credential' and (redis.call('hget', KEYS[1], 'credential') ~= ARGV[1] or due))
    or (kind == 'refused' and due) then
  return redis.call('del', KEYS[1])
end
return 0
"""
# Holds that need their recheck answered before status stops showing them.
RECHECKED_KINDS = ("credential", "refused")


@dataclass(frozen=True)
class BreakerPolicy:
    fail_max: int = 5
    reset_s: float = 30.0


@dataclass(frozen=True)
class Hold:
    until: float  # epoch seconds
    kind: str  # breaker | rate | quota | credential | refused
    credential: str = ""  # for a credential hold: the fingerprint of the refused credential
    reason: str = ""  # what the API answered, in words (status shows it)

    @property
    def remaining_s(self) -> float:
        return max(self.until - time.time(), 0.0)


def _deadline_key(api: str) -> str:
    return DEADLINE_KEY.format(api=api)


def breaker_key(api: str, field: str) -> str:
    """pybreaker's own Redis key for one field of an API's breaker."""
    return f"{BREAKER_NAMESPACE.format(api=api)}:pybreaker:{field}"


def breaker_state(client: redis.Redis, api: str) -> tuple[str, int | None]:
    """pybreaker's shared state for an API ("closed" when it never opened) and when it opened."""
    state, opened_at = client.mget(breaker_key(api, "state"), breaker_key(api, "opened_at"))
    return (text(state) if state else pybreaker.STATE_CLOSED, int(opened_at) if opened_at else None)


_HOLD_FIELDS = ["until", "kind", "credential", "reason"]


def _hold_of(raw: list[Any]) -> Hold | None:
    if raw[0] is None:
        return None
    return Hold(float(raw[0]), text(raw[1] or b"breaker"), text(raw[2] or b""), text(raw[3] or b""))


def stored_hold(client: redis.Redis, api: str) -> Hold | None:
    """The API's deadline as stored, ahead or not."""
    return _hold_of(client.hmget(_deadline_key(api), _HOLD_FIELDS))


def stored_holds(client: redis.Redis, apis: list[str]) -> dict[str, Hold | None]:
    """Each API's deadline as stored, read in one round trip."""
    pipe = client.pipeline(transaction=False)
    for api in apis:
        pipe.hmget(_deadline_key(api), _HOLD_FIELDS)
    return {api: _hold_of(raw) for api, raw in zip(apis, pipe.execute(), strict=True)}


def read_hold(client: redis.Redis, api: str) -> Hold | None:
    """The API's deadline if it is still ahead."""
    hold = stored_hold(client, api)
    return hold if hold is not None and hold.until > time.time() else None


def applies(hold: Hold | None, credential: str | None) -> bool:
    """Whether `hold` binds a process whose credential has fingerprint `credential` (None: any).
    A credential hold binds only the processes holding the credential that was refused."""
    if hold is None or hold.remaining_s <= 0:
        return False
    return hold.kind != "credential" or credential is None or hold.credential == credential


def read_refusal(client: redis.Redis, api: str) -> Hold | None:
    """A refused credential's (or service's) hold, also once its time is up and its recheck not
    yet answered (a refusal renews it, a success clears it): what `discovery status` shows."""
    hold = stored_hold(client, api)
    return hold if hold is not None and hold.kind in RECHECKED_KINDS else None


def extend_hold(
    client: redis.Redis, api: str, until: float, kind: str, credential: str = "", reason: str = ""
) -> bool:
    """Move the API's deadline to `until` unless it is already later; true when it moved. A
    credential or service refusal is kept as long again past `until`, for its recheck to renew
    or clear it."""
    expire_at_ms = int(math.ceil(until * 1000)) + 1000
    if kind in RECHECKED_KINDS:
        expire_at_ms += int(max(until - time.time(), 0.0) * 1000)
    moved = client.eval(_EXTEND_DEADLINE, 1, _deadline_key(api), repr(until), kind, expire_at_ms, credential, reason)
    return bool(moved)


class _DeadlineOnOpen(pybreaker.CircuitBreakerListener):
    """When the breaker opens (here or, as noticed here, elsewhere) the deadline follows."""

    def __init__(self, api: str, client: redis.Redis) -> None:
        self.api = api
        self.client = client

    def state_change(
        self,
        cb: pybreaker.CircuitBreaker,
        old_state: pybreaker.CircuitBreakerState | None,
        new_state: pybreaker.CircuitBreakerState,
    ) -> None:
        if new_state.name != pybreaker.STATE_OPEN:
            if old_state is not None and old_state.name != new_state.name:
                logger.info(
                    "%s breaker %s",
                    self.api,
                    new_state.name,
                    extra={
                        "action": f"breaker_{new_state.name.replace('-', '_')}",
                        "api": self.api,
                    },
                )
            return
        opened_at = cb._state_storage.opened_at
        started = opened_at.timestamp() if opened_at else time.time()
        extend_hold(self.client, self.api, started + cb.reset_timeout, "breaker")
        logger.warning(
            "%s breaker opened",
            self.api,
            extra={"action": "breaker_opened", "api": self.api, "fail_counter": cb.fail_counter},
        )


class PrimedRedisStorage(pybreaker.CircuitRedisStorage):
    """pybreaker's Redis storage, which may be told the state and failure count just read with
    the call's other checks (clients/guard: one round trip before a send). The next state read
    then costs no GET, and a success after no failures writes no zero over a zero. Each primed
    value is used once, by the thread that primed it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._primed = threading.local()

    def prime(self, state: str, failures: int) -> None:
        self._primed.state = state
        self._primed.failures = failures

    def unprime(self) -> None:
        self._primed.state = self._primed.failures = None

    @property
    def state(self) -> str:
        state: str | None = getattr(self._primed, "state", None)
        if state is None:
            return str(super().state)
        self._primed.state = None
        return state

    @state.setter
    def state(self, state: str) -> None:
        self.unprime()
        pybreaker.CircuitRedisStorage.state.fset(self, state)  # type: ignore[attr-defined]  # pybreaker's property, untyped

    def reset_counter(self) -> None:
        failures: int | None = getattr(self._primed, "failures", None)
        self._primed.failures = None
        if failures != 0:
            super().reset_counter()

    def increment_counter(self) -> None:
        self.unprime()
        super().increment_counter()


class ApiBreaker:
    """The cluster-wide breaker of one API, and its deadline."""

    def __init__(
        self, api: str, redis_url: str, policy: BreakerPolicy | None = None, credential: str = ""
    ) -> None:
        self.api = api
        self.policy = policy or BreakerPolicy()
        self.credential = credential
        # Set when a hold for another credential was ignored: our first success clears it.
        self.foreign_hold_seen = False
        self.redis_url = redis_url
        self._redis = shared_redis(redis_url)
        self.storage = PrimedRedisStorage(
            pybreaker.STATE_CLOSED, self._redis, namespace=BREAKER_NAMESPACE.format(api=api)
        )
        self._breaker = pybreaker.CircuitBreaker(
            fail_max=self.policy.fail_max,
            reset_timeout=self.policy.reset_s,
            # A refusal for a rate window or a quota is the upstream alive and answering: its
            # hold (the Retry-After) says when to come back; counted as a failure, a 429 met by
            # the half-open trial would reopen the breaker for its whole reset instead.
            exclude=[PermanentError, RateLimited, QuotaExhausted, ServiceRefused],
            listeners=[_DeadlineOnOpen(api, self._redis)],
            state_storage=self.storage,
            name=api,
            # The caller should see why it failed (a quota, a 503), not pybreaker's own error.
            throw_new_error_on_trip=False,
        )

    @property
    def state(self) -> str:
        return str(self._breaker.current_state)

    def check(self) -> None:
        """Raise the error a call would get now without sending anything, if any."""
        self.check_hold(stored_hold(self._redis, self.api))

    def check_hold(self, hold: Hold | None) -> None:
        """`check` for the API's stored deadline `hold`, read by the caller."""
        if hold is not None and hold.kind in RECHECKED_KINDS and (hold.remaining_s <= 0 or not applies(hold, self.credential)):
            # A refusal of another credential, or one whose recheck this call is: a success
            # clears it (clear_answered_credential_hold).
            self.foreign_hold_seen = True
        if hold is None or not applies(hold, self.credential):
            return
        remaining = round(hold.remaining_s, 3)
        if hold.kind == "quota":
            raise QuotaExhausted(self.api, hold.until, remaining)
        if hold.kind == "rate":
            raise RateLimited(self.api, remaining)
        if hold.kind == "credential":
            raise Unauthorized(f"{refusal_line(self.api)} (held {remaining:g}s)", retry_after_s=remaining)
        if hold.kind == "refused":
            raise ServiceRefused(self.api, f"{hold.reason} (held {remaining:g}s)", retry_after_s=remaining)
        raise BreakerOpen(f"{self.api} circuit breaker open for {remaining:g}s", retry_after_s=remaining)

    def call(self, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run `func` under the breaker: its failures count, an open breaker refuses it."""
        try:
            # Not CircuitBreaker.call: that holds a process lock for the whole HTTP call.
            return self._breaker.state.call(func, *args, **kwargs)
        except pybreaker.CircuitBreakerError as error:
            hold = read_hold(self._redis, self.api)
            remaining = round(hold.remaining_s, 3) if hold else self.policy.reset_s
            raise BreakerOpen(f"{self.api} circuit breaker open", retry_after_s=remaining) from error

    def hold_until(self, until: float, kind: str, reason: str = "") -> None:
        """Send nothing to this API before `until` (a Retry-After), cluster-wide."""
        extend_hold(self._redis, self.api, until, kind, reason=reason)

    def hold_refusal(self, reason: str, recheck_s: float) -> ServiceRefused:
        """The API refuses the whole app or machine: hold it for every process for `recheck_s`
        (then one call tries again); say once why. Returns the error the caller raises."""
        if extend_hold(self._redis, self.api, time.time() + recheck_s, "refused", reason=reason):
            logger.error(
                "%s; every process holds %s for %.0fs",
                reason,
                self.api,
                recheck_s,
                extra={"action": "service_refused", "api": self.api, "reason": reason},
            )
        return ServiceRefused(self.api, reason, retry_after_s=recheck_s)

    def hold_credential(self, detail: str, recheck_s: float) -> Unauthorized:
        """Hold this API for every process with this credential for `recheck_s`; say once what
        to fix. Returns the error the caller raises."""
        if extend_hold(self._redis, self.api, time.time() + recheck_s, "credential", self.credential):
            log_refusal(self.api, detail, recheck_s)
        return Unauthorized(f"{refusal_line(self.api)} ({detail})", retry_after_s=recheck_s)

    def clear_answered_credential_hold(self) -> None:
        """After a success: a refusal of a credential other than ours (the one that was fixed), or
        one whose time was up (its recheck just succeeded), goes."""
        self.foreign_hold_seen = False
        if self._redis.eval(_CLEAR_CREDENTIAL, 1, _deadline_key(self.api), self.credential or "", repr(time.time())):
            logger.info(
                "%s accepted the new credential; hold cleared",
                self.api,
                extra={"action": "credential_hold_cleared", "api": self.api},
            )

    def open_until(self, until: float, kind: str, reason: str = "") -> None:
        """Open the breaker now, cluster-wide, and let its first trial call through at `until`
        (a quota reset), however that compares with the breaker's own reset time."""
        self.hold_until(until, kind, reason)
        # pybreaker tries again at opened_at + reset_s: write opened_at so that this is `until`
        # (floored: our own deadline is exact; past or future, which its setter would not allow).
        key = breaker_key(self.api, "opened_at")
        trial_at = math.floor(until - self.policy.reset_s)
        current = self._redis.get(key)
        if current is None or trial_at > int(current):
            self._redis.set(key, trial_at)
        self._redis.set(breaker_key(self.api, "state"), pybreaker.STATE_OPEN)
        logger.warning(
            "%s breaker opened until %.0f (%s)",
            self.api,
            until,
            kind,
            extra={"action": "breaker_opened", "api": self.api, "kind": kind},
        )


def open_breakers(
    apis: Iterable[str], redis_url: str | None = None, credentials: dict[str, str] | None = None
) -> dict[str, float]:
    """For each API that must not be called now (open breaker, Retry-After, spent quota, refused
    credential), the seconds until it may be called again. A credential hold counts only for the
    credential that was refused when `credentials` (api -> fingerprint) says which one we hold.
    Reads Redis only; sends nothing upstream."""
    if redis_url is None:
        from discovery.settings import get_settings

        redis_url = get_settings().redis_url
    client = shared_redis(redis_url)
    names = list(apis)
    paused: dict[str, float] = {}
    for api, hold in stored_holds(client, names).items():
        if hold is not None and hold.until > time.time() and applies(
            hold, None if credentials is None else credentials.get(api, "")
        ):
            paused[api] = hold.remaining_s
    return paused
