"""The only caller of pgmq.*: send, read, archive, fenced claim / set_vt, and dead-lettering.

Every function takes the caller's connection, so it joins the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import Connection
from psycopg.types.json import Jsonb

from discovery.sql import query


@dataclass(frozen=True)
class Delivery:
    """One read of one message: read_ct tells this delivery from any later one."""

    queue: str
    msg_id: int
    read_ct: int
    message: Any
    enqueued_at: datetime | None = None


def send(conn: Connection, queue: str, message: dict[str, Any], delay_s: int = 0) -> int:
    """pgmq.send: put a message on `queue`, visible after `delay_s` seconds; returns its msg_id."""
    row = conn.execute(query("send"), {"queue": queue, "message": Jsonb(message), "delay_s": delay_s}).fetchone()
    assert row is not None
    return int(row[0])


def read(conn: Connection, queue: str, vt_s: int, qty: int) -> list[Delivery]:
    """pgmq.read: take up to `qty` visible messages and hide them for `vt_s` seconds."""
    rows = conn.execute(query("read"), {"queue": queue, "vt_s": vt_s, "qty": qty}).fetchall()
    return [Delivery(queue, msg_id, read_ct, message, enqueued_at) for msg_id, read_ct, enqueued_at, message in rows]


def archive(conn: Connection, queue: str, msg_id: int) -> bool:
    """pgmq.archive: move the message to pgmq.a_<queue>; false when it was not there."""
    row = conn.execute(query("archive"), {"queue": queue, "msg_id": msg_id}).fetchone()
    return bool(row and row[0])


def claim(conn: Connection, delivery: Delivery) -> bool:
    """Lock the message row until commit; true while this delivery still owns the message."""
    row = conn.execute(
        query("claim"), {"queue": delivery.queue, "msg_id": delivery.msg_id, "read_ct": delivery.read_ct}
    ).fetchone()
    return bool(row and row[0])


def set_vt(conn: Connection, delivery: Delivery, vt_s: float) -> bool:
    """Fenced pgmq vt update: hide the message for `vt_s` more seconds from now."""
    row = conn.execute(
        query("set_vt"),
        {"queue": delivery.queue, "msg_id": delivery.msg_id, "read_ct": delivery.read_ct, "vt_s": vt_s},
    ).fetchone()
    return bool(row and row[0])


def dead_letter(
    conn: Connection, queue: str, msg_id: int, read_ct: int | None, error_type: str, reason: str
) -> int | None:
    """Send the message, wrapped with its reason, to <queue>_dlq and archive it from `queue`.

    Fenced on read_ct unless it is None; returns the DLQ msg_id, or None when not owned.
    """
    row = conn.execute(
        query("dead_letter"),
        {"queue": queue, "msg_id": msg_id, "read_ct": read_ct, "error_type": error_type, "reason": reason},
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])
