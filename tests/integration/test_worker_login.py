"""`DISCOVERY_WORKER_PASSWORD=... discovery migrate`: the database's worker role may then log in
with that password, and the password is never printed nor sent in SQL.

The role is the database's own (`<database>_worker`, 0060), dropped with the test's database."""

from __future__ import annotations

import base64
import hashlib
import hmac
import subprocess
import sys
import threading
import time
import uuid

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from discovery.pgmq import migrations
from discovery.pgmq.migrations import role_of
from tests.conftest import PG_ADMIN_URL
from tests.support.processes import REPO_ROOT, service_env

pytestmark = pytest.mark.integration

ROLE_STATE = "SELECT rolcanlogin, rolpassword FROM pg_authid WHERE rolname = %s"


def password_matches(stored: str, role: str, password: str) -> bool:
    """Whether pg_authid's `stored` hash (SCRAM-SHA-256, or md5) is that of `password`."""
    if stored.startswith("md5"):
        return stored == "md5" + hashlib.md5((password + role).encode()).hexdigest()
    method, rest = stored.split("$", 1)
    assert method == "SCRAM-SHA-256", stored[:20]
    iterations_salt, keys = rest.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key, server_key = keys.split(":")
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return (
        base64.b64encode(hashlib.sha256(client_key).digest()).decode() == stored_key
        and base64.b64encode(hmac.new(salted, b"Server Key", "sha256").digest()).decode() == server_key
    )


def test_migrate_with_a_worker_password_lets_the_worker_role_log_in_with_it(empty_database_url):
    # Given a fresh database and a password for the worker role
    password = f"pw-{uuid.uuid4().hex}"

    # When `discovery migrate` runs (as the owner) with DISCOVERY_WORKER_PASSWORD set
    done = subprocess.run(
        [sys.executable, "-m", "discovery.cli", "migrate"],
        cwd=REPO_ROOT, env=service_env(DATABASE_URL=empty_database_url, DISCOVERY_WORKER_PASSWORD=password),
        capture_output=True, text=True, timeout=180,
    )

    # Then it succeeded without printing the password
    assert done.returncode == 0, done.stderr
    assert password not in done.stdout + done.stderr
    with psycopg.connect(empty_database_url) as conn:
        worker_role = role_of(conn)
    assert worker_role == conninfo_to_dict(empty_database_url)["dbname"] + "_worker"
    # and the role may log in, with that very password stored (checked against its hash, since
    # this server's pg_hba may trust local TCP connections without asking for one)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        can_login, stored = conn.execute(ROLE_STATE, (worker_role,)).fetchone()
    assert can_login
    assert stored is not None and password_matches(stored, worker_role, password)
    assert not password_matches(stored, worker_role, password + "x")
    # and a connection over TCP as discovery_worker with it works, with the worker's rights
    worker_url = make_conninfo(empty_database_url, user=worker_role, password=password)
    with psycopg.connect(worker_url, connect_timeout=10) as conn:
        assert not conn.info.host.startswith("/"), conn.info.host  # TCP, not a unix socket
        assert conn.execute("SELECT current_user").fetchone()[0] == worker_role
        assert conn.execute("SELECT count(*) FROM discovery_migrations").fetchone()[0] > 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("CREATE TABLE intruder (id int)")


def test_migrate_never_sends_the_worker_password_in_sql(empty_database_url):
    # Given a migrated database, and an owner's transaction holding its worker role's row, so that
    # migrate's ALTER ROLE waits in plain sight in pg_stat_activity
    migrations.migrate(empty_database_url)
    with psycopg.connect(empty_database_url) as conn:
        worker_role = role_of(conn)
    password = f"pw-{uuid.uuid4().hex}"
    blocker = psycopg.connect(PG_ADMIN_URL)
    blocker.execute(sql.SQL("ALTER ROLE {} CONNECTION LIMIT 50").format(sql.Identifier(worker_role)))
    failures: list[BaseException] = []

    def set_password() -> None:
        try:
            migrations.migrate(empty_database_url, worker_password=password)
        except BaseException as error:  # noqa: BLE001 (reported by the test below)
            failures.append(error)

    # When migrate sets the worker's password
    thread = threading.Thread(target=set_password)
    thread.start()
    seen: list[str] = []
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as watcher:
            deadline = time.monotonic() + 60
            while not seen and time.monotonic() < deadline and thread.is_alive():
                seen = [row[0] for row in watcher.execute(
                    "SELECT query FROM pg_stat_activity WHERE query ILIKE 'ALTER ROLE%%PASSWORD%%'"
                    " AND wait_event_type = 'Lock'"
                )]
                time.sleep(0.05)
    finally:
        blocker.rollback()
        blocker.close()
        thread.join(60)

    # Then the statement the server saw carries a SCRAM verifier, never the password
    assert not failures, failures
    [statement] = seen
    assert password not in statement
    assert "SCRAM-SHA-256$4096:" in statement
    # and that verifier is the password's: the role logs in with it
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        can_login, stored = conn.execute(ROLE_STATE, (worker_role,)).fetchone()
    assert can_login and password_matches(stored, worker_role, password)
