"""`discovery migrate` on real Postgres: PGMQ, the five queues and their DLQs, idempotent."""

from __future__ import annotations

import subprocess
import sys
from typing import LiteralString, cast

import psycopg
import pytest
from pgmq import get_embedded_install_sql

from discovery.pgmq import migrations
from discovery.pgmq.lanes import all_queues
from discovery.settings import QUEUES, dlq_name
from tests.support.processes import REPO_ROOT, service_env

pytestmark = pytest.mark.integration

SNAPSHOT = """
SELECT n.nspname, c.relname, c.relkind, c.oid::bigint
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('public', 'pgmq')
UNION ALL
SELECT n.nspname, p.proname, 'f', p.oid::bigint
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname IN ('public', 'pgmq')
ORDER BY 1, 2, 3, 4
"""


def snapshot(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        objects = conn.execute(SNAPSHOT).fetchall()
        ledger = conn.execute("SELECT version, applied_at FROM discovery_migrations ORDER BY 1").fetchall()
        queues = conn.execute("SELECT queue_name FROM pgmq.list_queues() ORDER BY 1").fetchall()
    return [("objects", objects), ("ledger", ledger), ("queues", queues)]


def test_migrate_creates_the_five_stages_three_lanes_each_and_a_dlq_for_each(empty_database_url):
    applied = migrations.migrate(empty_database_url)

    assert applied == [path.stem for path in migrations.migration_files()]
    with psycopg.connect(empty_database_url) as conn:
        names = {row[0] for row in conn.execute("SELECT queue_name FROM pgmq.list_queues()")}
    assert len(all_queues()) == 3 * len(QUEUES)
    assert names == set(all_queues()) | {dlq_name(queue) for queue in all_queues()}


def test_migrate_twice_succeeds_and_changes_nothing_the_second_time(empty_database_url):
    migrations.migrate(empty_database_url)
    before = snapshot(empty_database_url)

    assert migrations.migrate(empty_database_url) == []

    assert snapshot(empty_database_url) == before


def test_migrate_leaves_an_existing_pgmq_and_its_queues_alone(empty_database_url):
    with psycopg.connect(empty_database_url, autocommit=True) as conn:
        conn.execute(cast(LiteralString, get_embedded_install_sql()))
        conn.execute("SELECT pgmq.create('theirs')")
        conn.execute("""SELECT pgmq.send('theirs', '{"keep": true}')""")
        send_oid = conn.execute("SELECT 'pgmq.send(text,jsonb,integer)'::regprocedure::oid").fetchone()

    migrations.migrate(empty_database_url)

    with psycopg.connect(empty_database_url) as conn:
        assert conn.execute("SELECT 'pgmq.send(text,jsonb,integer)'::regprocedure::oid").fetchone() == send_oid
        assert conn.execute("SELECT message FROM pgmq.q_theirs").fetchall() == [({"keep": True},)]
    assert migrations.ensure_pgmq(psycopg.connect(empty_database_url, autocommit=True)) == "present"


def test_the_migrate_command_creates_a_missing_database(empty_database_url):
    missing = empty_database_url + "_made_by_migrate"
    env = service_env(DATABASE_URL=missing)
    try:
        first = subprocess.run(
            [sys.executable, "-m", "discovery.cli", "migrate", "--create-db"],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
        )
        second = subprocess.run(
            [sys.executable, "-m", "discovery.cli", "migrate"],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
        )
    finally:
        migrations.drop_database(missing)  # with the roles its migrations made (0060), none left behind

    assert first.returncode == 0, first.stderr
    assert f"applied {len(migrations.migration_files())} migration(s)" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "applied 0 migration(s)" in second.stdout
