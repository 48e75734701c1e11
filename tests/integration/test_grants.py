"""Least privilege per deployment (0060): a database's worker role works this project's queues
and nothing else of PGMQ's: not another application's queue, not the fast lane's throttle, not
another database on the same server."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from discovery.pgmq import migrations, queues
from discovery.pgmq.migrations import role_of
from tests.conftest import PG_ADMIN_URL

pytestmark = pytest.mark.integration


@pytest.fixture
def login_in() -> Iterator[Callable[[str], str]]:
    """login_in(database_url) -> that URL as a new login role granted only the database's worker role."""
    made: list[str] = []

    def make(database_url: str) -> str:
        with psycopg.connect(database_url) as conn:
            worker = role_of(conn)
        name = f"dw_test_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(sql.Identifier(name), sql.Identifier(worker)))
        made.append(name)
        return make_conninfo(database_url, user=name)

    yield make
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        for name in made:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,))
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def refused(conn: psycopg.Connection, statement: str) -> bool:
    try:
        with conn.transaction():
            conn.execute(statement)
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


def test_the_worker_role_cannot_touch_another_applications_queue_nor_the_fast_lane_throttle(database_url, login_in):
    # Given another application's queue with a message in it, made on the same database after ours
    with psycopg.connect(database_url, autocommit=True) as owner:
        owner.execute("SELECT pgmq.create('other_app')")
        owner.execute("SELECT pgmq.send('other_app', '{\"secret\": 1}')")
    worker_url = login_in(database_url)

    with psycopg.connect(worker_url, autocommit=True) as worker:
        # When the worker role tries to read, send to, delete from or purge it, or to slow the fast lane
        attempts = {
            "read": "SELECT * FROM pgmq.read('other_app', 30, 1)",
            "send": "SELECT pgmq.send('other_app', '{}')",
            "delete": "SELECT pgmq.delete('other_app', 1::bigint)",
            "table": "DELETE FROM pgmq.q_other_app",
            "archive": "SELECT * FROM pgmq.a_other_app",
            "meta": "SELECT * FROM pgmq.meta",
            "throttle": "SELECT pgmq.update_notify_insert('artist_discovery', 86400000)",
            "throttle table": "UPDATE pgmq.notify_insert_throttle SET throttle_interval_ms = 86400000",
        }
        # Then each is refused
        assert {what: refused(worker, statement) for what, statement in attempts.items()} == dict.fromkeys(attempts, True)

        # while its own queues work: a send (its insert trigger stamps the throttle), a read, an
        # archive, and the queue metrics, which list this project's queues only
        sent = queues.send(worker, "artist_discovery", {"artistName": "Nova"})
        [delivery] = queues.read(worker, "artist_discovery", 30, 1)
        assert delivery.msg_id == sent and queues.archive(worker, "artist_discovery", sent)
        seen = queues.metrics(worker)
        assert "artist_discovery" in seen and "social_enrichment_dlq" in seen and "other_app" not in seen

    with psycopg.connect(database_url) as owner:
        assert owner.execute("SELECT count(*) FROM pgmq.q_other_app").fetchone()[0] == 1
        assert owner.execute(
            "SELECT throttle_interval_ms FROM pgmq.notify_insert_throttle WHERE queue_name = 'artist_discovery'"
        ).fetchone()[0] == 250


def test_a_queue_a_later_migration_grants_is_the_workers_and_one_it_does_not_is_not(database_url, login_in):
    # Given two queues made after 0060, one of them granted as a later migration of ours would
    with psycopg.connect(database_url, autocommit=True) as owner:
        owner.execute("SELECT pgmq.create('artist_discovery_bulk'), pgmq.create('artist_discovery_bulk_dlq')")
        owner.execute("SELECT discovery_grant_queue('artist_discovery_bulk')")
        owner.execute("SELECT pgmq.create('not_ours')")
    worker_url = login_in(database_url)

    with psycopg.connect(worker_url, autocommit=True) as worker:
        # Then the granted queue and its DLQ are usable, the other is not
        queues.send(worker, "artist_discovery_bulk", {"artistName": "Nova"})
        queues.send(worker, "artist_discovery_bulk_dlq", {"x": 1})
        assert len(queues.read(worker, "artist_discovery_bulk", 30, 5)) == 1
        assert refused(worker, "SELECT pgmq.send('not_ours', '{}')")
        # and the grant function itself is the owner's
        assert refused(worker, "SELECT discovery_grant_queue('not_ours')")


def test_one_databases_worker_role_cannot_connect_to_another_database_on_the_same_server(
    empty_database_url, login_in
):
    # Given two databases migrated on the same server, each with its own worker role
    other_url = make_conninfo(empty_database_url, dbname=f"discovery_test_other_{uuid.uuid4().hex[:8]}")
    migrations.migrate(empty_database_url)
    migrations.migrate(other_url, create_db=True)
    try:
        with psycopg.connect(empty_database_url) as one, psycopg.connect(other_url) as other:
            assert role_of(one) != role_of(other)
        worker_url = login_in(empty_database_url)

        # When the first database's worker connects to each
        with psycopg.connect(worker_url) as conn:
            assert conn.execute("SELECT count(*) FROM discovery_migrations").fetchone()[0] > 0
        # Then the other database refuses it
        with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
            psycopg.connect(make_conninfo(other_url, user=conninfo_to_dict(worker_url)["user"]))
    finally:
        migrations.drop_database(other_url)
