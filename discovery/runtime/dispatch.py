"""Handing work to the pools: one Celery task per PGMQ delivery, in its worker type's pool."""

from __future__ import annotations

from discovery.pgmq.lanes import LANES, lane_of, stage_of
from discovery.pgmq.queues import Delivery
from discovery.runtime.app import app
from discovery.settings import QUEUE_POOLS


def process_task_name(queue: str) -> str:
    return f"discovery.process.{queue}"


def dispatch(delivery: Delivery) -> None:
    """Hand one PGMQ delivery to its worker type's pool: its stage's task, told the lane queue it
    was read from (so what it sends downstream stays in that lane), at its lane's priority."""
    stage = stage_of(delivery.queue)
    app.send_task(
        process_task_name(stage),
        args=(delivery.msg_id, delivery.read_ct, delivery.message),
        kwargs={} if stage == delivery.queue else {"lane_queue": delivery.queue},
        queue=QUEUE_POOLS[stage],
        # The broker's priorities (Redis: 0 first): a person's task already handed to the pool
        # does not wait behind the backfill's tasks handed over before it.
        priority=lane_priority(delivery.queue),
    )


def lane_priority(queue: str) -> int:
    """Celery priority of a lane's tasks on Redis (0 is served first): 0, 3, 6 (kombu's steps)."""
    return LANES.index(lane_of(queue)) * 3

