"""The fast lane: a queue's bridge runs as soon as work arrives, not on beat's next tick.

- A task that finished runs, inline in its own process right after its commit, the bridge of its
  own stage and of each stage it sent messages to, where that stage has fewer deliveries in
  flight than its refill mark (half its ceiling, runtime/capacity). Above the mark the stage's
  pool still has work queued in the broker, and each of those deliveries' tasks checks again
  when it finishes, after this commit: the last of them to find the stage below the mark reads
  this task's messages. So a burst of tasks costs one bridge run per half a ceiling, not one per
  task (one Redis round trip decides), and an idle stage still reads at once.
- Except where a person's work could wait behind a backfill: a stage above its mark, below its
  ceiling, with deliveries of a lower lane in flight, runs its bridge when its interactive lane
  holds a readable message (one prepared statement asks), so that message is read at once and
  handed over at the interactive priority, as before there was a mark.
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

import redis

from discovery.clients.redis_pool import shared_redis
from discovery.pgmq import queues
from discovery.pgmq.db import pool
from discovery.pgmq.lanes import lane_queue, stage_of
from discovery.runtime import bridge, capacity, wakeup
from discovery.runtime.dispatch import dispatch
from discovery.runtime.inflight import InFlight
from discovery.settings import QUEUE_POOLS, Settings

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


def after_task(queues_: Iterable[str], settings: Settings) -> list[str]:
    """After a task's commit: run the bridge of each of `queues_`' stages that wants work now
    (module docstring); returns those stages. Never fails the caller."""
    if not settings.discovery_fast_lane:
        return []
    stages = sorted({stage_of(queue) for queue in queues_})
    try:
        wanting = _wanting(shared_redis(settings.redis_url), stages, settings)
    except Exception as error:  # noqa: BLE001 - the fast lane is an optimisation only
        logger.warning("fast lane could not count the work in flight: %s", error, extra={"action": "fast_lane_failed"})
        return []
    for stage in wanting:
        _run_quietly(stage, settings)
    return wanting


def _wanting(client: redis.Redis, stages: list[str], settings: Settings) -> list[str]:
    """The `stages` below their refill mark, and those with lower-lane work in flight and room,
    whose interactive lane holds a readable message."""
    pipe = client.pipeline(transaction=False)  # one round trip
    for stage in stages:
        InFlight(client, stage).live_and_lower(pipe)
        capacity.announced_on(pipe, QUEUE_POOLS[stage])
    answers = pipe.execute()
    below, behind_backfill = [], []
    for index, stage in enumerate(stages):
        (live, lower), announced = answers[2 * index], answers[2 * index + 1]
        ceiling = capacity.ceiling_of(announced, settings)
        if live < capacity.refill_mark(ceiling):
            below.append(stage)
        elif lower and live < ceiling:
            behind_backfill.append(stage)
    if behind_backfill:
        with pool(settings.database_url).connection() as conn:
            readable = queues.holding(conn, [lane_queue(stage, "interactive") for stage in behind_backfill])
        below += [stage for stage in behind_backfill if lane_queue(stage, "interactive") in readable]
    return sorted(below)


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
