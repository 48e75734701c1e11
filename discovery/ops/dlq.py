"""Dead letters: list them, replay them to their work queue, purge (archive) the old ones.

A dead letter is the wrapper `discovery_dead_letter` sends to <queue>_dlq: {source_queue,
source_msg_id, read_ct, enqueued_at, dead_lettered_at, error_type, reason, message}. Nothing here
deletes: replay and purge archive the dead letter (pgmq.a_<queue>_dlq keeps it), and a replay
archives it in the same transaction that sends the original message back, so a second replay of
the same dead letter finds it gone and sends nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from discovery.pgmq import queues
from discovery.settings import DLQ_SUFFIX, QUEUES, dlq_name

logger = logging.getLogger(__name__)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_duration_s(text: str) -> float:
    """Parse "7d" into 604800.0; units s, m, h, d, w (seconds when none)."""
    found = _DURATION.match(text.lower())
    if found is None:
        raise ValueError(f"{text!r} is not a duration such as 45s, 30m, 12h, 7d or 2w")
    return float(found.group(1)) * _UNIT_S[found.group(2)]


@dataclass(frozen=True)
class DeadLetter:
    queue: str  # the work queue it came from
    msg_id: int  # its id in <queue>_dlq
    source_msg_id: int | None
    attempts: int | None
    error_type: str | None
    reason: str | None
    message: Any  # the original message, as it was sent to the work queue
    first_failure_at: datetime | None
    last_failure_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "queue": self.queue,
            "dlq": dlq_name(self.queue),
            "msg_id": self.msg_id,
            "source_msg_id": self.source_msg_id,
            "attempts": self.attempts,
            "error_type": self.error_type,
            "reason": self.reason,
            "message": self.message,
            "first_failure_at": _iso(self.first_failure_at),
            "last_failure_at": _iso(self.last_failure_at),
        }


@dataclass(frozen=True)
class Replayed:
    queue: str
    dlq_msg_id: int
    new_msg_id: int | None  # None: it had left the DLQ already (replayed or purged meanwhile)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _parse_time(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _int_or_none(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def check_queue(queue: str) -> str:
    """The work queue's name; a DLQ's name (artist_discovery_dlq) is accepted for it too."""
    name = queue.removesuffix(DLQ_SUFFIX)
    if name not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}; known: {', '.join(QUEUES)}")
    return name


def _from_row(row: queues.DeadRow) -> DeadLetter:
    queue, msg_id, enqueued_at, wrapper = row.queue, row.msg_id, row.enqueued_at, row.message
    first_issue_at, last_issue_at = row.first_failure_at, row.last_failure_at
    wrapped = isinstance(wrapper, dict) and "message" in wrapper
    fields: dict[str, Any] = wrapper if wrapped else {}
    dead_lettered_at = _parse_time(fields.get("dead_lettered_at")) or enqueued_at
    failures = [moment for moment in (first_issue_at, last_issue_at, dead_lettered_at) if moment]
    return DeadLetter(
        queue=queue,
        msg_id=int(msg_id),
        source_msg_id=_int_or_none(fields.get("source_msg_id")),
        # Attempts spent (throttled reads excluded); older dead letters carry only read_ct.
        attempts=_int_or_none(fields.get("attempts", fields.get("read_ct"))),
        error_type=fields.get("error_type"),
        reason=fields.get("reason"),
        message=fields["message"] if wrapped else wrapper,
        first_failure_at=min(failures) if failures else None,
        last_failure_at=max(failures) if failures else None,
    )


def list_dead(
    conn: psycopg.Connection,
    queue: str | None = None,
    *,
    msg_ids: Iterable[int] | None = None,
    older_than_s: float | None = None,
) -> list[DeadLetter]:
    """Dead letters still in the DLQs (of `queue`, else all), oldest first per queue."""
    rows = queues.dead_letters(
        conn,
        QUEUES if queue is None else [check_queue(queue)],
        msg_ids=msg_ids,
        older_than_s=older_than_s,
    )
    return [_from_row(row) for row in rows]


def replay(
    conn: psycopg.Connection, queue: str, msg_ids: Iterable[int] | None = None
) -> list[Replayed]:
    """Send dead letters of `queue` (the given DLQ msg_ids, or all) back to the work queue as new
    messages (attempts start again from zero), each archived from the DLQ in the same transaction.

    A dead letter no longer in the DLQ is skipped: replaying twice sends it once.
    """
    queue = check_queue(queue)
    wanted = None if msg_ids is None else sorted(set(msg_ids))
    found = {dead.msg_id: dead for dead in list_dead(conn, queue, msg_ids=wanted)}
    results: list[Replayed] = []
    for msg_id in wanted if wanted is not None else sorted(found):
        dead = found.get(msg_id)
        new_msg_id = None if dead is None else _replay_one(conn, dead)
        results.append(Replayed(queue, msg_id, new_msg_id))
    return results


def _replay_one(conn: psycopg.Connection, dead: DeadLetter) -> int | None:
    with conn.transaction():
        # Archive first: it locks and removes the row, so a concurrent replay of the same dead
        # letter waits here and then finds nothing to archive, and sends nothing.
        if dead.message is None:  # its original is past the message bounds: replaying it is refusing it again
            logger.warning(
                "%s dead letter %s not replayed: its message is past the bounds", dead.queue, dead.msg_id,
                extra={"action": "dead_letter_not_replayed", "queue": dead.queue, "dlq_msg_id": dead.msg_id},
            )
            return None
        if not queues.archive(conn, dlq_name(dead.queue), dead.msg_id):
            return None
        new_msg_id = queues.send(conn, dead.queue, dead.message)
    logger.info(
        "%s dead letter %s replayed as msg %s",
        dead.queue,
        dead.msg_id,
        new_msg_id,
        extra={
            "action": "dead_letter_replayed",
            "queue": dead.queue,
            "msg_id": new_msg_id,
            "dlq_msg_id": dead.msg_id,
            "source_msg_id": dead.source_msg_id,
        },
    )
    return new_msg_id


def purge(conn: psycopg.Connection, queue: str, older_than_s: float) -> list[int]:
    """Archive (never delete) the dead letters of `queue` dead-lettered more than `older_than_s`
    seconds ago, in one transaction; returns their DLQ msg_ids."""
    queue = check_queue(queue)
    archived: list[int] = []
    with conn.transaction():
        for dead in list_dead(conn, queue, older_than_s=older_than_s):
            if queues.archive(conn, dlq_name(queue), dead.msg_id):
                archived.append(dead.msg_id)
    logger.info(
        "%s: %s dead letter(s) older than %ss archived",
        queue,
        len(archived),
        older_than_s,
        extra={"action": "dead_letters_purged", "queue": queue, "count": len(archived)},
    )
    return archived
