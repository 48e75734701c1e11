"""The bridge: drain a batch of a PGMQ queue into one Celery task per message.

Beat fires one bridge task per queue on the schedule (the safety net); the fast lane runs it at
once when work arrives (runtime/fastlane.py). A bridge run:
- takes a per-queue Redis lock that expires on its own, so overlapping runs do not both drain; a
  run that finds the lock taken asks the holder to drain once more before it lets go;
- leaves the queue untouched (no read, no read_ct spent) while an API its worker needs is held
  (open breaker, Retry-After, spent quota, refused credential);
- reads nothing while the rate window of any API its worker declares is full, so a full window
  costs no reads; otherwise no more messages than the window of its worker's first API (the one
  every task calls) can serve soon (slots free now or within the limiter's wait);
- reads batches with a short lease while fewer than its ceiling (runtime/capacity: a multiple of
  the pool processes online, or DISCOVERY_MAX_IN_FLIGHT) of its messages are in the pool (a Redis
  sorted set of deliveries, each expiring with its lease), so Redis is never flooded and PGMQ
  stays the source of truth. A running task extends its own lease; the leases of those still
  waiting in the broker are extended (`renew_leases`) by the bridge and by the running tasks'
  heartbeats. After a Redis flush the set is empty like the broker's queues, so the lost
  deliveries' leases run out within one lease and their messages are read again;
- dead-letters, in one transaction each, messages that have spent `max_attempts` attempts
  (reads that were not throttled give-backs, pgmq/attempts), messages past the bounds on bytes or
  nesting (read as text and decoded within them, pgmq/decoding), and messages that fail their
  queue's model; what it hands on carries only its model's fields;
- records one queue_metrics row per batch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

import psycopg
import redis

from discovery.clients.breakers import open_breakers
from discovery.clients.credentials import fingerprint
from discovery.clients.ratelimit import (
    DEFAULT_MAX_WAIT_S,
    Rate,
    SharedRateLimit,
    free_within_each,
    parse_rate_limits,
)
from discovery.clients.redis_pool import shared_redis
from discovery.exceptions import InvalidMessage
from discovery.pgmq import attempts, lanes, queues, records
from discovery.pgmq.db import pool
from discovery.pgmq.decoding import Bounds
from discovery.pgmq.messages import validate
from discovery.pgmq.queues import Delivery
from discovery.runtime import capacity
from discovery.runtime.inflight import InFlight, renew_leases
from discovery.runtime.priority import LaneShare, lower_lanes_window
from discovery.settings import Settings
from discovery.workers.registry import worker_for

logger = logging.getLogger(__name__)

BRIDGE_LOCK_TTL_S = 60
Dispatch = Callable[[Delivery], None]


def paused_apis(apis: Iterable[str], settings: Settings) -> dict[str, float]:
    """APIs held for this process (open breaker, Retry-After, quota, a refusal of the credential
    it has), with seconds until they may be called."""
    names = list(apis)
    if not names:
        return {}
    credentials = {api: fingerprint(api, settings) for api in names}
    return open_breakers(names, redis_url=settings.redis_url, credentials=credentials)


@lru_cache(maxsize=16)
def _shared_limit(api: str, rate: Rate, redis_url: str) -> SharedRateLimit:
    return SharedRateLimit(api, rate, redis_url)


def window_budget(apis: Iterable[str], settings: Settings) -> tuple[int | None, dict[str, float]]:
    """How many messages the bridge may read for a worker that calls `apis` (None: no rate limit
    binds), and the declared APIs whose window is full, each with seconds until a slot frees.

    A full window on any declared API reads nothing: the producer calls Spotify too, and a task
    that reached it would only be given back. Otherwise the first API's window (the one every
    task calls) sizes the read, not the smallest: a window shorter than the limiter's wait is
    never full and always serves its whole rate soon, so with the default limits MusicBrainz
    (1/1) would hold the producer and social bridges to one message per run, though many of their
    tasks never call it (the producer asks it only where Genius credits nobody). Another API's
    nearly full window may give a few of those read back: a throttled give-back, no attempt."""
    rates = parse_rate_limits(settings.discovery_rate_limits)
    cap: int | None = None
    full: dict[str, float] = {}
    limited = [(index, api) for index, api in enumerate(apis) if api in rates]
    limits = [_shared_limit(api, rates[api], settings.redis_url) for _, api in limited]
    for (index, api), limit, free in zip(limited, limits, free_within_each(limits, DEFAULT_MAX_WAIT_S), strict=True):
        if free == 0:
            full[api] = limit.next_free_s()
        elif index == 0:
            cap = free
    return (0 if full else cap), full


@dataclass
class BridgeRun:
    queue: str
    status: str  # drained | capped | locked | paused | window_full | no_worker
    read: int = 0
    dispatched: int = 0
    dead_lettered: int = 0
    # paused or window_full: seconds until every API that stopped it may be called again; or
    # lower lanes held back by the interactive reserve: when a slot should free
    resume_in_s: float | None = None


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
    asked = True  # just set: no need to read it back (a holder that took it drains for us)
    while asked or client.get(wanted):
        asked = False
        lock = client.lock(f"discovery:bridge-lock:{queue}", timeout=BRIDGE_LOCK_TTL_S, blocking=False)
        if not lock.acquire():
            return result
        client.delete(wanted)
        try:
            result = _merge(result, _once(queue, settings, worker_cls.apis, client, dispatch))
        finally:
            try:
                lock.release()
            except redis.exceptions.LockError:
                pass  # it expired: a long run, and another tick may have started; PGMQ kept it safe
        if result.status in ("paused", "window_full"):
            break  # a held API: asking again now would only record another pause
    return result


def _once(queue: str, settings: Settings, apis: tuple[str, ...], client: redis.Redis, dispatch: Dispatch) -> BridgeRun:
    """One drain under the lock: nothing while an API is held or its window is full."""
    paused = paused_apis(apis, settings)
    if paused:
        return _pause(queue, settings, paused)
    cap, full = window_budget(apis, settings)
    if full:
        return _pause(queue, settings, full, status="window_full", why="window full")
    renew_leases(queue, settings, client)
    # Bulk and refresh read only what their share of the window serves (clients/ratelimit).
    return _drain(queue, settings, InFlight(client, queue), dispatch, cap, lower_lanes_window(apis, settings, cap))



def _merge(before: BridgeRun, after: BridgeRun) -> BridgeRun:
    if before.status == "locked":
        return after
    after.read += before.read
    after.dispatched += before.dispatched
    after.dead_lettered += before.dead_lettered
    return after


def _pause(
    queue: str, settings: Settings, paused: dict[str, float], status: str = "paused", why: str = "held"
) -> BridgeRun:
    detail = ", ".join(f"{api} {why} for {seconds:.1f}s" for api, seconds in sorted(paused.items()))
    with pool(settings.database_url).connection() as conn:
        records.record_pause(conn, queue=queue, detail=detail)
    logger.info("bridge paused %s: %s", queue, detail, extra={"action": "bridge_paused", "queue": queue})
    return BridgeRun(queue, status, resume_in_s=max(paused.values()))


def _drain(
    queue: str, settings: Settings, inflight: InFlight, dispatch: Dispatch, cap: int | None = None,
    lower: tuple[int, float] | None = None,
) -> BridgeRun:
    """Read and dispatch batches, the stage's lanes in order (runtime/priority shares each
    batch); at most `cap` messages when the rate window limits this run, and of them at most
    `lower` = (count, seconds a slot takes to free) from the lanes below interactive: held back
    there, the run asks to be woken again as slots free (resume_in_s)."""
    with pool(settings.database_url).connection() as conn:  # one for the run: each taken is a round trip
        return _drain_on(conn, queue, settings, inflight, dispatch, cap, lower)


def _drain_on(
    conn: psycopg.Connection, queue: str, settings: Settings, inflight: InFlight, dispatch: Dispatch,
    cap: int | None, lower: tuple[int, float] | None,
) -> BridgeRun:
    result = BridgeRun(queue, "drained")
    lower_read = 0
    most = settings.discovery_bridge_max_per_tick if cap is None else min(cap, settings.discovery_bridge_max_per_tick)
    share = LaneShare(inflight.client, queue, settings.discovery_bulk_share)
    # The lanes with a message readable now, asked in one prepared statement: a lane without is
    # not read (pgmq.read is planned anew on every call), nor one whose last batch came up short.
    readable = queues.holding(conn, lanes.lane_queues(queue))
    if not readable:
        share.settle(0, interactive_waited=False, bulk_read=0)  # as after a run that read nothing
        return result
    while result.read < most:
        room = capacity.max_in_flight(inflight.client, queue, settings) - inflight.count()
        if room <= 0:
            result.status = "capped"
            break
        budget = min(settings.discovery_batch_size, room, most - result.read)
        reserved = share.reserve(budget)
        read_before = result.read
        interactive_waited = False
        bulk_read = 0
        for lane in lanes.LANES:
            want = budget - (result.read - read_before) - (reserved if lane == lanes.INTERACTIVE else 0)
            if lane != lanes.INTERACTIVE and lower is not None:
                if lower[0] - lower_read < want:
                    result.resume_in_s = lower[1]
                want = min(want, lower[0] - lower_read)
            if want <= 0:
                interactive_waited = interactive_waited or lane == lanes.INTERACTIVE
                continue
            lane_queue = lanes.lane_queue(queue, lane)
            read = _batch(conn, lane_queue, settings, inflight, dispatch, want, result) if lane_queue in readable else 0
            if read < want:
                readable.discard(lane_queue)
            if lane == lanes.INTERACTIVE:
                interactive_waited = read == want
            else:
                lower_read += read
                bulk_read = read if lane == lanes.BULK else bulk_read
        share.settle(reserved, interactive_waited, bulk_read)
        if result.read == read_before:
            break
    return result


def _batch(
    conn: psycopg.Connection, lane_queue: str, settings: Settings, inflight: InFlight, dispatch: Dispatch, qty: int,
    result: BridgeRun,
) -> int:
    """Read up to `qty` of one lane's queue and dispatch them; returns how many were read."""
    vt_s = settings.discovery_visibility_timeout_s
    started = time.monotonic()
    batch = queues.read(conn, lane_queue, vt_s, qty, Bounds.of(settings))
    if not batch:
        return 0
    dispatched = dead = 0
    waiting = list(batch)  # read, hidden for vt_s, and not handed on yet
    try:
        throttled = attempts.throttled_reads(conn, lane_queue, [delivery.msg_id for delivery in batch])
        for delivery in batch:
            known = _dispatchable(conn, delivery, settings, throttled.get(delivery.msg_id, 0))
            if known is None:
                dead += 1
            else:
                inflight.add(known, vt_s)
                dispatch(known)
                dispatched += 1
            waiting.remove(delivery)
    except Exception:
        _give_back(settings, waiting)
        raise
    records.record_batch(
        conn,
        queue=lane_queue,
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
        lane_queue,
        extra={"action": "batch_dispatched", "queue": lane_queue, "read": len(batch), "dead_lettered": dead},
    )
    return len(batch)


def _give_back(settings: Settings, deliveries: list[Delivery]) -> None:
    """A drain that failed after its read (a lost connection, a broker gone): what it did not hand
    on is visible again now, instead of after its whole lease. Best effort: the lease remains."""
    if not deliveries:
        return
    try:
        with pool(settings.database_url).connection() as conn:
            for delivery in deliveries:
                queues.set_vt(conn, delivery, 0)
    except psycopg.Error as error:  # a PoolTimeout too
        logger.warning(
            "bridge could not give back %s messages of %s (%s); they return when their lease ends",
            len(deliveries), deliveries[0].queue, type(error).__name__,
            extra={"action": "give_back_failed"},
        )


def _dispatchable(conn: psycopg.Connection, delivery: Delivery, settings: Settings, throttled: int) -> Delivery | None:
    """The delivery to hand on, carrying only its model's fields (unknown keys stay in PGMQ, not
    in the broker); None once it went to the DLQ: every attempt spent, past a bound, or a message
    its worker can never accept. `throttled`: how many of its reads were give-backs while an API
    was held (not attempts)."""
    spent = delivery.read_ct - 1 - throttled
    if delivery.refused is not None:
        _dead_letter(conn, delivery, "InvalidMessage", f"{delivery.queue} {delivery.refused}", spent)
        return None
    try:
        known = validate(lanes.stage_of(delivery.queue), delivery.message).model_dump(exclude_unset=True)
    except InvalidMessage as error:
        _dead_letter(conn, delivery, "InvalidMessage", str(error), spent)
        return None
    if spent >= settings.discovery_max_attempts:
        last = records.last_issue(conn, delivery.queue, delivery.msg_id)
        last_text = f"{last[0]}: {last[1]}" if last else "no error recorded (the worker died or timed out)"
        reason = (
            f"exceeded {settings.discovery_max_attempts} attempts (read {delivery.read_ct} times, "
            f"{throttled} of them throttled); last error: {last_text}"
        )
        _dead_letter(conn, delivery, "MaxAttemptsExceeded", reason, spent)
        return None
    return replace(delivery, message=known)


def _dead_letter(conn: psycopg.Connection, delivery: Delivery, error_type: str, reason: str, spent: int) -> bool:
    with conn.transaction():
        dlq_id = queues.dead_letter(
            conn, delivery.queue, delivery.msg_id, delivery.read_ct, error_type, reason, attempts=spent
        )
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
