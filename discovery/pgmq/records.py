"""What the machinery writes about itself: worker_issues and queue_metrics rows."""

from __future__ import annotations

from typing import Any

from psycopg import Connection
from psycopg.types.json import Jsonb

from discovery.pgmq.sql import query


def record_issue(
    conn: Connection,
    *,
    queue: str,
    msg_id: int | None,
    read_ct: int | None,
    error_type: str,
    message: str,
    payload: Any,
) -> None:
    """One worker_issues row: which delivery failed, the kind of error, and why."""
    conn.execute(
        query("record_issue"),
        {
            "queue": queue,
            "msg_id": msg_id,
            "read_ct": read_ct,
            "error_type": error_type,
            "message": message[:4000],
            "payload": Jsonb(payload),
        },
    )


def last_issue(conn: Connection, queue: str, msg_id: int) -> tuple[str, str] | None:
    row = conn.execute(query("last_issue"), {"queue": queue, "msg_id": msg_id}).fetchone()
    return None if row is None else (str(row[0]), str(row[1]))


def record_batch(
    conn: Connection,
    *,
    queue: str,
    outcome: str,
    read_count: int,
    dispatched: int,
    dead_lettered: int,
    duration_ms: int,
    detail: str | None = None,
) -> None:
    conn.execute(
        query("record_batch"),
        {
            "queue": queue,
            "outcome": outcome,
            "read_count": read_count,
            "dispatched": dispatched,
            "dead_lettered": dead_lettered,
            "duration_ms": duration_ms,
            "detail": detail,
        },
    )


def record_pause(conn: Connection, *, queue: str, detail: str) -> None:
    conn.execute(query("record_pause"), {"queue": queue, "detail": detail})


def record_task(
    conn: Connection, *, queue: str, outcome: str, msg_id: int, duration_ms: int, detail: str | None = None
) -> None:
    conn.execute(
        query("record_task"),
        {"queue": queue, "outcome": outcome, "msg_id": msg_id, "duration_ms": duration_ms, "detail": detail},
    )


def record_delivery_issue(conn: Connection, delivery: Any, error_type: str, message: str) -> None:
    """record_issue for one delivery (a queues.Delivery): its queue, msg_id, read_ct and payload."""
    record_issue(
        conn,
        queue=delivery.queue,
        msg_id=delivery.msg_id,
        read_ct=delivery.read_ct,
        error_type=error_type,
        message=message,
        payload=delivery.message,
    )
