"""`discovery status`: the health of the whole system at a glance, and a health check.

Reads only: PGMQ's metrics, queue_metrics, the bridge's in-flight sets, the breakers' and rate
limits' Redis keys, and a Celery broadcast asking which workers consume which pool.

Something needs attention (and `status` exits non-zero) when:
- a DLQ received a message within the last `dlq_window_s` (default one hour): it is growing.
  Older dead letters are listed but do not fail the check; replay or purge them. A window of 0
  makes any non-empty DLQ fail it;
- any pool has no worker online, whether or not its queue holds messages now: the bridge task of
  every queue runs in that queue's own pool, so a pool without a worker stalls its queue for good;
- a circuit breaker is still open more than `BREAKER_GRACE_S` after its reset time (nothing is
  trying the API again);
- an API refused its credential (a credential hold): nothing that needs it moves until the
  credential is fixed, and status names the setting to check;
- Postgres or Redis cannot be reached;
- a queue is stalled: its longest-waiting visible message has been ready for more than twice its
  bridge tick while the bridge had room to read it and no API it needs was paused (beat is down,
  or its pool is gone);
- an API has been paused longer than DISCOVERY_STALL_PAUSE_S: a breaker open since longer, or a
  hold (Retry-After, spent quota) that will last longer.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg
import redis

from discovery.clients.breakers import BreakerPolicy, breaker_state, read_hold
from discovery.clients.cache import hit_ratio
from discovery.clients.credentials import refusal_line
from discovery.clients.ratelimit import SharedRateLimit, parse_rate_limits
from discovery.clients.spotify import mode_state
from discovery.pgmq import attempts as pgmq_attempts
from discovery.pgmq import queues as pgmq_queues
from discovery.pgmq.sql import query
from discovery.runtime import capacity
from discovery.runtime.bridge import InFlight
from discovery.runtime.schedule import STALL_TICKS, intervals
from discovery.settings import APIS, QUEUE_POOLS, QUEUES, Settings, dlq_name

DEFAULT_DLQ_WINDOW_S = 3600.0
RECENT_WINDOW_S = 3600
BREAKER_GRACE_S = 60.0
INSPECT_TIMEOUT_S = 1.0
CONNECT_TIMEOUT_S = 5
UNKNOWN = "unknown"
# Outcomes a task records in queue_metrics (kind 'task'): done, or a failed attempt.
PROCESSED_OUTCOMES = ("archived",)
FAILED_OUTCOMES = ("retried", "dead_lettered")
# Given back while an API was held (rate window, breaker, quota, credential): no attempt spent.
THROTTLED_OUTCOMES = ("throttled",)


@dataclass
class QueueStatus:
    queue: str
    pool: str
    visible: int | None = None
    hidden: int | None = None  # in flight, or waiting out a retry delay (pgmq vt > now)
    in_flight: int | None = None  # handed to Celery and not finished (the bridge's InFlight set)
    in_flight_ceiling: int = 0  # what the bridge hands out at most now (runtime/capacity)
    oldest_age_s: int | None = None
    dlq_size: int | None = None
    dlq_newest_age_s: int | None = None
    processed_last_hour: int | None = None
    failed_last_hour: int | None = None
    throttled_last_hour: int | None = None
    retrying: int | None = None  # messages waiting that failed at least once (attempts spent)
    outcomes_last_hour: dict[str, int] = field(default_factory=dict)
    paused_by: list[str] = field(default_factory=list)
    oldest_visible_age_s: int | None = None  # the longest-waiting readable message, since ready
    tick_s: float | None = None
    stalled: bool = False


@dataclass
class ApiStatus:
    api: str
    breaker: str = UNKNOWN  # closed | open | half-open | unknown
    paused_for_s: float | None = None  # nothing is sent before this (breaker, Retry-After, quota)
    pause_kind: str | None = None  # breaker | rate | quota | credential
    open_past_reset_s: float | None = None
    breaker_open_for_s: float | None = None
    rate_limit: dict[str, Any] | str = UNKNOWN  # {"used", "limit", "window_s"}
    cache_hit_ratio: float | str = UNKNOWN  # share of cacheable requests served from the cache


@dataclass
class PoolStatus:
    pool: str
    queue: str
    workers: list[str] | None = None  # None: could not ask

    @property
    def online(self) -> bool | None:
        return None if self.workers is None else bool(self.workers)


@dataclass
class SpotifyMode:
    configured: str  # auto | extended | development
    mode: str = UNKNOWN  # the effective one: extended | development
    since: str | None = None  # when auto mode switched to development (ISO time)


@dataclass
class Status:
    checked_at: str
    queues: dict[str, QueueStatus]
    apis: dict[str, ApiStatus]
    pools: dict[str, PoolStatus]
    attention: list[str]
    spotify_mode: SpotifyMode | None = None

    @property
    def healthy(self) -> bool:
        return not self.attention

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked_at": self.checked_at,
            "healthy": self.healthy,
            "attention": self.attention,
            "queues": {name: asdict(found) for name, found in self.queues.items()},
            "apis": {name: asdict(found) for name, found in self.apis.items()},
            "pools": {
                name: {**asdict(found), "online": found.online}
                for name, found in self.pools.items()
            },
            "spotify_mode": None if self.spotify_mode is None else asdict(self.spotify_mode),
        }


def collect(
    settings: Settings,
    *,
    dlq_window_s: float = DEFAULT_DLQ_WINDOW_S,
    inspect_timeout_s: float = INSPECT_TIMEOUT_S,
) -> Status:
    """Look at everything once and say what needs attention."""
    attention: list[str] = []
    queues = {queue: QueueStatus(queue, pool) for queue, pool in QUEUE_POOLS.items()}
    pools = {pool: PoolStatus(pool, queue) for queue, pool in QUEUE_POOLS.items()}
    apis_by_queue = _apis_by_queue(settings)
    apis = {api: ApiStatus(api) for api in sorted({a for v in apis_by_queue.values() for a in v})}

    try:
        _read_postgres(settings.database_url, queues)
        _read_waiting(settings, queues)
    except psycopg.Error as error:
        attention.append(f"Postgres unreachable: {_first_line(error)}")

    spotify_mode = SpotifyMode(settings.spotify_quota_mode)
    client = redis.Redis.from_url(settings.redis_url, socket_timeout=CONNECT_TIMEOUT_S)
    try:
        client.ping()
    except redis.RedisError as error:
        attention.append(f"Redis unreachable: {_first_line(error)}")
    else:
        _read_spotify_mode(client, spotify_mode)
        _read_inflight(client, queues, settings)
        _read_apis(settings, client, apis)
        _read_cache_ratios(client, apis)
        _read_workers(settings.redis_url, pools, inspect_timeout_s)
    finally:
        client.close()

    for queue, found in queues.items():
        found.paused_by = [api for api in apis_by_queue.get(queue, ()) if apis[api].paused_for_s]
    attention += _needing_attention(queues, apis, pools, dlq_window_s)
    attention += _stalls(settings, queues, apis)
    checked_at = datetime.now(UTC).isoformat(timespec="seconds")
    return Status(checked_at, queues, apis, pools, attention, spotify_mode)


def _read_spotify_mode(client: redis.Redis, found: SpotifyMode) -> None:
    mode, since = mode_state(client, found.configured)
    found.mode = mode
    found.since = None if since is None else datetime.fromtimestamp(since, UTC).isoformat(timespec="seconds")


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _apis_by_queue(settings: Settings) -> dict[str, tuple[str, ...]]:
    """The APIs each queue's worker calls (what pauses it); all known APIs if unknowable."""
    try:
        from discovery.workers.registry import worker_for

        found: dict[str, tuple[str, ...]] = {}
        for queue in QUEUES:
            worker = worker_for(queue, settings)
            found[queue] = tuple(worker.apis) if worker is not None else ()
        return found
    except Exception:  # noqa: BLE001 - a broken worker override must not break the health check
        return {queue: APIS for queue in QUEUES}


def _read_postgres(database_url: str, queues: dict[str, QueueStatus]) -> None:
    with psycopg.connect(database_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as conn:
        depths = pgmq_queues.metrics(conn)
        outcomes = conn.execute(
            query("ops_task_outcomes_since"), {"window_s": RECENT_WINDOW_S}
        ).fetchall()
        waiting = pgmq_attempts.waiting_by_queue(conn)
    for queue, found in queues.items():
        work = depths.get(queue)
        if work is not None:
            found.visible = work.visible
            found.hidden = work.length - work.visible
            found.oldest_age_s = work.oldest_age_s
        dead = depths.get(dlq_name(queue))
        if dead is not None:
            found.dlq_size = dead.length
            found.dlq_newest_age_s = dead.newest_age_s
        found.processed_last_hour = 0
        found.failed_last_hour = 0
        found.throttled_last_hour = 0
        found.retrying = waiting.get(queue, (0, 0))[0]
    for queue, outcome, count in outcomes:
        found = queues.get(queue)
        if found is None:
            continue
        found.outcomes_last_hour[outcome] = int(count)
        if outcome in PROCESSED_OUTCOMES:
            found.processed_last_hour = (found.processed_last_hour or 0) + int(count)
        elif outcome in FAILED_OUTCOMES:
            found.failed_last_hour = (found.failed_last_hour or 0) + int(count)
        elif outcome in THROTTLED_OUTCOMES:
            found.throttled_last_hour = (found.throttled_last_hour or 0) + int(count)


def _read_inflight(client: redis.Redis, queues: dict[str, QueueStatus], settings: Settings) -> None:
    # Count the live members only; expired ones are the bridge's to remove.
    for queue, found in queues.items():
        found.in_flight = InFlight(client, queue).live_count()
        found.in_flight_ceiling = capacity.max_in_flight(client, queue, settings)


def _read_apis(settings: Settings, client: redis.Redis, apis: dict[str, ApiStatus]) -> None:
    try:
        _read_breakers(client, apis)
    except redis.RedisError:
        pass  # breaker state stays "unknown"
    _read_rate_limits(settings, apis)


def _read_breakers(client: redis.Redis, apis: dict[str, ApiStatus]) -> None:
    reset_s = BreakerPolicy().reset_s
    now = time.time()
    for api, found in apis.items():
        hold = read_hold(client, api)
        if hold is not None and hold.remaining_s > 0:
            found.paused_for_s = round(hold.remaining_s, 1)
            found.pause_kind = hold.kind
        found.breaker, opened_at = breaker_state(client, api)
        if found.breaker != "closed" and opened_at is not None:
            found.breaker_open_for_s = round(max(now - opened_at, 0.0), 1)
        if found.breaker == "open" and hold is None and opened_at is not None:
            past_s = now - (opened_at + reset_s)
            found.open_past_reset_s = round(past_s, 1) if past_s > 0 else None


def _read_cache_ratios(client: redis.Redis, apis: dict[str, ApiStatus]) -> None:
    """Cluster-wide hit ratio of the shared HTTP cache, counted by the clients."""
    for api, found in apis.items():
        ratio = hit_ratio(client, api)
        found.cache_hit_ratio = "no requests yet" if ratio is None else ratio


def _read_rate_limits(settings: Settings, apis: dict[str, ApiStatus]) -> None:
    """Requests in each API's current window, as the shared limiter counts them."""
    rates = parse_rate_limits(settings.discovery_rate_limits)
    for api, found in apis.items():
        rate = rates.get(api)
        if rate is not None:
            used = SharedRateLimit(api, rate, settings.redis_url).used()
            found.rate_limit = {"used": used, "limit": rate.requests, "window_s": rate.per_s}


def _read_workers(redis_url: str, pools: dict[str, PoolStatus], timeout_s: float) -> None:
    """Which workers consume each pool's Celery queue, from a broadcast they answer."""
    from celery import Celery

    # An app of its own on this broker: the project's app publishes through a producer pool
    # bound to the broker it was configured with at import time.
    app = Celery("discovery-status", broker=redis_url, set_as_current=False)
    try:
        replies = app.control.inspect(timeout=timeout_s).active_queues() or {}
    except Exception:  # noqa: BLE001 - unknown, not a crash
        return
    finally:
        app.close()
    for found in pools.values():
        found.workers = sorted(
            worker
            for worker, consumed in replies.items()
            if any(entry.get("name") == found.pool for entry in consumed or ())
        )


def _needing_attention(
    queues: dict[str, QueueStatus],
    apis: dict[str, ApiStatus],
    pools: dict[str, PoolStatus],
    dlq_window_s: float,
) -> list[str]:
    found: list[str] = []
    for queue in queues.values():
        if not queue.dlq_size:
            continue
        age = queue.dlq_newest_age_s
        if dlq_window_s <= 0 or age is None or age <= dlq_window_s:
            found.append(
                f"{dlq_name(queue.queue)} holds {queue.dlq_size} message(s), the newest "
                f"{_age(age)} old: see `discovery dlq list {queue.queue}`"
            )
    for pool in pools.values():
        if pool.workers is None:
            found.append(f"pool {pool.pool}: could not ask which workers are online")
        elif not pool.workers:
            waiting = queues[pool.queue].visible
            found.append(
                f"pool {pool.pool} has no worker online "
                f"({pool.queue}: {waiting} visible message(s))"
            )
    for api in apis.values():
        if api.pause_kind == "credential":
            held = [queue.queue for queue in queues.values() if api.api in queue.paused_by]
            found.append(
                f"{refusal_line(api.api)}; {', '.join(held) or 'its queues'} held "
                f"(rechecked in {api.paused_for_s or 0:.0f}s, or restart the pools with the fixed credential)"
            )
        if api.open_past_reset_s is not None and api.open_past_reset_s > BREAKER_GRACE_S:
            found.append(
                f"{api.api} breaker still open {api.open_past_reset_s:.0f}s after its reset time"
            )
    return found


def _read_waiting(settings: Settings, queues: dict[str, QueueStatus]) -> None:
    """Each queue's longest-waiting visible message and its bridge tick (stall detection)."""
    ticks = intervals(settings)
    with psycopg.connect(settings.database_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as conn:
        for queue, found in queues.items():
            found.tick_s = ticks.get(queue)
            found.oldest_visible_age_s = pgmq_queues.oldest_visible_age_s(conn, queue)


def _stalls(settings: Settings, queues: dict[str, QueueStatus], apis: dict[str, ApiStatus]) -> list[str]:
    """Queues nothing reads, and APIs paused too long (see the module docstring)."""
    found: list[str] = []
    for queue in queues.values():
        age, tick = queue.oldest_visible_age_s, queue.tick_s
        if age is None or tick is None or age <= STALL_TICKS * tick or queue.paused_by:
            continue
        if queue.in_flight and queue.in_flight >= queue.in_flight_ceiling:
            continue  # the pool is busy with a full share: waiting is expected
        queue.stalled = True
        found.append(
            f"{queue.queue} is stalled: a message has been ready for {_age(age)}, more than "
            f"{STALL_TICKS}x its {tick:.0f}s tick (is beat running? does pool {queue.pool} have a worker?)"
        )
    limit = settings.discovery_stall_pause_s
    for api in apis.values():
        if api.breaker_open_for_s is not None and api.breaker_open_for_s > limit:
            found.append(f"{api.api} breaker {api.breaker} for {_age(int(api.breaker_open_for_s))} (over {limit:.0f}s)")
        elif api.paused_for_s is not None and api.paused_for_s > limit:
            found.append(
                f"{api.api} paused ({api.pause_kind}) for {_age(int(api.paused_for_s))} more (over {limit:.0f}s)"
            )
    return found


def _age(seconds: int | None) -> str:
    if seconds is None:
        return "?"
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h"


def render(status: Status) -> Any:
    """A rich renderable: one table of queues, one of APIs and pools, then what needs attention."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    queues = Table(title="Queues", title_justify="left")
    for column in (
        "queue",
        "pool",
        "visible",
        "hidden",
        "in flight",
        "oldest",
        "DLQ",
        "done 1h",
        "retried 1h",
        "failed 1h",
        "throttled 1h",
        "retrying",
        "paused by",
    ):
        queues.add_column(column, justify="left" if column in ("queue", "pool") else "right")
    for found in status.queues.values():
        workers = status.pools[found.pool].workers
        queues.add_row(
            found.queue,
            found.pool + ("" if workers else " (no worker)" if workers is not None else " (?)"),
            _cell(found.visible),
            _cell(found.hidden),
            _cell(found.in_flight),
            "-" if found.oldest_age_s is None else _age(found.oldest_age_s),
            _cell(found.dlq_size),
            _cell(found.processed_last_hour),
            # One word for a failed attempt that will be tried again ("retried", as seed --follow
            # says); "failed" is only what was given up on (dead-lettered).
            _cell(None if found.processed_last_hour is None else found.outcomes_last_hour.get("retried", 0)),
            _cell(None if found.processed_last_hour is None else found.outcomes_last_hour.get("dead_lettered", 0)),
            _cell(found.throttled_last_hour),
            _cell(found.retrying),
            ", ".join(found.paused_by) or "-",
        )
    apis = Table(title="APIs", title_justify="left")
    for column in ("api", "breaker", "paused for", "rate limit used", "cache hit ratio"):
        apis.add_column(column)
    for api in status.apis.values():
        rate = api.rate_limit
        apis.add_row(
            api.api,
            api.breaker,
            "-" if api.paused_for_s is None else f"{api.paused_for_s:.0f}s ({api.pause_kind})",
            rate
            if isinstance(rate, str)
            else f"{rate['used']}/{rate['limit']} per {rate['window_s']}s",
            str(api.cache_hit_ratio),
        )
    pools = Table(title="Pools", title_justify="left")
    pools.add_column("pool")
    pools.add_column("workers online")
    for pool in status.pools.values():
        pools.add_row(
            pool.pool, UNKNOWN if pool.workers is None else ", ".join(pool.workers) or "none"
        )
    mode = status.spotify_mode
    mode_line = Text(
        "Spotify quota mode: "
        + ("?" if mode is None else f"{mode.mode} (configured {mode.configured}"
           + (f", development since {mode.since})" if mode.since else ")"))
    )
    verdict = (
        Text("healthy", style="green")
        if status.healthy
        else Text(
            "needs attention:\n" + "\n".join(f"- {item}" for item in status.attention), style="red"
        )
    )
    return Group(queues, apis, pools, mode_line, verdict)


def _cell(value: int | None) -> str:
    return "?" if value is None else str(value)
