"""One Redis round trip before each send: the API's hold, its breaker's state and failure count,
and a rate-limit slot, read and taken by one script.

Sending a request used to cost four round trips before the network (the hold, a slot, pybreaker's
state, and after the answer pybreaker's write of a zero failure count over a zero). The script
reads the hold first and takes no slot while a hold binds this process (a credential hold binds
only the credential that was refused), exactly as the separate calls did; the breaker then runs
the call on the state read here (clients/breakers.PrimedRedisStorage). A full window is left to
the limiter's own wait (clients/ratelimit), and the state is then read again after it.
"""

from __future__ import annotations

import time

from discovery.clients.breakers import DEADLINE_KEY, ApiBreaker, Hold, breaker_key
from discovery.clients.ratelimit import ACQUIRE_MOVING_WINDOW, SharedRateLimit
from discovery.clients.redis_pool import shared_redis, text

# KEYS: deadline, pybreaker state, pybreaker fail_counter[, rate-limit window]
# ARGV: our credential's fingerprint, now[, the window script's five arguments]
_GUARD = """
local hold = redis.call('hmget', KEYS[1], 'until', 'kind', 'credential', 'reason')
local state = redis.call('get', KEYS[2]) or ''
local failures = redis.call('get', KEYS[3]) or ''
local taken = 1
local binds = hold[1] and tonumber(hold[1]) > tonumber(ARGV[2])
    and (hold[2] ~= 'credential' or hold[3] == ARGV[1])
if binds then
  taken = 0
elseif #KEYS == 4 then
  local function acquire(KEYS, ARGV)
""" + ACQUIRE_MOVING_WINDOW + """
  end
  taken = acquire({KEYS[4]}, {ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]}) and 1 or 0
end
return {hold[1] or '', hold[2] or '', hold[3] or '', hold[4] or '', state, failures, taken}
"""


class CallGuard:
    """What GuardedAdapter asks before each send of one API."""

    def __init__(self, breaker: ApiBreaker, rate_limit: SharedRateLimit | None) -> None:
        self.breaker = breaker
        self.rate_limit = rate_limit
        # A window counted on another Redis than the breaker's is taken apart, by the limiter.
        self._slot_in_script = rate_limit is not None and rate_limit.redis_url == breaker.redis_url
        self._script = shared_redis(breaker.redis_url).register_script(_GUARD)
        self._keys = [
            DEADLINE_KEY.format(api=breaker.api),
            breaker_key(breaker.api, "state"),
            breaker_key(breaker.api, "fail_counter"),
        ]

    def before_send(self) -> None:
        """Raise what a call would get now (a hold), else take a slot (or wait for one, or raise
        RateLimited) and leave the breaker's state primed for the call."""
        keys = list(self._keys)
        args: list[str | float | int] = [self.breaker.credential or "", time.time()]
        if self.rate_limit is not None and self._slot_in_script:
            key, slot_args = self.rate_limit.slot_request()
            keys.append(key)
            args.extend(slot_args)
        until, kind, credential, reason, state, failures, taken = self._script(keys, args)
        hold = Hold(float(until), text(kind or b"breaker"), text(credential), text(reason)) if until else None
        self.breaker.check_hold(hold)
        if self.rate_limit is not None and not (taken and self._slot_in_script):
            # A full window (or one counted elsewhere): the limiter waits or raises RateLimited.
            self.breaker.storage.unprime()
            self.rate_limit.acquire()
            return
        if state:
            self.breaker.storage.prime(text(state), int(failures or 0))
