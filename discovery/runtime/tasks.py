"""The Celery tasks: one bridge task, and one per-message task per worker type."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from celery.signals import worker_process_init

from discovery.clients.redis_pool import shared_redis
from discovery.logs import configure_logging
from discovery.pgmq.queues import Delivery
from discovery.runtime import bridge
from discovery.runtime.app import app
from discovery.runtime.schedule import BRIDGE_TASK
from discovery.settings import QUEUE_POOLS, QUEUES, get_settings
from discovery.workers.base import process
from discovery.workers.registry import worker_for

logger = logging.getLogger(__name__)

KICK_DEBOUNCE_MS = 500


@worker_process_init.connect
def _per_process_setup(**_: Any) -> None:
    configure_logging()


def process_task_name(queue: str) -> str:
    return f"discovery.process.{queue}"


def dispatch(delivery: Delivery) -> None:
    """Hand one PGMQ delivery to its worker type's pool."""
    app.send_task(
        process_task_name(delivery.queue),
        args=(delivery.msg_id, delivery.read_ct, delivery.message),
        queue=QUEUE_POOLS[delivery.queue],
    )


def kick(queues: set[str]) -> None:
    """Ask for a bridge tick soon (debounced); beat would get there anyway, later."""
    client = shared_redis(get_settings().redis_url)
    for queue in sorted(queues):
        if client.set(f"discovery:kick:{queue}", 1, nx=True, px=KICK_DEBOUNCE_MS):
            app.send_task(BRIDGE_TASK, args=(queue,), queue=QUEUE_POOLS[queue])


@app.task(name=BRIDGE_TASK, acks_late=False, ignore_result=True)
def bridge_task(queue: str) -> dict[str, Any]:
    """Drain a batch of `queue` from PGMQ into its pool."""
    result = bridge.run(queue, get_settings(), dispatch)
    return result.__dict__


def _keep_leases(delivery: Delivery, settings: Any) -> None:
    """On each heartbeat: this delivery's in-flight entry (it comes back after a flush), and the
    leases of its queue's deliveries still waiting in the broker behind busy processes."""
    client = shared_redis(settings.redis_url)
    inflight = bridge.InFlight(client, delivery.queue)
    inflight.add(delivery, settings.discovery_visibility_timeout_s)
    inflight.mark_started(delivery)
    bridge.renew_leases(delivery.queue, settings, client)


def _make_process_task(queue: str) -> Task:
    @app.task(name=process_task_name(queue), bind=True, ignore_result=True)
    def process_message(self: Task, msg_id: int, read_ct: int, message: Any) -> str:
        settings = get_settings()
        delivery = Delivery(queue, msg_id, read_ct, message)
        worker_cls = worker_for(queue, settings)
        inflight = bridge.InFlight(shared_redis(settings.redis_url), queue)
        inflight.mark_started(delivery)
        try:
            if worker_cls is None:
                logger.error("no worker type for %s; message left in PGMQ", queue, extra={"action": "no_worker", "queue": queue})
                return "no_worker"
            outcome = process(worker_cls, delivery, settings, on_lease_extended=lambda: _keep_leases(delivery, settings))
        finally:
            inflight.remove(delivery)
        # A throttled task kicks nobody: its API is held, and a bridge kicked now could only wait.
        if settings.discovery_kick_bridges and outcome.status != "throttled":
            kick({queue} | {sent_queue for sent_queue, _ in outcome.sent})
        return outcome.status

    return process_message


PROCESS_TASKS = {queue: _make_process_task(queue) for queue in QUEUES}
