"""Least privilege: the pools, beat and the CLI run as a login role granted the database's worker role,
which can do their work and nothing an owner does; the front door is SECURITY DEFINER."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from discovery.pgmq.migrations import role_of
from tests.conftest import PG_ADMIN_URL
from tests.e2e.test_pipeline import check_against_truth, demo_files
from tests.ops.support import run_discovery

pytestmark = pytest.mark.integration


def _admin() -> psycopg.Connection:
    return psycopg.connect(PG_ADMIN_URL, autocommit=True)


def worker_role(database_url: str) -> str:
    """The database's worker role (0060: `<database>_worker`; a copy keeps its template's)."""
    with psycopg.connect(database_url) as conn:
        return role_of(conn)


@pytest.fixture
def login_role() -> Iterator[callable]:  # type: ignore[valid-type]
    """login_role(database_url, *granted) -> the URL as a new login role in `granted` roles."""
    made: list[tuple[str, str]] = []

    def make(database_url: str, *granted: str) -> str:
        name = f"dw_test_{uuid.uuid4().hex[:10]}"
        with _admin() as conn:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
            for role in granted:
                conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(role), sql.Identifier(name)))
        made.append((name, database_url))
        return make_conninfo(database_url, user=name)

    yield make
    for name, database_url in made:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))  # its grants
    with _admin() as conn:
        for name, _ in made:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,))
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def test_the_demo_catalog_is_discovered_by_processes_running_as_the_worker_role(
    start_pipeline, database_url, redis_url, login_role
):
    # Given beat and the five pools connecting as a role granted only the worker role
    worker_url = login_role(database_url, worker_role(database_url))
    catalog, truth = demo_files()
    pipeline = start_pipeline(None, env={"DATABASE_URL": worker_url})
    assert conninfo_to_dict(pipeline.database_url)["user"].startswith("dw_test_")

    # When the demo artists are seeded (through the front door, as that role) and discovered
    pipeline.discover([artist["name"] for artist in truth["artists"]])

    # Then everything is found as the answer key says, and the operator's commands work as it
    check_against_truth(pipeline, catalog, truth)
    for command in (["status", "--json"], ["dlq", "list"], ["prune", "--dry-run"], ["seed", "Another One"]):
        done = run_discovery(worker_url, redis_url, *command)
        assert "permission denied" not in done.stderr, (command, done.stderr)
        assert done.returncode in (0, 1), (command, done.stderr)  # status: 1 = needs attention
    assert run_discovery(worker_url, redis_url, "prune", "--older-than", "30d").returncode == 0


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE TABLE intruder (id int)",
        "DROP TABLE artists",
        "DELETE FROM artists",
        "TRUNCATE tracks",
        "SELECT pgmq.create('intruder')",
        "SELECT pgmq.drop_queue('artist_discovery')",
        "INSERT INTO discovery_migrations (version) VALUES ('9999_intruder')",
        "ALTER FUNCTION start_artist_discovery(text) SECURITY INVOKER",
    ],
)
def test_the_worker_role_cannot_do_what_only_the_owner_does(database_url, login_role, statement):
    worker_url = login_role(database_url, worker_role(database_url))

    with psycopg.connect(worker_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)


def test_start_artist_discovery_is_security_definer_with_a_fixed_search_path_for_granted_roles_only(
    database_url, login_role
):
    # Given a role granted nothing, and a role granted only EXECUTE on the front door
    stranger_url = login_role(database_url)
    seeder_url = login_role(database_url)
    seeder = conninfo_to_dict(seeder_url)["user"]
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("GRANT EXECUTE ON FUNCTION start_artist_discovery(text) TO {}").format(sql.Identifier(seeder))
        )
        [(definer, config)] = conn.execute(
            "SELECT prosecdef, proconfig FROM pg_proc WHERE proname = 'start_artist_discovery'"
        ).fetchall()

    # Then the function runs with its owner's rights on a fixed path
    assert definer is True
    assert config == ["search_path=pg_catalog, pg_temp"]
    # And the stranger may not call it, while the seeder seeds without any right on PGMQ itself
    with psycopg.connect(stranger_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT start_artist_discovery('Stranger')")
    with psycopg.connect(seeder_url, autocommit=True) as conn:
        # A function of the caller's own named like a built-in cannot stand in on a fixed path.
        conn.execute("SET search_path = pg_temp, public")
        msg_id = conn.execute("SELECT start_artist_discovery('Seeded By A Granted Role')").fetchone()[0]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM pgmq.q_artist_discovery")
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT message FROM pgmq.q_artist_discovery WHERE msg_id = %s", (msg_id,)).fetchone() == (
            {"artistName": "Seeded By A Granted Role"},
        )
