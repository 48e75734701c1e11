"""The connection pool after every backend of the database was terminated (a failover)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import psycopg
import pytest

from discovery.pgmq import db
from tests.conftest import PG_ADMIN_URL

pytestmark = pytest.mark.integration


def terminate_every_backend(database_url: str) -> int:
    name = psycopg.conninfo.conninfo_to_dict(database_url)["dbname"]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return len(rows)


def test_after_every_backend_is_terminated_the_pool_hands_out_live_connections(database_url):
    # Given a pool whose connections were all used once
    pool = db.pool(database_url)
    try:
        with pool.connection() as a, pool.connection() as b:
            a.execute("SELECT 1")
            b.execute("SELECT 1")
        assert pool.get_stats()["pool_size"] >= 2

        # When every backend of the database is terminated
        assert terminate_every_backend(database_url) >= 2

        # Then each of the next transactions runs at once on a live connection
        for _ in range(4):
            with pool.connection() as conn, conn.transaction():
                assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        db.close_all()


def test_a_transaction_whose_connection_is_lost_runs_again_once_on_a_fresh_one(database_url):
    # Given a transaction that writes, then loses its connection before committing (first time)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE effects (attempt int)")
    attempts: list[int] = []

    def work(conn: psycopg.Connection) -> int:
        attempts.append(len(attempts) + 1)
        conn.execute("INSERT INTO effects VALUES (%s)", (attempts[-1],))
        if len(attempts) == 1:
            terminate_every_backend(database_url)
            conn.execute("SELECT 1")  # the server has gone: this raises
        return attempts[-1]

    try:
        # When it runs through the pool
        result = db.in_transaction(database_url, work, "test")
    finally:
        db.close_all()

    # Then it ran twice and its effect is there once, from the second run
    assert result == 2 and attempts == [1, 2]
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT attempt FROM effects").fetchall() == [(2,)]


def test_an_error_that_is_not_a_lost_connection_is_not_run_again(database_url):
    attempts: list[int] = []

    def work(conn: psycopg.Connection) -> None:
        attempts.append(1)
        conn.execute("SELECT * FROM no_such_table")

    try:
        with pytest.raises(psycopg.errors.UndefinedTable):
            db.in_transaction(database_url, work, "test")
    finally:
        db.close_all()
    assert attempts == [1]


def test_the_victim_of_a_deadlock_runs_again_and_both_transactions_land(database_url):
    # Given two transactions that lock the same two rows in opposite orders
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE pair (id int PRIMARY KEY, touched int NOT NULL DEFAULT 0)")
        conn.execute("INSERT INTO pair (id) VALUES (1), (2)")
    both_hold_one = threading.Barrier(2, timeout=10)
    runs: dict[str, int] = {"a": 0, "b": 0}

    def transaction(name: str, first: int, second: int) -> Callable[[psycopg.Connection], None]:
        def work(conn: psycopg.Connection) -> None:
            runs[name] += 1
            conn.execute("UPDATE pair SET touched = touched + 1 WHERE id = %s", (first,))
            if runs[name] == 1:
                both_hold_one.wait()  # only the first runs meet: that is the deadlock
            conn.execute("UPDATE pair SET touched = touched + 1 WHERE id = %s", (second,))

        return work

    # When they run at once through the pool
    errors: list[BaseException] = []

    def run(name: str, first: int, second: int) -> None:
        try:
            db.in_transaction(database_url, transaction(name, first, second), name)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=("a", 1, 2)), threading.Thread(target=run, args=("b", 2, 1))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        db.close_all()

    # Then the server chose a victim, which ran again, and both effects are there once
    assert errors == []
    assert sorted(runs.values()) == [1, 2]
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT id, touched FROM pair ORDER BY id").fetchall() == [(1, 2), (2, 2)]
