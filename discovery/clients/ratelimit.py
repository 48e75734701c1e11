"""Rate limits per API, shared by every process and machine through Redis (`limits`, moving window).

`DISCOVERY_RATE_LIMITS="spotify=100/30,genius=5/1"` reads as "100 requests per 30 s". A caller that
finds the window full waits for a free slot only up to `max_wait_s`, then raises RateLimited with
the time to the next free slot, so the worker gives its message back for that long (a throttle,
not a failed attempt) instead of sleeping. The bridge reads only as many messages as the window
can serve soon (`free_within`).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

import redis
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from discovery.exceptions import ConfigurationError, RateLimited
from discovery.settings import parse_pairs

logger = logging.getLogger(__name__)

DEFAULT_MAX_WAIT_S = 2.0
# Our window is a little longer than the upstream's: we stamp a request before it leaves and the
# upstream on arrival, so when slots free in a burst, jitter in that delay would otherwise let the
# upstream see its window's worth plus one.
WINDOW_MARGIN_SHARE = 0.02
MIN_WINDOW_MARGIN_S = 0.05
KEY_NAMESPACE = "discovery-rate"

# limits' moving-window script, with the window (a float) apart from the key's TTL (an integer,
# as EXPIRE wants): ARGV = timestamp, limit, window_s, amount, ttl_s.
ACQUIRE_MOVING_WINDOW = """
local timestamp = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local amount = tonumber(ARGV[4])
if amount > limit then
    return false
end
local entry = redis.call('lindex', KEYS[1], limit - amount)
if entry and tonumber(entry) >= timestamp - window then
    return false
end
for i = 1, amount do
    redis.call('lpush', KEYS[1], timestamp)
end
redis.call('ltrim', KEYS[1], 0, limit - 1)
redis.call('expire', KEYS[1], ARGV[5])
return true
"""


# For each window KEYS[i], ARGV[2i-1] = limit, ARGV[2i] = cutoff: how many of its newest `limit`
# stamps are later than the cutoff.
_TAKEN_SINCE = """
local counts = {}
for i, key in ipairs(KEYS) do
  local taken = 0
  local cutoff = tonumber(ARGV[2 * i])
  for _, stamp in ipairs(redis.call('lrange', key, 0, tonumber(ARGV[2 * i - 1]) - 1)) do
    if tonumber(stamp) > cutoff then
      taken = taken + 1
    end
  end
  counts[i] = taken
end
return counts
"""


@dataclass(frozen=True)
class Rate:
    requests: int
    per_s: int

    def __str__(self) -> str:
        return f"{self.requests}/{self.per_s}"


def parse_rate_limits(text: str) -> dict[str, Rate]:
    """Parse "spotify=100/30,genius=5/1" into {"spotify": Rate(100, 30), ...}."""
    rates: dict[str, Rate] = {}
    for api, value in parse_pairs(text, "DISCOVERY_RATE_LIMITS").items():
        count, sep, seconds = value.partition("/")
        try:
            rate = Rate(int(count), int(seconds))
        except ValueError:
            rate = Rate(0, 0)
        if not sep or rate.requests < 1 or rate.per_s < 1:
            raise ConfigurationError(
                f"DISCOVERY_RATE_LIMITS: {api}={value!r} is not N/SECONDS with whole numbers >= 1"
            )
        rates[api] = rate
    return rates


def window_margin_s(rate: Rate) -> float:
    return max(rate.per_s * WINDOW_MARGIN_SHARE, MIN_WINDOW_MARGIN_S)


class _MarginRedisStorage(RedisStorage):
    """limits' Redis storage whose moving windows are `margin_s` longer than the item's."""

    def __init__(self, uri: str, margin_s: float) -> None:
        super().__init__(uri)
        self.margin_s = margin_s
        self._acquire = self._redis().register_script(ACQUIRE_MOVING_WINDOW)
        self._taken_since = self._redis().register_script(_TAKEN_SINCE)

    def _redis(self) -> redis.Redis:
        """limits' client as what it is, a redis-py client (get_connection's type is a narrow
        protocol, without register_script)."""
        client: redis.Redis = self.storage
        return client

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        window_s = expiry + self.margin_s
        arguments = [time.time(), limit, window_s, amount, math.ceil(window_s)]
        return bool(self._acquire([self.prefixed_key(key)], arguments))

    def taken_since(self, windows: list[tuple[str, int, float]]) -> list[int]:
        """For each (key, limit, cutoff): how many of the requests counted in the key's window
        were taken after the cutoff. One round trip; the stamps do not cross the wire."""
        arguments: list[int | str] = []
        for _, limit, cutoff in windows:
            arguments.extend((limit, repr(cutoff)))
        keys = [self.prefixed_key(key) for key, _, _ in windows]
        return [int(count) for count in self._taken_since(keys, arguments)]

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        start, count = super().get_moving_window(key, limit, expiry + self.margin_s)  # type: ignore[arg-type]  # limits says int; its Lua takes a float window
        return start + self.margin_s, count


class SharedRateLimit:
    """One API's limit, counted in Redis across the cluster."""

    def __init__(
        self, api: str, rate: Rate, redis_url: str, *, max_wait_s: float = DEFAULT_MAX_WAIT_S
    ) -> None:
        self.api = api
        self.rate = rate
        self.redis_url = redis_url
        self.max_wait_s = max_wait_s
        self._item: RateLimitItem = RateLimitItemPerSecond(rate.requests, rate.per_s)
        self._storage = _MarginRedisStorage(redis_url, window_margin_s(rate))
        self._limiter = MovingWindowRateLimiter(self._storage)

    def slot_request(self) -> tuple[str, list[float | int]]:
        """The Redis key and the arguments of `ACQUIRE_MOVING_WINDOW` that take one slot now, for
        a caller that takes it inside a script of its own (clients/guard)."""
        window_s = self._item.get_expiry() + self._storage.margin_s
        key = self._storage.prefixed_key(self._item.key_for(KEY_NAMESPACE, self.api))
        return key, [time.time(), self.rate.requests, window_s, 1, math.ceil(window_s)]

    def used(self) -> int:
        """Requests counted in the current window, across the cluster (reads only)."""
        stats = self._limiter.get_window_stats(self._item, KEY_NAMESPACE, self.api)
        return self.rate.requests - int(stats.remaining)

    def free_within(self, horizon_s: float) -> int:
        """Slots free now or freeing within `horizon_s`, across the cluster (reads only): how many
        requests the window can serve soon."""
        return free_within_each([self], horizon_s)[0]

    def _window(self, horizon_s: float) -> tuple[str, int, float]:
        window_s = self.rate.per_s + window_margin_s(self.rate)
        return self._item.key_for(KEY_NAMESPACE, self.api), self.rate.requests, time.time() + horizon_s - window_s

    def next_free_s(self) -> float:
        """Seconds until the window has a free slot (0 when it has one now)."""
        stats = self._limiter.get_window_stats(self._item, KEY_NAMESPACE, self.api)
        return 0.0 if stats.remaining > 0 else max(stats.reset_time - time.time(), 0.0)

    def acquire(self) -> None:
        """Take one request slot, waiting at most `max_wait_s`; otherwise raise RateLimited."""
        deadline = time.monotonic() + self.max_wait_s
        while True:
            if self._limiter.hit(self._item, KEY_NAMESPACE, self.api):
                return
            stats = self._limiter.get_window_stats(self._item, KEY_NAMESPACE, self.api)
            free_in_s = max(stats.reset_time - time.time(), 0.001)
            left_s = deadline - time.monotonic()
            if free_in_s > left_s:
                logger.debug(
                    "%s rate limit full; slot frees in %.2fs",
                    self.api,
                    free_in_s,
                    extra={"action": "rate_limited_locally", "api": self.api},
                )
                raise RateLimited(self.api, round(free_in_s, 3))
            # Another process may take the slot that frees; then we look again.
            time.sleep(free_in_s)


def free_within_each(limits: list[SharedRateLimit], horizon_s: float) -> list[int]:
    """`free_within` of each limit (all on one Redis), read in one round trip."""
    if not limits:
        return []
    taken = limits[0]._storage.taken_since([limit._window(horizon_s) for limit in limits])
    return [max(limit.rate.requests - count, 0) for limit, count in zip(limits, taken, strict=True)]
