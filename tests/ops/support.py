"""Helpers for the operator tests: run the `discovery` command for real, stage dead letters."""

from __future__ import annotations

import subprocess
from typing import Any

import psycopg

from discovery.local.processes import DISCOVERY
from discovery.pgmq import queues, records
from tests.support.processes import REPO_ROOT, service_env


def run_discovery(
    database_url: str, redis_url: str, *args: str, timeout_s: float = 60, **env_overrides: str
) -> subprocess.CompletedProcess[str]:
    env = service_env(DATABASE_URL=database_url, REDIS_URL=redis_url, **env_overrides)
    return subprocess.run(
        DISCOVERY + list(args),
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )


def dead_letter(
    conn: psycopg.Connection,
    queue: str,
    message: dict[str, Any],
    *,
    error_type: str = "NotFound",
    reason: str = "staged failure",
    failures: int = 1,
) -> int:
    """Send `message` to `queue`, record `failures` issues for it, and dead-letter it the way the
    workers do; returns the DLQ msg_id."""
    msg_id = queues.send(conn, queue, message)
    for attempt in range(1, failures + 1):
        records.record_issue(
            conn, queue=queue, msg_id=msg_id, read_ct=attempt, error_type=error_type,
            message=reason, payload=None,
        )
    dlq_id = queues.dead_letter(conn, queue, msg_id, None, error_type, reason)
    assert dlq_id is not None
    return dlq_id


def count(conn: psycopg.Connection, sql: str, *params: object) -> int:
    row = conn.execute(sql, params).fetchone()
    assert row is not None
    return int(row[0])


