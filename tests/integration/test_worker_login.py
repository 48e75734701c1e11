"""`DISCOVERY_WORKER_PASSWORD=... discovery migrate`: the discovery_worker role may then log in
with that password, and the password is never printed.

The role is cluster-wide (other databases on this server grant it too): the test never drops it
and puts back the LOGIN and password it found (NOLOGIN and none, as migrations make it, when the
role did not exist yet)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import subprocess
import sys
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from discovery.pgmq.migrations import WORKER_ROLE
from tests.conftest import PG_ADMIN_URL
from tests.support.processes import REPO_ROOT, service_env

pytestmark = pytest.mark.integration

ROLE_STATE = "SELECT rolcanlogin, rolpassword FROM pg_authid WHERE rolname = %s"


@pytest.fixture
def worker_role_restored() -> Iterator[None]:
    """Whatever the test does to discovery_worker's LOGIN and password is undone afterwards."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        before = conn.execute(ROLE_STATE, (WORKER_ROLE,)).fetchone() or (False, None)
    yield
    can_login, password = before
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        # A stored SCRAM or md5 hash given back as the password is kept as it is, not hashed again.
        conn.execute(
            sql.SQL("ALTER ROLE {} WITH {} PASSWORD {}").format(
                sql.Identifier(WORKER_ROLE), sql.SQL("LOGIN" if can_login else "NOLOGIN"), sql.Literal(password)
            )
        )


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


def test_migrate_with_a_worker_password_lets_discovery_worker_log_in_with_it(empty_database_url, worker_role_restored):
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
    # and the role may log in, with that very password stored (checked against its hash, since
    # this server's pg_hba may trust local TCP connections without asking for one)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        can_login, stored = conn.execute(ROLE_STATE, (WORKER_ROLE,)).fetchone()
    assert can_login
    assert stored is not None and password_matches(stored, WORKER_ROLE, password)
    assert not password_matches(stored, WORKER_ROLE, password + "x")
    # and a connection over TCP as discovery_worker with it works, with the worker's rights
    worker_url = make_conninfo(empty_database_url, user=WORKER_ROLE, password=password)
    with psycopg.connect(worker_url, connect_timeout=10) as conn:
        assert not conn.info.host.startswith("/"), conn.info.host  # TCP, not a unix socket
        assert conn.execute("SELECT current_user").fetchone()[0] == WORKER_ROLE
        assert conn.execute("SELECT count(*) FROM discovery_migrations").fetchone()[0] > 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("CREATE TABLE intruder (id int)")
