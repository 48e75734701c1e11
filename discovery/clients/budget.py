"""The daily refresh budget: refresh work (a message with `refresh: true`, catalog/refresh) may
make at most DISCOVERY_REFRESH_BUDGET calls per API per UTC day ("spotify=20000,genius=20000").

Inside `refresh_work`, every request that reaches the network (a cache hit costs nothing) first
takes one unit of its API's budget, a counter per API per UTC day in Redis shared by every
process; once the day's budget is spent the call is not made and `RefreshBudgetSpent` holds the
message until the next UTC day (a throttle: no attempt spent). Inside `refresh_work` requests also
skip the HTTP cache (`asking_fresh`): a refresh asks the API, not the cache, for what it checks,
and stores the fresh answer. Seeding work never counts against the budget and is never stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis

from discovery.clients.redis_pool import shared_redis
from discovery.exceptions import ConfigurationError, Throttled
from discovery.settings import Settings, parse_pairs

logger = logging.getLogger(__name__)

KEY = "discovery:refresh-budget:{api}:{day}"
# Kept a little past its day, so status can still read yesterday's spend around midnight.
KEY_TTL_S = 2 * 24 * 3600


class RefreshBudgetSpent(Throttled):
    """Refresh work met an API whose refresh budget for the UTC day is spent."""

    def __init__(self, api: str, budget: int, retry_after_s: float) -> None:
        super().__init__(
            f"{api} refresh budget spent for today ({budget} calls); refresh work waits "
            f"{retry_after_s:.0f}s for the next UTC day",
            retry_after_s=retry_after_s,
        )
        self.api = api


def parse_budget(text: str) -> dict[str, int]:
    """DISCOVERY_REFRESH_BUDGET ("spotify=20000,genius=20000") as calls per API per day; an API
    not named has no refresh budget (refresh work never calls it)."""
    budget: dict[str, int] = {}
    for api, value in parse_pairs(text, "DISCOVERY_REFRESH_BUDGET").items():
        if not value.isdigit():
            raise ConfigurationError(f"DISCOVERY_REFRESH_BUDGET: {api}={value!r} is not a whole number of calls")
        budget[api] = int(value)
    return budget


def utc_day(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y-%m-%d")


def seconds_to_next_day(now: datetime | None = None) -> float:
    now = now or datetime.now(UTC)
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max((tomorrow - now).total_seconds(), 1.0)


@dataclass(frozen=True)
class _Work:
    client: redis.Redis
    budget: dict[str, int]


_current: ContextVar[_Work | None] = ContextVar("discovery_refresh_work", default=None)


@contextmanager
def refresh_work(settings: Settings) -> Iterator[None]:
    """Run the block as refresh work: fresh answers, calls counted against the day's budget."""
    token = _current.set(_Work(shared_redis(settings.redis_url), parse_budget(settings.discovery_refresh_budget)))
    try:
        yield
    finally:
        _current.reset(token)


def asking_fresh() -> bool:
    """True inside refresh work: requests skip the cache (and store what they get)."""
    return _current.get() is not None


def take(api: str) -> None:
    """Before a request reaches the network: inside refresh work, one unit of `api`'s budget for
    today, or RefreshBudgetSpent when none is left. Outside refresh work, nothing."""
    work = _current.get()
    if work is None:
        return
    budget = work.budget.get(api, 0)
    key = KEY.format(api=api, day=utc_day())
    pipe = work.client.pipeline()
    pipe.incr(key)
    pipe.expire(key, KEY_TTL_S)
    spent = int(pipe.execute()[0])
    if spent > budget:
        work.client.decr(key)  # the call is not made: it spent nothing
        logger.info("%s refresh budget spent", api, extra={"action": "refresh_budget_spent", "api": api, "budget": budget})
        raise RefreshBudgetSpent(api, budget, seconds_to_next_day())


def spent_today(client: redis.Redis, apis: list[str]) -> dict[str, int]:
    """Calls refresh work made today, per API (for `discovery status`)."""
    day = utc_day()
    values = client.mget([KEY.format(api=api, day=day) for api in apis]) if apis else []
    return {api: int(value or 0) for api, value in zip(apis, values, strict=True)}


def left_today(settings: Settings) -> dict[str, int]:
    """What is left of each API's refresh budget today."""
    budget = parse_budget(settings.discovery_refresh_budget)
    spent = spent_today(shared_redis(settings.redis_url), sorted(budget))
    return {api: max(budget[api] - spent[api], 0) for api in sorted(budget)}
