"""One connection pool per process, made on first use (after Celery's fork, never before).

A failover (or every backend terminated) leaves the pool holding dead connections: each is
checked when handed out (one round trip) and replaced if broken, so the next transaction after
a failover gets a live connection instead of failing, and a delivery's give-back after a failed
commit reaches Postgres at once instead of waiting out its visibility timeout. While the server
is unreachable, taking a connection waits up to POOL_TIMEOUT_S for it to come back.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import psycopg
from psycopg_pool import ConnectionPool

logger = logging.getLogger(__name__)
T = TypeVar("T")

_lock = threading.Lock()
_pools: dict[tuple[int, str], ConnectionPool] = {}

POOL_TIMEOUT_S = 30.0
# How long the pool keeps trying to reconnect in the background before it reports failure.
RECONNECT_TIMEOUT_S = 300.0
# Connections idle longer than this are closed: a server restart leaves none stale for long.
MAX_IDLE_S = 60.0
# A transaction whose connection was lost (failover, backend terminated) runs again this often.
LOST_CONNECTION_ATTEMPTS = 3
# A transaction the server rolled back for a deadlock or a serialization failure (SQLSTATE class
# 40) runs again this often, after a short random pause so the two sides do not meet again.
ROLLED_BACK_ATTEMPTS = 5
ROLLED_BACK_PAUSE_S = 0.05
_ROLLED_BACK = (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure)


def pool(database_url: str) -> ConnectionPool:
    """The calling process's pool for this database."""
    key = (os.getpid(), database_url)
    with _lock:
        found = _pools.get(key)
        if found is None:
            found = ConnectionPool(
                database_url,
                min_size=1,
                max_size=4,
                open=True,
                kwargs={"autocommit": True},
                check=ConnectionPool.check_connection,
                timeout=POOL_TIMEOUT_S,
                reconnect_timeout=RECONNECT_TIMEOUT_S,
                max_idle=MAX_IDLE_S,
            )
            _pools[key] = found
        return found


def in_transaction(database_url: str, work: Callable[[psycopg.Connection], T], what: str) -> T:
    """work(conn) in one transaction on a pooled connection. If the connection is lost before
    the commit is acknowledged (a failover), the transaction is rolled back by the server, and
    work runs again on a fresh connection: callers make it safe to repeat (the read_ct fence:
    a commit that did land makes the repeat find its message gone). A transaction the server
    rolled back as a deadlock victim or for a serialization failure left nothing behind, so it
    runs again too (concurrent upserts of the same producers can meet in opposite orders)."""
    lost = rolled_back = 0
    while True:
        conn: psycopg.Connection | None = None
        try:
            with pool(database_url).connection() as conn, conn.transaction():
                return work(conn)
        except _ROLLED_BACK as error:
            rolled_back += 1
            if rolled_back >= ROLLED_BACK_ATTEMPTS:
                raise
            _log_again(what, error, rolled_back)
            time.sleep(random.uniform(0, ROLLED_BACK_PAUSE_S * rolled_back))
        except psycopg.OperationalError as error:
            lost += 1
            if conn is None or not conn.broken or lost >= LOST_CONNECTION_ATTEMPTS:
                raise
            _log_again(what, error, lost)


def _log_again(what: str, error: Exception, attempt: int) -> None:
    logger.warning(
        "%s failed (%s); trying again",
        what,
        type(error).__name__,
        extra={"action": "transaction_retried", "what": what, "attempt": attempt, "error_type": type(error).__name__},
    )


def close_all() -> None:
    with _lock:
        for key, found in list(_pools.items()):
            if key[0] == os.getpid():
                found.close()
            del _pools[key]
