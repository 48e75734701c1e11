"""How one bridge run's reads are shared among a stage's lanes (pgmq/lanes): interactive first;
bulk keeps DISCOVERY_BULK_SHARE of the reads while interactive work waits, so a steady stream of
seeds never stops a backfill; refresh reads only what neither of them wanted.

The share is kept across runs and processes as a credit in Redis: each run whose interactive
lane waited adds share x its budget, and bulk is owed the whole reads of it (a budget of one, as
MusicBrainz's window gives, still hands bulk one read in ten). A run in which interactive did not
wait, or bulk had nothing, owes nothing further: the credit starts again from zero.

The same share holds in each API's rate window (clients/ratelimit): while interactive work uses an
API, bulk and refresh calls stop at DISCOVERY_BULK_SHARE of its window, and otherwise leave
DISCOVERY_INTERACTIVE_RESERVE of it free; the bridge reads no more of them than that serves.
"""

from __future__ import annotations

import math
from functools import lru_cache

import redis

from discovery.clients.ratelimit import Rate, SharedRateLimit, parse_rate_limits
from discovery.pgmq import lanes
from discovery.settings import Settings

CREDIT_TTL_S = 3600
# Lower lanes held back by the reserve look again no more often than this.
MIN_LOOK_AGAIN_S = 0.5


class LaneShare:
    """The bulk lane's share of one stage's reads."""

    def __init__(self, client: redis.Redis, stage: str, bulk_share: float) -> None:
        self.client = client
        self.key = f"discovery:bulk-credit:{stage}"
        self.bulk_share = bulk_share

    def reserve(self, budget: int) -> int:
        """How many of `budget` reads are kept for bulk before interactive reads."""
        if self.bulk_share <= 0 or budget <= 0:
            return 0
        credit = float(self.client.incrbyfloat(self.key, budget * self.bulk_share))
        self.client.expire(self.key, CREDIT_TTL_S)
        return min(math.floor(credit + 1e-9), budget)

    def settle(self, reserved: int, interactive_waited: bool, bulk_read: int) -> None:
        """After the reads: bulk was paid `reserved` if interactive waited and bulk had that much."""
        if self.bulk_share <= 0:
            return
        if not interactive_waited or bulk_read < reserved:
            self.client.delete(self.key)
        elif reserved:
            self.client.incrbyfloat(self.key, -reserved)


def lower_lanes_window(apis: tuple[str, ...], settings: Settings, cap: int | None) -> tuple[int, float] | None:
    """What the lanes below interactive may read of the `cap` messages the first API's window
    serves soon: what the shared limit leaves them now (all but the interactive reserve, or
    their share while interactive work uses the API; clients/ratelimit), and how long one slot
    takes to free (at least MIN_LOOK_AGAIN_S): (count, seconds); None when no rate limit binds."""
    rate = parse_rate_limits(settings.discovery_rate_limits).get(apis[0]) if apis else None
    if rate is None or cap is None:
        return None
    limit = _limit(apis[0], rate, settings.redis_url, settings.discovery_interactive_reserve, settings.discovery_bulk_share)
    reserved = rate.requests - limit.limit_for(lanes.BULK)
    return max(cap - reserved, 0), max(rate.per_s / rate.requests, MIN_LOOK_AGAIN_S)


@lru_cache(maxsize=16)
def _limit(api: str, rate: Rate, redis_url: str, reserve: float, share: float) -> SharedRateLimit:
    return SharedRateLimit(api, rate, redis_url, interactive_reserve=reserve, bulk_share=share)
