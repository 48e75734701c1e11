"""The beat schedule, in one place: one bridge task per PGMQ queue.

Defaults (settings.PIPELINE): artist every 2 min, album 5, track 5, producer 10, social 60.
DISCOVERY_SCHEDULE="artist_discovery=2,album_discovery=2" overrides any subset (seconds).
"""

from __future__ import annotations

from typing import Any

from discovery.exceptions import ConfigurationError
from discovery.settings import PIPELINE, QUEUES, Settings, parse_pairs

DEFAULT_INTERVALS_S: dict[str, float] = {stage.queue: stage.tick_s for stage in PIPELINE}

BRIDGE_TASK = "discovery.bridge"
# Bridge tasks have a Celery queue of their own that every pool consumes (runtime/tasks.py).
BRIDGE_QUEUE = "bridges"
# A readable message that waited more than this many of its queue's ticks is not being read.
STALL_TICKS = 2
ROLLUP_TASK = "discovery.rollup"
PRUNE_TASK = "discovery.prune"
REFRESH_TASK = "discovery.refresh"
ROLLUP_EVERY_S = 10 * 60.0
PRUNE_EVERY_S = 24 * 3600.0
# Upkeep runs in the first pool: every deployment runs it, and it is never the busiest.
UPKEEP_POOL = PIPELINE[0].pool


def intervals(settings: Settings) -> dict[str, float]:
    """Seconds between bridge ticks, per queue, after DISCOVERY_SCHEDULE."""
    result = dict(DEFAULT_INTERVALS_S)
    for queue, text in parse_pairs(settings.discovery_schedule, "DISCOVERY_SCHEDULE").items():
        if queue not in QUEUES:
            raise ConfigurationError(f"DISCOVERY_SCHEDULE: unknown queue {queue!r}; known: {', '.join(QUEUES)}")
        try:
            seconds = float(text)
        except ValueError:
            raise ConfigurationError(f"DISCOVERY_SCHEDULE: {queue}={text!r} is not a number of seconds") from None
        if seconds <= 0:
            raise ConfigurationError(f"DISCOVERY_SCHEDULE: {queue} interval must be positive")
        result[queue] = seconds
    return result


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    """Celery beat entries: bridge(queue) on the bridges queue, expiring before the next
    tick; and the upkeep: totals rolled up every 10 minutes, retention pruned daily, due refresh
    work queued every DISCOVERY_REFRESH_TICK_S."""
    upkeep = {
        "rollup": {
            "task": ROLLUP_TASK,
            "schedule": ROLLUP_EVERY_S,
            "options": {"queue": UPKEEP_POOL, "expires": ROLLUP_EVERY_S},
        },
        "prune": {
            "task": PRUNE_TASK,
            "schedule": PRUNE_EVERY_S,
            "options": {"queue": UPKEEP_POOL, "expires": PRUNE_EVERY_S},
        },
        # Watched artists and ageing recordings: the due refresh work (runtime/refresh).
        "refresh": {
            "task": REFRESH_TASK,
            "schedule": settings.discovery_refresh_tick_s,
            "options": {"queue": UPKEEP_POOL, "expires": settings.discovery_refresh_tick_s},
        },
    }
    return upkeep | {
        f"bridge-{queue}": {
            "task": BRIDGE_TASK,
            "schedule": seconds,
            "args": (queue,),
            "options": {"queue": BRIDGE_QUEUE, "expires": seconds},
        }
        for queue, seconds in intervals(settings).items()
    }
