"""Handing work to the pools: one Celery task per PGMQ delivery, in its worker type's pool."""

from __future__ import annotations

from discovery.pgmq.queues import Delivery
from discovery.runtime.app import app
from discovery.settings import QUEUE_POOLS


def process_task_name(queue: str) -> str:
    return f"discovery.process.{queue}"


def dispatch(delivery: Delivery) -> None:
    """Hand one PGMQ delivery to its worker type's pool."""
    app.send_task(
        process_task_name(delivery.queue),
        args=(delivery.msg_id, delivery.read_ct, delivery.message),
        queue=QUEUE_POOLS[delivery.queue],
    )

