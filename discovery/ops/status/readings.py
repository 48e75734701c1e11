"""Where `discovery status` gets its figures. Reads only: PGMQ's metrics, queue_metrics, the
bridge's in-flight sets, the breakers' and rate limits' Redis keys, and a Celery broadcast asking
which workers consume which pool."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import psycopg
import redis

from discovery.catalog import refresh as catalog_refresh
from discovery.clients import budget
from discovery.clients.breakers import BreakerPolicy, breaker_state, read_hold, read_refusal
from discovery.clients.cache import hit_ratio
from discovery.clients.ratelimit import SharedRateLimit, parse_rate_limits
from discovery.clients.spotify import mode_state
from discovery.ops.status.model import (
    ApiStatus,
    PoolStatus,
    QueueStatus,
    RefreshStatus,
    SpotifyMode,
)
from discovery.pgmq import attempts as pgmq_attempts
from discovery.pgmq import queues as pgmq_queues
from discovery.pgmq.sql import query
from discovery.runtime import capacity
from discovery.runtime.bridge import InFlight
from discovery.runtime.schedule import intervals
from discovery.settings import APIS, QUEUES, Settings, dlq_name

RECENT_WINDOW_S = 3600
CONNECT_TIMEOUT_S = 5
# Outcomes a task records in queue_metrics (kind 'task'): done, or a failed attempt.
PROCESSED_OUTCOMES = ("archived",)
FAILED_OUTCOMES = ("retried", "dead_lettered")
# Given back while an API was held (rate window, breaker, quota, credential): no attempt spent.
THROTTLED_OUTCOMES = ("throttled",)


def apis_by_queue(settings: Settings) -> dict[str, tuple[str, ...]]:
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


def read_postgres(database_url: str, queues: dict[str, QueueStatus]) -> None:
    """Each queue's depth, its DLQ, and its task outcomes over the last RECENT_WINDOW_S."""
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
        if queue not in queues:
            continue
        found = queues[queue]
        found.outcomes_last_hour[outcome] = int(count)
        if outcome in PROCESSED_OUTCOMES:
            found.processed_last_hour = (found.processed_last_hour or 0) + int(count)
        elif outcome in FAILED_OUTCOMES:
            found.failed_last_hour = (found.failed_last_hour or 0) + int(count)
        elif outcome in THROTTLED_OUTCOMES:
            found.throttled_last_hour = (found.throttled_last_hour or 0) + int(count)


def read_waiting(settings: Settings, queues: dict[str, QueueStatus]) -> None:
    """Each queue's longest-waiting visible message and its bridge tick (stall detection)."""
    ticks = intervals(settings)
    with psycopg.connect(settings.database_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as conn:
        for queue, found in queues.items():
            found.tick_s = ticks.get(queue)
            found.oldest_visible_age_s = pgmq_queues.oldest_visible_age_s(conn, queue)


def read_spotify_mode(client: redis.Redis, found: SpotifyMode) -> None:
    mode, since = mode_state(client, found.configured)
    found.mode = mode
    found.since = None if since is None else datetime.fromtimestamp(since, UTC).isoformat(timespec="seconds")


def read_inflight(client: redis.Redis, queues: dict[str, QueueStatus], settings: Settings) -> None:
    # Count the live members only; expired ones are the bridge's to remove.
    for queue, found in queues.items():
        found.in_flight = InFlight(client, queue).live_count()
        found.in_flight_ceiling = capacity.max_in_flight(client, queue, settings)


def read_apis(settings: Settings, client: redis.Redis, apis: dict[str, ApiStatus]) -> None:
    try:
        _read_breakers(client, apis)
    except redis.RedisError:
        pass  # breaker state stays "unknown"
    _read_rate_limits(settings, apis)


def _read_breakers(client: redis.Redis, apis: dict[str, ApiStatus]) -> None:
    reset_s = BreakerPolicy().reset_s
    now = time.time()
    for api, found in apis.items():
        hold = read_hold(client, api) or read_refusal(client, api)  # a refusal awaiting its recheck too
        if hold is not None:
            found.paused_for_s = round(hold.remaining_s, 1)
            found.pause_kind = hold.kind
            found.pause_reason = hold.reason or None
        found.breaker, opened_at = breaker_state(client, api)
        if found.breaker != "closed" and opened_at is not None:
            found.breaker_open_for_s = round(max(now - opened_at, 0.0), 1)
        if found.breaker == "open" and hold is None and opened_at is not None:
            past_s = now - (opened_at + reset_s)
            found.open_past_reset_s = round(past_s, 1) if past_s > 0 else None


def read_cache_ratios(client: redis.Redis, apis: dict[str, ApiStatus]) -> None:
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


def read_workers(redis_url: str, pools: dict[str, PoolStatus], timeout_s: float) -> None:
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


def read_refresh_due(settings: Settings, found: RefreshStatus) -> None:
    """Watched artists, what is due a refresh, and what refresh work did today (UTC)."""
    with psycopg.connect(settings.database_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as conn:
        counts = catalog_refresh.due_counts(conn, settings.discovery_refresh_cadence_s)
    for key, value in counts.items():
        setattr(found, key, value)


def read_refresh_budget(settings: Settings, client: redis.Redis, found: RefreshStatus) -> None:
    """Each API's refresh budget today: the budget, what refresh work spent, what is left."""
    allowed = budget.parse_budget(settings.discovery_refresh_budget)
    spent = budget.spent_today(client, sorted(allowed))
    found.budget = {api: {"budget": allowed[api], "spent": spent[api], "left": max(allowed[api] - spent[api], 0)}
                    for api in sorted(allowed)}
