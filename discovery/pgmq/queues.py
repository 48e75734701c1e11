"""The only caller of pgmq.* and the only reader of PGMQ's tables: send, read, archive, fenced
claim / set_vt, dead-lettering, queue metrics and the dead letters waiting in the DLQs.

Every function takes the caller's connection, so it joins the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import Connection, sql
from psycopg.types.json import Jsonb

from discovery.pgmq.decoding import DEFAULT_BOUNDS, Bounds, decode
from discovery.pgmq.sql import queries, query
from discovery.settings import dlq_name


@dataclass(frozen=True)
class Delivery:
    """One read of one message: read_ct tells this delivery from any later one."""

    queue: str
    msg_id: int
    read_ct: int
    message: Any
    enqueued_at: datetime | None = None
    refused: str | None = None  # why the message could not be decoded within bounds (pgmq/decoding)


def send(conn: Connection, queue: str, message: dict[str, Any], delay_s: int = 0) -> int:
    """pgmq.send: put a message on `queue`, visible after `delay_s` seconds; returns its msg_id."""
    row = conn.execute(query("send"), {"queue": queue, "message": Jsonb(message), "delay_s": delay_s}).fetchone()
    assert row is not None
    return int(row[0])


def send_batch(conn: Connection, queue: str, messages: list[dict[str, Any]]) -> list[int]:
    """pgmq.send_batch: put several messages on `queue` in one statement; returns their msg_ids."""
    rows = conn.execute(query("send_batch"), {"queue": queue, "messages": Jsonb(messages)})
    return [int(row[0]) for row in rows]


def promote(conn: Connection, stage: str, lane: str, key: str, values: list[str]) -> int:
    """Messages of `stage` waiting (visible) in a lane below `lane` whose field `key` is one of
    `values` move up to `lane` (archived below, sent again above) in the caller's transaction;
    returns how many moved. A message in flight stays where it is: its task is already running."""
    row = conn.execute(query("promote"), {"stage": stage, "lane": lane, "key": key, "values": values}).fetchone()
    return int(row[0]) if row else 0


def read(conn: Connection, queue: str, vt_s: int, qty: int, bounds: Bounds = DEFAULT_BOUNDS) -> list[Delivery]:
    """pgmq.read: take up to `qty` visible messages and hide them for `vt_s` seconds. A message
    past `bounds` (bytes, nesting) is a Delivery with no message and the reason it was refused."""
    params = {"queue": queue, "vt_s": vt_s, "qty": qty, "max_bytes": bounds.max_bytes}
    deliveries = []
    for msg_id, read_ct, enqueued_at, text, size in conn.execute(query("read"), params).fetchall():
        decoded = decode(text, int(size), bounds)
        deliveries.append(Delivery(queue, msg_id, read_ct, decoded.value, enqueued_at, decoded.refused))
    return deliveries


def archive(conn: Connection, queue: str, msg_id: int) -> bool:
    """pgmq.archive: move the message to pgmq.a_<queue>; false when it was not there."""
    row = conn.execute(query("archive"), {"queue": queue, "msg_id": msg_id}).fetchone()
    return bool(row and row[0])


def finish(conn: Connection, queue: str, msg_id: int, duration_ms: int) -> bool:
    """A task's last step, in its transaction: archive the message, forget its attempt count
    (pgmq/attempts) and record the "archived" outcome (pgmq/records), in one statement; false
    when the message was not there."""
    row = conn.execute(query("finish"), {"queue": queue, "msg_id": msg_id, "duration_ms": duration_ms}).fetchone()
    return bool(row and row[0])


def claim(conn: Connection, delivery: Delivery) -> bool:
    """Lock the message row until commit; true while this delivery still owns the message."""
    row = conn.execute(_on("claim", delivery.queue), {"msg_id": delivery.msg_id, "read_ct": delivery.read_ct}).fetchone()
    return bool(row and row[0])


def set_vt(conn: Connection, delivery: Delivery, vt_s: float) -> bool:
    """Fenced pgmq vt update: hide the message for `vt_s` more seconds from now."""
    row = conn.execute(
        query("set_vt"),
        {"queue": delivery.queue, "msg_id": delivery.msg_id, "read_ct": delivery.read_ct, "vt_s": vt_s},
    ).fetchone()
    return bool(row and row[0])


def extend_leases(conn: Connection, queue: str, deliveries: Iterable[tuple[int, int]], vt_s: float) -> int:
    """Fenced lease extension of many deliveries ((msg_id, read_ct) pairs) to now + `vt_s`,
    never shortening a vt; returns how many still owned their message."""
    pairs = list(deliveries)
    if not pairs:
        return 0
    row = conn.execute(
        queries("attempts.sql")["extend_leases"],
        {"queue": queue, "msg_ids": [m for m, _ in pairs], "read_cts": [r for _, r in pairs], "vt_s": vt_s},
    ).fetchone()
    return int(row[0]) if row else 0


def dead_letter(
    conn: Connection,
    queue: str,
    msg_id: int,
    read_ct: int | None,
    error_type: str,
    reason: str,
    attempts: int | None = None,
) -> int | None:
    """Send the message, wrapped with its reason (and the `attempts` it spent, when given), to
    <queue>_dlq and archive it from `queue`.

    Fenced on read_ct unless it is None; returns the DLQ msg_id, or None when not owned.
    """
    params = {"queue": queue, "msg_id": msg_id, "read_ct": read_ct, "error_type": error_type, "reason": reason}
    if attempts is None:
        row = conn.execute(query("dead_letter"), params).fetchone()
    else:
        counted = queries("attempts.sql")["dead_letter_counted"]
        row = conn.execute(counted, {**params, "attempts": attempts}).fetchone()
    return None if row is None or row[0] is None else int(row[0])


@dataclass(frozen=True)
class QueueMetrics:
    """pgmq.metrics() for one queue (work queue or DLQ)."""

    queue: str
    length: int
    visible: int
    oldest_age_s: int | None
    newest_age_s: int | None
    total_sent: int


def metrics(conn: Connection) -> dict[str, QueueMetrics]:
    """pgmq.metrics of every PGMQ queue this role may read (the worker role: this project's):
    size, visible part, message ages and total sent."""
    return {
        name: QueueMetrics(
            name,
            int(length),
            int(visible),
            None if oldest is None else int(oldest),
            None if newest is None else int(newest),
            int(total),
        )
        for name, length, visible, oldest, newest, total in conn.execute(query("queue_metrics"))
    }


@dataclass(frozen=True)
class DeadRow:
    """One message waiting in a DLQ, as stored, with the failures recorded for its original."""

    queue: str  # the work queue it came from
    msg_id: int  # its id in <queue>_dlq
    enqueued_at: datetime
    message: Any
    first_failure_at: datetime | None
    last_failure_at: datetime | None
    refused: str | None = None  # why the original message is past the bounds (then message holds no original)


def dead_letters(
    conn: Connection,
    queues: Iterable[str],
    *,
    msg_ids: Iterable[int] | None = None,
    older_than_s: float | None = None,
) -> list[DeadRow]:
    """The messages in each queue's DLQ (only `msg_ids` when given; only those dead-lettered more
    than `older_than_s` ago when given), oldest first per queue. Reads only: no read_ct changes."""
    wanted = None if msg_ids is None else list(msg_ids)
    # A DLQ wrapper adds one level and a reason to the original message's bounds.
    bounds = Bounds(DEFAULT_BOUNDS.max_bytes * 2 + 16384, DEFAULT_BOUNDS.max_depth + 1)
    found: list[DeadRow] = []
    for queue in queues:
        params = {"queue": queue, "msg_ids": wanted, "older_than_s": older_than_s, "max_bytes": bounds.max_bytes}
        for msg_id, enqueued_at, text, size, wrapper, first, last in conn.execute(_on("dead_letters", queue), params):
            decoded = decode(text, int(size), bounds)
            message = decoded.value
            if decoded.refused is not None:  # keep the wrapper (reason, attempts), without the original
                kept = decode(wrapper, len(wrapper.encode()), bounds).value
                message = {**(kept if isinstance(kept, dict) else {}), "message": None}
            found.append(DeadRow(queue, msg_id, enqueued_at, message, first, last, decoded.refused))
    return found


def _on(name: str, queue: str) -> sql.Composed:
    """A named query with its PGMQ tables ({queue_table}, {dlq_table}) filled in for `queue`."""
    return sql.SQL(query(name)).format(
        queue_table=sql.Identifier("pgmq", "q_" + queue),
        dlq_table=sql.Identifier("pgmq", "q_" + dlq_name(queue)),
    )


def holding(conn: Connection, names: Iterable[str], only_readable: bool = True) -> set[str]:
    """Which of the queues `names` hold a message (readable now, by default), in one statement."""
    parts = [
        sql.SQL(query("holding")).format(queue_name=sql.Literal(name), queue_table=sql.Identifier("pgmq", "q_" + name))
        for name in names
    ]
    if not parts:
        return set()
    rows = conn.execute(sql.SQL(" UNION ALL ").join(parts), {"only_readable": only_readable}).fetchall()
    return {str(row[0]) for row in rows}


def queued(conn: Connection, queue: str, msg_id: int) -> bool:
    """Whether `msg_id` is still in `queue` (visible or hidden), neither archived nor dead."""
    row = conn.execute(_on("queued", queue), {"msg_id": msg_id}).fetchone()
    return bool(row and row[0])


def count_waiting(conn: Connection, queue: str, key: str, values: Iterable[str]) -> int:
    """How many messages in `queue` carry one of `values` in their field `key`."""
    row = conn.execute(_on("count_waiting", queue), {"key": key, "values": list(values)}).fetchone()
    return int(row[0]) if row else 0


def waiting_values(conn: Connection, queue: str, key: str, *, fold: bool = False) -> set[str]:
    """Every value of field `key` among the messages in `queue` (lower-cased when `fold`)."""
    rows = conn.execute(_on("waiting_values", queue), {"key": key, "fold": fold}).fetchall()
    return {row[0] for row in rows if row[0] is not None}


def enqueued_at(conn: Connection, queue: str, msg_id: int) -> datetime | None:
    """When message `msg_id` of `queue` was sent, while it is still there (else None)."""
    row = conn.execute(_on("enqueued_at", queue), {"msg_id": msg_id}).fetchone()
    return None if row is None else row[0]


def count_before(conn: Connection, queue: str, before: datetime) -> int:
    """How many messages in `queue` were sent before `before` (still waiting or in flight)."""
    row = conn.execute(_on("count_before", queue), {"before": before}).fetchone()
    return int(row[0]) if row else 0


def count_dead(conn: Connection, queue: str, key: str, values: Iterable[str]) -> int:
    """How many dead letters of `queue` carry one of `values` in their original field `key`."""
    row = conn.execute(_on("count_dead", queue), {"key": key, "values": list(values)}).fetchone()
    return int(row[0]) if row else 0


def count_retrying(
    conn: Connection, queue: str, key: str, values: Iterable[str]
) -> tuple[int, datetime | None]:
    """How many messages in `queue` for one of `values` in field `key` wait to be retried, and
    when the soonest is due."""
    params = {"key": key, "values": list(values), "queue": queue}
    row = conn.execute(_on("count_retrying", queue), params).fetchone()
    return (int(row[0]), row[1]) if row else (0, None)


def message_retry(conn: Connection, queue: str, msg_id: int) -> tuple[int, datetime] | None:
    """(attempts so far, when the next is due) for a message that failed and waits; else None."""
    row = conn.execute(_on("message_retry", queue), {"msg_id": msg_id, "queue": queue}).fetchone()
    return (int(row[0]), row[1]) if row else None


def dead_reason(conn: Connection, queue: str, source_msg_id: int) -> str | None:
    """The reason message `source_msg_id` of `queue` was dead-lettered with, if it was."""
    row = conn.execute(_on("dead_reason", queue), {"source_msg_id": source_msg_id}).fetchone()
    return None if row is None else row[0]


def _archive_of(name: str, retention_query: str) -> sql.Composed:
    return sql.SQL(queries("retention.sql")[retention_query]).format(
        archive_table=sql.Identifier("pgmq", "a_" + name)
    )


def prune_archive(conn: Connection, name: str, cutoff: datetime, *, dry_run: bool = False) -> int:
    """Remove (or with dry_run count) messages archived before `cutoff` from pgmq.a_<name>, a
    work queue's or a DLQ's archive. Messages waiting in a DLQ are not archived: never touched."""
    if dry_run:
        row = conn.execute(_archive_of(name, "count_old_archive"), {"cutoff": cutoff}).fetchone()
        return int(row[0]) if row else 0
    return conn.execute(_archive_of(name, "prune_archive"), {"cutoff": cutoff}).rowcount


def prune_issues(
    conn: Connection, queue: str, cutoff: datetime, watermark: datetime, *, dry_run: bool = False
) -> int:
    """Remove (or count) `queue`'s worker_issues rows older than `cutoff` and rolled up by
    `watermark`, except those of a message still waiting in its DLQ (`dlq list` shows them)."""
    statement = sql.SQL(queries("retention.sql")["count_old_issues" if dry_run else "prune_issues"]).format(
        dlq_table=sql.Identifier("pgmq", "q_" + dlq_name(queue))
    )
    cursor = conn.execute(statement, {"queue": queue, "cutoff": cutoff, "watermark": watermark})
    if dry_run:
        row = cursor.fetchone()
        return int(row[0]) if row else 0
    return cursor.rowcount


def oldest_visible_age_s(conn: Connection, queue: str) -> int | None:
    """How long the longest-waiting readable message of `queue` has been ready; None when none.
    A bridge that ticks reads it within a tick or two: much longer means nothing is reading."""
    row = conn.execute(_on("oldest_visible_age", queue)).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def vacuum_analyze(conn: Connection, queue: str) -> None:
    """VACUUM ANALYZE `queue`'s table, so a bulk-loaded queue is measured settled (the bench).
    VACUUM runs outside a transaction: `conn` must be in autocommit."""
    conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier("pgmq", "q_" + queue)))


def insert_channel(queue: str) -> str:
    """The channel PGMQ NOTIFYs on an insert into `queue` (pgmq.enable_notify_insert): a channel
    name that only looks like its table's."""
    return f"pgmq.q_{queue}.INSERT"


def notify_insert(conn: Connection, queue: str) -> None:
    """Notify `queue`'s insert channel once (at commit), as PGMQ's per-row insert trigger does: a
    bulk send wakes the listener without a trigger firing per message."""
    conn.execute(query("notify_insert"), {"channel": insert_channel(queue)})


def _soak(name: str, queue: str) -> sql.Composed:
    return sql.SQL(queries("soak.sql")[name]).format(
        queue_table=sql.Identifier("pgmq", "q_" + queue),
        archive_table=sql.Identifier("pgmq", "a_" + queue),
        dlq_table=sql.Identifier("pgmq", "q_" + dlq_name(queue)),
        dlq_archive_table=sql.Identifier("pgmq", "a_" + dlq_name(queue)),
    )


@dataclass(frozen=True)
class Ledger:
    """Where every committed message of one queue ended up."""

    queue: str
    archived: int  # processed, or dead-lettered (a dead letter's source is archived too)
    waiting: int
    dead_lettered: int
    doubled_dead_letters: int
    doubled_messages: int

    @property
    def sent(self) -> int:
        return self.archived + self.waiting

    @property
    def processed(self) -> int:
        return self.archived - self.dead_lettered


def ledger(conn: Connection, queue: str) -> Ledger:
    """The soak's end-of-run accounting for `queue` (reads only)."""
    archived, waiting, dead = conn.execute(_soak("ledger", queue)).fetchone() or (0, 0, 0)
    doubled_dead = conn.execute(_soak("doubled_dead_letters", queue)).fetchone()
    doubled = conn.execute(_soak("doubled_messages", queue)).fetchone()
    return Ledger(
        queue,
        int(archived),
        int(waiting),
        int(dead),
        int(doubled_dead[0]) if doubled_dead else 0,
        int(doubled[0]) if doubled else 0,
    )
