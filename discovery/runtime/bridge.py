"""The bridge: drain a batch of a PGMQ queue into one Celery task per message.

Beat fires one bridge task per queue on the schedule (the safety net); the fast lane runs it at
once when work arrives (runtime/fastlane.py). A bridge run:
- takes a per-queue Redis lock that expires on its own, so overlapping runs do not both drain; a
  run that finds the lock taken asks the holder to drain once more before it lets go;
- leaves the queue untouched (no read, no read_ct spent) while an API its worker needs is paused;
- reads batches with the visibility timeout while fewer than its ceiling (runtime/capacity: a
  multiple of the pool processes online, or DISCOVERY_MAX_IN_FLIGHT) of its messages are in the pool (a Redis sorted set of deliveries, each expiring with its vt), so Redis is never
  flooded and PGMQ stays the source of truth;
- dead-letters, in one transaction each, messages read more than `max_attempts` times and
  messages that fail their queue's model;
- records one queue_metrics row per batch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import psycopg
import redis

from discovery.clients.breakers import open_breakers
from discovery.clients.redis_pool import shared_redis
from discovery.exceptions import InvalidMessage
from discovery.pgmq import queues, records
from discovery.pgmq.db import pool
from discovery.pgmq.messages import validate
from discovery.pgmq.queues import Delivery
from discovery.runtime import capacity
from discovery.settings import Settings
from discovery.workers.registry import worker_for

logger = logging.getLogger(__name__)

BRIDGE_LOCK_TTL_S = 60
Dispatch = Callable[[Delivery], None]


class InFlight:
    """The deliveries of one queue handed to Celery and not finished yet."""

    def __init__(self, client: redis.Redis, queue: str) -> None:
        self.client = client
        self.key = f"discovery:inflight:{queue}"

    @staticmethod
    def member(delivery: Delivery) -> str:
        return f"{delivery.msg_id}:{delivery.read_ct}"

    def count(self) -> int:
        # A delivery whose vt has passed is PGMQ's again, whether or not its task ever ran.
        self.client.zremrangebyscore(self.key, "-inf", time.time())
        return int(self.client.zcard(self.key))

    def live_count(self) -> int:
        """Deliveries still in flight, without removing expired ones (that is the bridge's job)."""
        return int(self.client.zcount(self.key, time.time(), "+inf"))

    def add(self, delivery: Delivery, vt_s: int) -> None:
        self.client.zadd(self.key, {self.member(delivery): time.time() + vt_s})

    def remove(self, delivery: Delivery) -> None:
        self.client.zrem(self.key, self.member(delivery))


def paused_apis(apis: Iterable[str], redis_url: str) -> dict[str, float]:
    """APIs whose circuit breaker is open, with seconds until they may close."""
    names = list(apis)
    if not names:
        return {}
    return open_breakers(names, redis_url=redis_url)


@dataclass
class BridgeRun:
    queue: str
    status: str  # drained | capped | locked | paused | no_worker
    read: int = 0
    dispatched: int = 0
    dead_lettered: int = 0


def run(queue: str, settings: Settings, dispatch: Dispatch) -> BridgeRun:
    """One bridge tick for `queue`."""
    worker_cls = worker_for(queue, settings)
    if worker_cls is None:
        return BridgeRun(queue, "no_worker")
    client = shared_redis(settings.redis_url)
    # Ask for a drain, then drain while asked: a run that finds the lock taken leaves its request
    # for the holder, which looks again after releasing, so no request made after a message was
    # committed is lost between two runs (the fast lane's nudges rely on it).
    wanted = f"discovery:bridge-wanted:{queue}"
    client.set(wanted, 1, ex=BRIDGE_LOCK_TTL_S)
    result = BridgeRun(queue, "locked")
    while client.get(wanted):
        lock = client.lock(f"discovery:bridge-lock:{queue}", timeout=BRIDGE_LOCK_TTL_S, blocking=False)
        if not lock.acquire():
            return result
        client.delete(wanted)
        try:
            paused = paused_apis(worker_cls.apis, settings.redis_url)
            if paused:
                return _pause(queue, settings, paused)
            result = _merge(result, _drain(queue, settings, InFlight(client, queue), dispatch))
        finally:
            try:
                lock.release()
            except redis.exceptions.LockError:
                pass  # it expired: a long run, and another tick may have started; PGMQ kept it safe
    return result


def _merge(before: BridgeRun, after: BridgeRun) -> BridgeRun:
    if before.status == "locked":
        return after
    after.read += before.read
    after.dispatched += before.dispatched
    after.dead_lettered += before.dead_lettered
    return after


def _pause(queue: str, settings: Settings, paused: dict[str, float]) -> BridgeRun:
    detail = ", ".join(f"{api} for {seconds:.0f}s" for api, seconds in sorted(paused.items()))
    with pool(settings.database_url).connection() as conn:
        records.record_pause(conn, queue=queue, detail=detail)
    logger.info("bridge paused %s: %s", queue, detail, extra={"action": "bridge_paused", "queue": queue})
    return BridgeRun(queue, "paused")


def _drain(queue: str, settings: Settings, inflight: InFlight, dispatch: Dispatch) -> BridgeRun:
    result = BridgeRun(queue, "drained")
    vt_s = settings.discovery_visibility_timeout_s
    while result.read < settings.discovery_bridge_max_per_tick:
        room = capacity.max_in_flight(inflight.client, queue, settings) - inflight.count()
        if room <= 0:
            result.status = "capped"
            break
        started = time.monotonic()
        qty = min(settings.discovery_batch_size, room, settings.discovery_bridge_max_per_tick - result.read)
        with pool(settings.database_url).connection() as conn:
            batch = queues.read(conn, queue, vt_s, qty)
            if not batch:
                break
            dispatched = dead = 0
            for delivery in batch:
                if _dead_letter_if_hopeless(conn, delivery, settings):
                    dead += 1
                    continue
                inflight.add(delivery, vt_s)
                dispatch(delivery)
                dispatched += 1
            records.record_batch(
                conn,
                queue=queue,
                outcome="dispatched",
                read_count=len(batch),
                dispatched=dispatched,
                dead_lettered=dead,
                duration_ms=int((time.monotonic() - started) * 1000),
            )
        result.read += len(batch)
        result.dispatched += dispatched
        result.dead_lettered += dead
        logger.info(
            "bridge dispatched %s of %s read from %s",
            dispatched,
            len(batch),
            queue,
            extra={"action": "batch_dispatched", "queue": queue, "read": len(batch), "dead_lettered": dead},
        )
    return result


def _dead_letter_if_hopeless(conn: psycopg.Connection, delivery: Delivery, settings: Settings) -> bool:
    """Too many attempts, or a message its worker can never accept: to the DLQ now."""
    try:
        validate(delivery.queue, delivery.message)
    except InvalidMessage as error:
        return _dead_letter(conn, delivery, "InvalidMessage", str(error))
    if delivery.read_ct > settings.discovery_max_attempts:
        last = records.last_issue(conn, delivery.queue, delivery.msg_id)
        last_text = f"{last[0]}: {last[1]}" if last else "no error recorded (the worker died or timed out)"
        reason = f"exceeded {settings.discovery_max_attempts} attempts (read {delivery.read_ct} times); last error: {last_text}"
        return _dead_letter(conn, delivery, "MaxAttemptsExceeded", reason)
    return False


def _dead_letter(conn: psycopg.Connection, delivery: Delivery, error_type: str, reason: str) -> bool:
    with conn.transaction():
        dlq_id = queues.dead_letter(conn, delivery.queue, delivery.msg_id, delivery.read_ct, error_type, reason)
        if dlq_id is not None:
            records.record_delivery_issue(conn, delivery, error_type, reason)
    logger.warning(
        "%s msg %s dead-lettered: %s",
        delivery.queue,
        delivery.msg_id,
        reason,
        extra={"action": "message_dead_lettered", "queue": delivery.queue, "msg_id": delivery.msg_id},
    )
    return True
