"""The Celery tasks: one bridge task, and one per-message task per worker type; the listener that
wakes the artist bridge runs in beat's process."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from celery.signals import celeryd_after_setup, worker_process_init, worker_shutdown

from discovery.clients.redis_pool import shared_redis
from discovery.logs import configure_logging
from discovery.pgmq import retention
from discovery.pgmq.db import pool
from discovery.pgmq.queues import Delivery
from discovery.runtime import capacity, fastlane, listener, refresh, wakeup
from discovery.runtime.app import app
from discovery.runtime.dispatch import process_task_name
from discovery.runtime.inflight import InFlight, renew_leases
from discovery.runtime.schedule import (
    BRIDGE_QUEUE,
    BRIDGE_TASK,
    PRUNE_TASK,
    REFRESH_TASK,
    ROLLUP_TASK,
)
from discovery.runtime.typed_celery import TypedTask, bound_task, on, task
from discovery.settings import QUEUES, get_settings
from discovery.workers.base import process
from discovery.workers.registry import worker_for

logger = logging.getLogger(__name__)


@on(worker_process_init)
def _per_process_setup(**_: Any) -> None:
    configure_logging()


_heartbeats: list[capacity.Heartbeat] = []


@on(celeryd_after_setup)
def _join_the_cluster(sender: str, instance: Any, **_: Any) -> None:
    # Every pool also runs bridge tasks, from their own queue, so a bridge never waits behind
    # the backlog of the pool it feeds.
    pools = [name for name in instance.app.amqp.queues.consume_from if name != BRIDGE_QUEUE]
    instance.app.amqp.queues.select_add(BRIDGE_QUEUE)
    # And it announces its processes, so the bridges' in-flight ceilings follow the workers online.
    client = shared_redis(get_settings().redis_url)
    _heartbeats.append(capacity.Heartbeat(client, pools, sender, int(instance.concurrency)).start())


@on(worker_shutdown)
def _leave_the_cluster(**_: Any) -> None:
    while _heartbeats:
        _heartbeats.pop().stop()


@task(app, name=BRIDGE_TASK, acks_late=False, ignore_result=True)
def bridge_task(queue: str) -> dict[str, Any]:
    """Drain a batch of `queue` from PGMQ into its pool."""
    result = fastlane.run_bridge(queue, get_settings())
    return result.__dict__


@task(app, name=ROLLUP_TASK, acks_late=False, ignore_result=True)
def rollup_task() -> str:
    """Fold new queue_metrics and worker_issues rows into the exporter's totals."""
    with pool(get_settings().database_url).connection() as conn:
        return retention.rollup(conn).isoformat()


@task(app, name=PRUNE_TASK, acks_late=False, ignore_result=True)
def prune_task() -> dict[str, int]:
    """Daily retention: what is older than DISCOVERY_RETENTION_S goes (dead letters stay)."""
    settings = get_settings()
    with pool(settings.database_url).connection() as conn:
        return retention.prune(conn, settings.discovery_retention_s).removed


@task(app, name=REFRESH_TASK, acks_late=False, ignore_result=True)
def refresh_task() -> dict[str, Any]:
    """Queue the refresh work that is due (runtime/refresh), unless seeding work is queued."""
    return refresh.tick(get_settings()).__dict__


def _keep_leases(delivery: Delivery, settings: Any) -> None:
    """On each heartbeat: this delivery's in-flight entry (it comes back after a flush), and the
    leases of its queue's deliveries still waiting in the broker behind busy processes."""
    client = shared_redis(settings.redis_url)
    inflight = InFlight(client, delivery.queue)
    inflight.add(delivery, settings.discovery_visibility_timeout_s)
    inflight.mark_started(delivery)
    renew_leases(inflight.stage, settings, client)


def _make_process_task(queue: str) -> TypedTask[[int, int, Any, str | None], str]:
    @bound_task(app, name=process_task_name(queue), ignore_result=True)
    def process_message(self: Task, msg_id: int, read_ct: int, message: Any, lane_queue: str | None = None) -> str:
        # `lane_queue`: the lane's PGMQ queue the message was read from (none: the interactive
        # one, the stage's own, as tasks dispatched before lanes were).
        settings = get_settings()
        delivery = Delivery(lane_queue or queue, msg_id, read_ct, message)
        worker_cls = worker_for(queue, settings)
        inflight = InFlight(shared_redis(settings.redis_url), queue)
        inflight.mark_started(delivery)
        try:
            if worker_cls is None:
                logger.error("no worker type for %s; message left in PGMQ", queue, extra={"action": "no_worker", "queue": queue})
                return "no_worker"
            outcome = process(worker_cls, delivery, settings, on_lease_extended=lambda: _keep_leases(delivery, settings))
        finally:
            inflight.remove(delivery)
        # Given back with a delay: its bridge runs again when the message is readable again.
        if outcome.retry_in_s is not None:
            wakeup.wake_later(queue, outcome.retry_in_s, settings)
        # A throttled task nudges nobody: its API is held, and a bridge run now could only wait.
        if outcome.status != "throttled":
            fastlane.after_task({queue} | {sent_queue for sent_queue, _ in outcome.sent}, settings)
        return outcome.status

    return process_message


# Beat's process runs the listener that wakes the artist bridge on a seed sent with SQL.
listener.run_inside_beat()

PROCESS_TASKS = {queue: _make_process_task(queue) for queue in QUEUES}
