"""`discovery status`: the health of the whole system at a glance, and a health check.

collect() looks once at everything (readings says where each figure comes from) and lists
what needs attention (attention holds the rules); render() draws it (table). The
records it returns (model), render and the constants are importable from here, as before.
"""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import redis

from discovery.ops.status import readings
from discovery.ops.status.attention import BREAKER_GRACE_S, needing_attention, stalls
from discovery.ops.status.model import (
    UNKNOWN,
    ApiStatus,
    PoolStatus,
    QueueStatus,
    RefreshStatus,
    SpotifyMode,
    Status,
)
from discovery.ops.status.readings import (
    CONNECT_TIMEOUT_S,
    FAILED_OUTCOMES,
    PROCESSED_OUTCOMES,
    RECENT_WINDOW_S,
    THROTTLED_OUTCOMES,
)
from discovery.ops.status.table import render
from discovery.settings import QUEUE_POOLS, Settings

__all__ = [
    "BREAKER_GRACE_S",
    "CONNECT_TIMEOUT_S",
    "DEFAULT_DLQ_WINDOW_S",
    "FAILED_OUTCOMES",
    "INSPECT_TIMEOUT_S",
    "PROCESSED_OUTCOMES",
    "RECENT_WINDOW_S",
    "THROTTLED_OUTCOMES",
    "UNKNOWN",
    "ApiStatus",
    "PoolStatus",
    "QueueStatus",
    "RefreshStatus",
    "SpotifyMode",
    "Status",
    "collect",
    "render",
]

DEFAULT_DLQ_WINDOW_S = 3600.0
INSPECT_TIMEOUT_S = 1.0


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
    apis_by_queue = readings.apis_by_queue(settings)
    apis = {api: ApiStatus(api) for api in sorted({a for v in apis_by_queue.values() for a in v})}

    refresh = RefreshStatus()
    try:
        readings.read_postgres(settings.database_url, queues)
        readings.read_waiting(settings, queues)
        readings.read_refresh_due(settings, refresh)
    except psycopg.Error as error:
        attention.append(f"Postgres unreachable: {_first_line(error)}")

    spotify_mode = SpotifyMode(settings.spotify_quota_mode)
    client = redis.Redis.from_url(settings.redis_url, socket_timeout=CONNECT_TIMEOUT_S)
    try:
        client.ping()
    except redis.RedisError as error:
        attention.append(f"Redis unreachable: {_first_line(error)}")
    else:
        readings.read_spotify_mode(client, spotify_mode)
        readings.read_inflight(client, queues, settings)
        readings.read_apis(settings, client, apis)
        readings.read_cache_ratios(client, apis)
        readings.read_refresh_budget(settings, client, refresh)
        readings.read_workers(settings.redis_url, pools, inspect_timeout_s)
    finally:
        client.close()

    for queue, found in queues.items():
        found.paused_by = [api for api in apis_by_queue.get(queue, ()) if apis[api].paused_for_s]
    attention += needing_attention(queues, apis, pools, dlq_window_s)
    attention += stalls(settings, queues, apis)
    checked_at = datetime.now(UTC).isoformat(timespec="seconds")
    return Status(checked_at, queues, apis, pools, attention, spotify_mode, refresh)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
