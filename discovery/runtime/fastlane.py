"""The fast lane: a queue's bridge runs as soon as work arrives, not on beat's next tick.

- A task that finished runs, inline in its own process right after its commit, the bridge of its
  own stage and of each stage it sent messages to, where that stage has fewer deliveries in
  flight than its refill mark (half its ceiling, runtime/capacity). Above the mark the stage's
  pool still has work queued in the broker, and each of those deliveries' tasks checks again
  when it finishes, after this commit: the last of them to find the stage below the mark reads
  this task's messages. So a burst of tasks costs one bridge run per half a ceiling, not one per
  task (one Redis round trip decides), and an idle stage still reads at once.
- A message given back with a delay, or a bridge run that found an API held, wakes that bridge
  again when the delay or hold is over (runtime/wakeup.py).
- A seed, however it is sent (`discovery seed`, `python -m discovery.seed`, ops.seeding.start or
  `SELECT start_artist_discovery(...)`: all go through that SQL function and pgmq.send), wakes the
  listener in beat's process (runtime/listener.py) through PGMQ's insert notifications, which
  runs the artist bridge at once.

Runs that overlap coalesce (bridge.run), so a burst of nudges costs one drain. Beat's schedule
stays the guarantee that picks up anything missed; rate limits, holds and breakers still govern,
since the bridge checks them. DISCOVERY_FAST_LANE=0 turns the fast lane off.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from discovery.clients.redis_pool import shared_redis
from discovery.pgmq.lanes import stage_of
from discovery.runtime import bridge, capacity, wakeup
from discovery.runtime.dispatch import dispatch
from discovery.runtime.inflight import InFlight
from discovery.settings import Settings

logger = logging.getLogger(__name__)


def run_bridge(queue: str, settings: Settings) -> bridge.BridgeRun:
    """One bridge run; one that found an API held or its window full wakes again when that ends
    (runtime/wakeup)."""
    result = bridge.run(queue, settings, dispatch)
    if result.resume_in_s is not None:
        wakeup.wake_later(queue, result.resume_in_s, settings)
    return result


def nudge(queues: Iterable[str], settings: Settings) -> None:
    """Run each queue's bridge now, here; never fails the caller (beat gets there anyway)."""
    if not settings.discovery_fast_lane:
        return
    for queue in sorted({stage_of(queue) for queue in queues}):
        _run_quietly(queue, settings)


def after_task(queues: Iterable[str], settings: Settings) -> list[str]:
    """After a task's commit: run the bridge of each of `queues`' stages that is below its refill
    mark; returns those stages. Never fails the caller."""
    if not settings.discovery_fast_lane:
        return []
    stages = sorted({stage_of(queue) for queue in queues})
    client = shared_redis(settings.redis_url)
    try:
        wanting = capacity.below_refill_mark(client, stages, [InFlight(client, s).key for s in stages], settings)
    except Exception as error:  # noqa: BLE001 - the fast lane is an optimisation only
        logger.warning("fast lane could not count the work in flight: %s", error, extra={"action": "fast_lane_failed"})
        return []
    for stage in wanting:
        _run_quietly(stage, settings)
    return wanting


def _run_quietly(queue: str, settings: Settings) -> None:
    try:
        run_bridge(queue, settings)
    except Exception as error:  # noqa: BLE001 - the fast lane is an optimisation only
        logger.warning(
            "fast lane could not run the %s bridge: %s",
            queue,
            error,
            extra={"action": "fast_lane_failed", "queue": queue},
        )
