"""Retention: fold queue_metrics and worker_issues into totals up to a watermark, then remove
what is older than the retention period (archived messages, metrics, issues).

What `discovery status` and the exporter show survives pruning: the exporter reads the totals
plus the raw rows after the watermark, and status reads only the last hour. Dead letters waiting
in a DLQ are never removed here (only `dlq purge` moves them), nor the issues that explain them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import LiteralString, cast

from psycopg import Connection

from discovery.pgmq import queues
from discovery.pgmq.sql import queries
from discovery.settings import QUEUES, dlq_name

logger = logging.getLogger(__name__)

# Rows are stamped when their transaction began; one still open commits rows older than now.
ROLLUP_LAG_S = 600.0


def _q(name: str) -> LiteralString:
    return queries("retention.sql")[name]


def _moment(conn: Connection, name: str, params: dict[str, float]) -> datetime:
    row = conn.execute(_q(name), params).fetchone()
    assert row is not None
    return cast(datetime, row[0])


def watermark(conn: Connection) -> datetime:
    """Everything recorded at or before this moment is counted in the totals."""
    row = conn.execute(_q("watermark")).fetchone()
    assert row is not None
    return cast(datetime, row[0])


def rollup(conn: Connection, lag_s: float = ROLLUP_LAG_S) -> datetime:
    """Add the rows recorded since the watermark (up to `lag_s` ago) to the totals and move the
    watermark, in one transaction; returns the new watermark. Safe to run anywhere, any time."""
    with conn.transaction():
        conn.execute(_q("lock_rollup"))
        since = watermark(conn)
        until = _moment(conn, "rollup_until", {"lag_s": lag_s})
        if until <= since:
            return since
        window = {"since": since, "until": until}
        conn.execute(_q("rollup_metrics"), window)
        conn.execute(_q("rollup_issues"), window)
        conn.execute(_q("move_watermark"), {"until": until})
    return until


@dataclass
class Pruned:
    """What one prune removed (or, in a dry run, would remove), by table."""

    cutoff: datetime | None = None
    dry_run: bool = False
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.removed.values())


def prune(conn: Connection, older_than_s: float, *, dry_run: bool = False) -> Pruned:
    """Roll up, then remove what is older than `older_than_s` in one transaction."""
    if not dry_run:
        rollup(conn)
    result = Pruned(dry_run=dry_run)
    with conn.transaction():
        conn.execute(_q("lock_rollup"))
        mark = watermark(conn)
        if dry_run:  # the rollup a real prune runs first would have moved the watermark
            mark = max(mark, _moment(conn, "rollup_until", {"lag_s": ROLLUP_LAG_S}))
        cutoff = _moment(conn, "retention_cutoff", {"older_than_s": older_than_s})
        result.cutoff = cutoff
        params = {"cutoff": cutoff, "watermark": mark}
        if dry_run:
            row = conn.execute(_q("count_old_metrics"), params).fetchone()
            result.removed["queue_metrics"] = int(row[0]) if row else 0
        else:
            result.removed["queue_metrics"] = conn.execute(_q("prune_metrics"), params).rowcount
        result.removed["worker_issues"] = sum(
            queues.prune_issues(conn, queue, cutoff, mark, dry_run=dry_run) for queue in QUEUES
        )
        for queue in QUEUES:
            for name in (queue, dlq_name(queue)):
                result.removed[f"pgmq.a_{name}"] = queues.prune_archive(conn, name, cutoff, dry_run=dry_run)
    logger.info(
        "pruned %d row(s) older than %s%s",
        result.total,
        cutoff.isoformat(timespec="seconds"),
        " (dry run)" if dry_run else "",
        extra={"action": "retention_pruned", "removed": result.removed, "dry_run": dry_run},
    )
    return result


@dataclass
class MetricTotals:
    """All-time sums of queue_metrics rows of one queue, kind and outcome."""

    events: int = 0
    read_count: int = 0
    dispatched: int = 0
    dead_lettered: int = 0
    duration_ms: int = 0

    def add(self, *values: int | None) -> None:
        events, read_count, dispatched, dead_lettered, duration_ms = (int(v or 0) for v in values)
        self.events += events
        self.read_count += read_count
        self.dispatched += dispatched
        self.dead_lettered += dead_lettered
        self.duration_ms += duration_ms


def metric_totals(conn: Connection) -> dict[tuple[str, str, str], MetricTotals]:
    """{(queue, kind, outcome): totals} since the start: the rolled-up totals plus the raw rows
    after the watermark (an index range, so the cost does not grow with the system's age)."""
    found: dict[tuple[str, str, str], MetricTotals] = {}
    mark = watermark(conn)
    rows = conn.execute(_q("metric_totals")).fetchall()
    rows += conn.execute(_q("metric_totals_since"), {"watermark": mark}).fetchall()
    for queue, kind, outcome, *sums in rows:
        found.setdefault((queue, kind, outcome), MetricTotals()).add(*sums)
    return found


def issue_totals(conn: Connection) -> dict[tuple[str, str], int]:
    """{(queue, error_type): failures recorded} since the start, as metric_totals does."""
    found: dict[tuple[str, str], int] = {}
    mark = watermark(conn)
    rows = conn.execute(_q("issue_totals")).fetchall()
    rows += conn.execute(_q("issue_totals_since"), {"watermark": mark}).fetchall()
    for queue, error_type, count in rows:
        found[(queue, error_type)] = found.get((queue, error_type), 0) + int(count)
    return found
