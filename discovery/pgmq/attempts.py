"""The attempts a message has spent, kept by us (table message_attempts): PGMQ's read_ct counts
every read, throttled give-backs included. A delivery's attempt number is its read_ct minus the
reads that were throttled; each function joins the caller's (fenced) transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import LiteralString

from psycopg import Connection

from discovery.pgmq.sql import queries


def _query(name: str) -> LiteralString:
    return queries("attempts.sql")[name]


def throttled_reads(conn: Connection, queue: str, msg_ids: Iterable[int]) -> dict[int, int]:
    """For each of `msg_ids` that was ever throttled, how many of its reads were."""
    rows = conn.execute(_query("throttled_reads"), {"queue": queue, "msg_ids": list(msg_ids)}).fetchall()
    return {int(msg_id): int(throttled) for msg_id, throttled in rows}


def attempt_number(conn: Connection, queue: str, msg_id: int, read_ct: int) -> int:
    """Which attempt delivery `read_ct` of the message is (1 for the first real try)."""
    return read_ct - throttled_reads(conn, queue, [msg_id]).get(msg_id, 0)


def count_throttle(conn: Connection, queue: str, msg_id: int) -> None:
    conn.execute(_query("count_throttle"), {"queue": queue, "msg_id": msg_id})


def count_failure(conn: Connection, queue: str, msg_id: int) -> None:
    conn.execute(_query("count_failure"), {"queue": queue, "msg_id": msg_id})



def waiting_by_queue(conn: Connection) -> dict[str, tuple[int, int]]:
    """Per queue: messages still queued that failed at least once, and that were throttled."""
    rows = conn.execute(_query("retrying_by_queue")).fetchall()
    return {queue: (int(failed), int(throttled)) for queue, failed, throttled in rows}
