"""How one bridge run's reads are shared among a stage's lanes (pgmq/lanes): interactive first;
bulk keeps DISCOVERY_BULK_SHARE of the reads while interactive work waits, so a steady stream of
seeds never stops a backfill; refresh reads only what neither of them wanted.

The share is kept across runs and processes as a credit in Redis: each run whose interactive
lane waited adds share x its budget, and bulk is owed the whole reads of it (a budget of one, as
MusicBrainz's window gives, still hands bulk one read in ten). A run in which interactive did not
wait, or bulk had nothing, owes nothing further: the credit starts again from zero.

Bulk and refresh also leave DISCOVERY_INTERACTIVE_RESERVE of each API's rate window to interactive
work (clients/ratelimit); the bridge reads no more of them than the rest of the window serves.
"""

from __future__ import annotations

import math

import redis

from discovery.clients.ratelimit import parse_rate_limits
from discovery.settings import Settings

CREDIT_TTL_S = 3600


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


def reserved_slots(apis: tuple[str, ...], settings: Settings) -> int:
    """The slots of the first API's window that only interactive work may take
    (DISCOVERY_INTERACTIVE_RESERVE, as clients/ratelimit keeps them): the bridge reads no more
    bulk and refresh work than the rest of the window serves."""
    rate = parse_rate_limits(settings.discovery_rate_limits).get(apis[0]) if apis else None
    if rate is None:
        return 0
    return rate.requests - max(1, math.floor(rate.requests * (1 - settings.discovery_interactive_reserve)))
