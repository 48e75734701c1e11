"""The connection pool after every backend of the database was terminated (a failover)."""

from __future__ import annotations

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
