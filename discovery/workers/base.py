"""BaseWorker: validate -> call APIs -> one transaction (fence, upserts, downstream sends, archive).

A delivery's effects happen once: the external calls come first and write nothing; then one
Postgres transaction locks the source message row, checks that this delivery (its read_ct)
still owns it, does the worker's upserts, sends the downstream messages and archives the
source. Another delivery of the same message (its vt expired while this one was slow) finds
the row gone or its read_ct moved on, rolls back, and is dropped.

While fetch runs, a heartbeat extends the delivery's short lease (workers/lease.py).

Failures: an invalid message or a PermanentError is dead-lettered at once with its reason. A
Throttled error (an API held by its rate window, breaker, quota or a refused credential) is no
failure: the message goes back to PGMQ for as long as the hold lasts, spends no attempt and
writes no worker_issues row (a 'throttled' task outcome in queue_metrics). A TransientError (or
anything unexpected) gives the message back with a backoff delay (honouring Retry-After) and
spends an attempt; on the last allowed attempt it is dead-lettered instead. Attempts are ours to
count (pgmq/attempts): read_ct minus the throttled reads. Workers never sleep waiting on an API.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

import psycopg
from celery.exceptions import SoftTimeLimitExceeded
from pydantic import BaseModel

from discovery.clients import budget
from discovery.exceptions import InvalidMessage, PermanentError, Throttled, TransientError
from discovery.pgmq import attempts, lanes, queues, records
from discovery.pgmq.db import in_transaction, pool
from discovery.pgmq.messages import NAME_LIMIT, validate
from discovery.pgmq.queues import Delivery
from discovery.settings import Settings
from discovery.workers.lease import Lease

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")

MAX_RETRY_DELAY_S = 24 * 3600.0
# A throttled message comes back when its hold ends, spread over this share of the hold (at
# least THROTTLE_SPREAD_MIN_S, at most THROTTLE_SPREAD_MAX_S) so that a crowd held together does
# not return all at once. The cap keeps a daily quota's 13 h hold from becoming a 20 h one; the
# bridge reads only what the API's window can serve, so a crowd back at once waits its turn anyway.
THROTTLE_SPREAD_SHARE = 0.5
THROTTLE_SPREAD_MIN_S = 1.0
THROTTLE_SPREAD_MAX_S = 60.0


class Transaction:
    """What a worker may do inside its delivery's one transaction. Everything it sends travels in
    `lane`, the lane of the delivery that caused it (pgmq/lanes)."""

    def __init__(self, conn: psycopg.Connection, lane: str = lanes.INTERACTIVE) -> None:
        self.conn = conn
        self.lane = lane
        self.sent: list[tuple[str, int]] = []
        self._outbox: dict[str, list[dict[str, Any]]] = {}

    def send(self, queue: str, message: dict[str, Any]) -> None:
        """Send `message` to the stage `queue`, in this delivery's lane, when the delivery commits
        (with the archive of its source)."""
        self._outbox.setdefault(lanes.lane_queue(queue, self.lane), []).append(message)

    def promote(self, stage: str, key: str, values: list[str]) -> int:
        """Work of `stage` this delivery wants that already waits in a lower lane (its field `key`
        one of `values`) moves up to this delivery's lane, in this transaction; returns how many."""
        if self.lane == lanes.LANES[-1] or not values:
            return 0
        # Mostly the lower lanes hold nothing readable: asking that (a prepared statement) costs
        # the server less than discovery_promote's dynamic SQL, planned on every call.
        below = lanes.LANES[lanes.LANES.index(self.lane) + 1:]
        if not queues.holding(self.conn, [lanes.lane_queue(stage, lane) for lane in below]):
            return 0
        return queues.promote(self.conn, stage, self.lane, key, values)

    def flush(self) -> None:
        """One pgmq.send_batch per downstream queue, instead of one statement per message."""
        for queue, messages in self._outbox.items():
            self.sent.extend((queue, msg_id) for msg_id in queues.send_batch(self.conn, queue, messages))
        self._outbox.clear()


class BaseWorker(Generic[M, R]):
    """Subclass per queue: `fetch` makes the external calls, `write` records what they found."""

    queue: ClassVar[str]
    # The external APIs this worker calls (tests/architecture checks them against its imports);
    # the bridge pauses the queue while one is held or its rate window is full, and reads only as
    # many messages as the rate window of the first one (the API every task calls) can serve soon.
    apis: ClassVar[tuple[str, ...]] = ()

    def __init__(self, delivery: Delivery, settings: Settings) -> None:
        self.delivery = delivery
        self.settings = settings
        # The running delivery's lease (set by `process`); its heartbeat keeps the message ours.
        self.lease: Lease | None = None

    def fetch(self, message: M) -> R:
        """Call the APIs (through the clients). No database writes here."""
        raise NotImplementedError

    def write(self, tx: Transaction, message: M, fetched: R) -> None:
        """Upsert what `fetch` found and send downstream messages through `tx`."""
        raise NotImplementedError

    def bounded_name(self, tx: Transaction, what: str, name: str) -> str:
        """`name` as a downstream message may carry it: one longer than NAME_LIMIT (from an API)
        is cut, and the cut recorded, rather than dead-lettered without a word by the next queue."""
        if len(name) <= NAME_LIMIT:
            return name
        self.note(tx, "NameTooLong", f"{what} is {len(name)} characters; cut to {NAME_LIMIT} for the next queue")
        return name[:NAME_LIMIT]

    def note(self, tx: Transaction, kind: str, reason: str) -> None:
        """Record, with this delivery's commit, that a bound cut what upstream sent (a page, a
        song's credits): one worker_issues row of `kind`, and a warning."""
        records.record_delivery_issue(tx.conn, self.delivery, kind, reason)
        logger.warning(
            "%s msg %s: %s", self.delivery.queue, self.delivery.msg_id, reason,
            extra={"action": "bound_applied", "queue": self.delivery.queue, "msg_id": self.delivery.msg_id, "kind": kind},
        )


@dataclass
class Outcome:
    """What became of one delivery."""

    status: str  # archived | retried | throttled | dead_lettered | superseded
    detail: str = ""
    sent: list[tuple[str, int]] = field(default_factory=list)
    # retried or throttled: seconds until the message is readable again
    retry_in_s: float | None = None


def retry_delay_s(read_ct: int, retry_after_s: float | None, base_s: float) -> float:
    """Exponential backoff with jitter for attempt `read_ct`, never shorter than Retry-After."""
    ceiling = base_s * 2 ** max(read_ct - 1, 0)
    delay = random.uniform(ceiling / 2, ceiling)
    if retry_after_s is not None:
        delay = max(delay, retry_after_s)
    return min(delay, MAX_RETRY_DELAY_S)


def _artist(delivery: Delivery) -> str | None:
    message = delivery.message if isinstance(delivery.message, dict) else {}
    value = message.get("artistName") or message.get("artistId")
    return str(value) if value else None


def _log(level: int, text: str, delivery: Delivery, action: str, **fields: Any) -> None:
    if _artist(delivery):
        fields.setdefault("artist", _artist(delivery))
    logger.log(
        level,
        text,
        delivery.queue,
        delivery.msg_id,
        extra={"action": action, "queue": delivery.queue, "msg_id": delivery.msg_id, "read_ct": delivery.read_ct, **fields},
    )


def throttle_delay_s(hold_s: float | None) -> float:
    """When a message held back for `hold_s` comes back: after the hold, spread out a little."""
    hold_s = max(hold_s or 0.0, 0.0)
    spread_s = min(max(hold_s * THROTTLE_SPREAD_SHARE, THROTTLE_SPREAD_MIN_S), THROTTLE_SPREAD_MAX_S)
    return min(hold_s + random.uniform(0, spread_s), MAX_RETRY_DELAY_S)


def process(
    worker_cls: type[BaseWorker[Any, Any]],
    delivery: Delivery,
    settings: Settings,
    on_lease_extended: Callable[[], None] | None = None,
) -> Outcome:
    """Run one delivery through a worker type, end to end."""
    started = time.monotonic()
    lease = Lease(delivery, settings.database_url, settings.discovery_visibility_timeout_s, on_lease_extended)
    try:
        with lease, lanes.working_in(lanes.lane_of(delivery.queue)):
            message = validate(lanes.stage_of(delivery.queue), delivery.message)
            worker = worker_cls(delivery, settings)
            worker.lease = lease
            # Refresh work asks the APIs, not the cache, within the day's refresh budget.
            with budget.refresh_work(settings) if getattr(message, "refresh", False) else nullcontext():
                fetched = worker.fetch(message)
    except (InvalidMessage, PermanentError) as error:
        outcome = _dead_letter(delivery, settings, error, started)
    except Throttled as error:
        outcome = _throttled(delivery, settings, error, started)
    except (TransientError, SoftTimeLimitExceeded, psycopg.OperationalError) as error:
        outcome = _retry_later(delivery, settings, error, started)
    except Exception as error:  # an unexpected bug: retried, then dead-lettered, never lost
        logger.exception("unexpected error in %s worker", delivery.queue)
        outcome = _retry_later(delivery, settings, error, started)
    else:
        outcome = _commit(worker, message, fetched, delivery, settings, started)
    return outcome


def _commit(
    worker: BaseWorker[Any, Any], message: Any, fetched: Any, delivery: Delivery, settings: Settings, started: float
) -> Outcome:
    def store(conn: psycopg.Connection) -> Transaction:
        if not queues.claim(conn, delivery):
            # Another delivery owns (or already finished) this message: drop ours.
            raise _Superseded()
        tx = Transaction(conn, lanes.lane_of(delivery.queue))
        worker.write(tx, message, fetched)
        tx.flush()
        queues.finish(conn, delivery.queue, delivery.msg_id, _ms(started))
        return tx

    try:
        tx = in_transaction(settings.database_url, store, "store")
    except _Superseded:
        _log(logging.INFO, "%s msg %s superseded by a newer delivery; dropped", delivery, "delivery_superseded")
        return Outcome("superseded")
    except (psycopg.DataError, psycopg.IntegrityError) as error:
        return _dead_letter(delivery, settings, error, started)
    except Exception as error:
        return _retry_later(delivery, settings, error, started)
    _log(logging.INFO, "%s msg %s archived", delivery, "message_archived", sent=len(tx.sent))
    return Outcome("archived", sent=tx.sent)


class _Superseded(Exception):
    pass


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _reason(error: BaseException) -> str:
    return str(error) or type(error).__name__


def _dead_letter(delivery: Delivery, settings: Settings, error: BaseException, started: float, reason: str = "") -> Outcome:
    reason = reason or _reason(error)
    error_type = type(error).__name__

    def dead_letter(conn: psycopg.Connection) -> bool:
        spent = attempts.attempt_number(conn, delivery.queue, delivery.msg_id, delivery.read_ct)
        dlq_id = queues.dead_letter(
            conn, delivery.queue, delivery.msg_id, delivery.read_ct, error_type, reason, attempts=spent
        )
        if dlq_id is None:
            return False
        records.record_delivery_issue(conn, delivery, error_type, reason)
        records.record_task(
            conn, queue=delivery.queue, outcome="dead_lettered", msg_id=delivery.msg_id, duration_ms=_ms(started), detail=reason
        )
        return True

    if not in_transaction(settings.database_url, dead_letter, "dead-letter"):
        return Outcome("superseded")
    _log(logging.WARNING, "%s msg %s dead-lettered", delivery, "message_dead_lettered", error_type=error_type, reason=reason)
    return Outcome("dead_lettered", reason)


def _throttled(delivery: Delivery, settings: Settings, error: Throttled, started: float) -> Outcome:
    """Give the message back until the hold ends; no attempt spent, no issue recorded."""
    delay = throttle_delay_s(error.retry_after_s)

    def give_back(conn: psycopg.Connection) -> bool:
        if not queues.set_vt(conn, delivery, delay):
            return False
        attempts.count_throttle(conn, delivery.queue, delivery.msg_id)
        records.record_task(
            conn, queue=delivery.queue, outcome="throttled", msg_id=delivery.msg_id, duration_ms=_ms(started), detail=_reason(error)
        )
        return True

    if not in_transaction(settings.database_url, give_back, "throttled give-back"):
        return Outcome("superseded")
    _log(logging.INFO, "%s msg %s throttled", delivery, "message_throttled", error_type=type(error).__name__, delay_s=round(delay, 1))
    return Outcome("throttled", f"{type(error).__name__}: {_reason(error)}", retry_in_s=delay)


def _retry_later(delivery: Delivery, settings: Settings, error: BaseException, started: float) -> Outcome:
    error_type = type(error).__name__
    with pool(settings.database_url).connection() as conn:
        attempt = attempts.attempt_number(conn, delivery.queue, delivery.msg_id, delivery.read_ct)
    if attempt >= settings.discovery_max_attempts:
        reason = f"gave up after {attempt} attempts; last error: {error_type}: {_reason(error)}"
        return _dead_letter(delivery, settings, error, started, reason)
    retry_after = getattr(error, "retry_after_s", None)
    delay = retry_delay_s(attempt, retry_after, settings.discovery_retry_base_s)

    def give_back(conn: psycopg.Connection) -> bool:
        # The fence first: a superseded delivery records nothing, not even an issue.
        if not queues.set_vt(conn, delivery, delay):
            return False
        attempts.count_failure(conn, delivery.queue, delivery.msg_id)
        records.record_delivery_issue(conn, delivery, error_type, _reason(error))
        records.record_task(
            conn, queue=delivery.queue, outcome="retried", msg_id=delivery.msg_id, duration_ms=_ms(started), detail=_reason(error)
        )
        return True

    # A give-back that fails would leave the message hidden for its whole visibility timeout.
    if not in_transaction(settings.database_url, give_back, "give-back"):
        return Outcome("superseded")
    _log(logging.WARNING, "%s msg %s will be retried", delivery, "message_retried", error_type=error_type, delay_s=round(delay, 1))
    return Outcome("retried", f"{error_type}: {_reason(error)}", retry_in_s=delay)
