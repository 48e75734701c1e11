"""Shared fixtures: real Postgres (a template database with the schema, one copy per test) and
real Redis (a database number of our own, flushed only after we checked it was empty).

A missing service skips locally and fails when CI=true.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
import redis

from discovery.proving import scratch

pytest_plugins = ["tests.fixtures_sandbox"]

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@localhost:5432/postgres")
REDIS_BASE_URL = os.environ.get("TEST_REDIS_URL", "redis://localhost:6379")
IN_CI = os.environ.get("CI", "").lower() == "true"


def service_missing(what: str, error: Exception) -> None:
    message = f"{what} is not reachable ({error}); integration tests need it"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def _db_url(name: str) -> str:
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


def _admin() -> psycopg.Connection:
    return psycopg.connect(PG_ADMIN_URL, autocommit=True)


def _drop_database(name: str) -> None:
    """Drop it, and its own roles (0060) once no other database grants them anything."""
    from discovery.pgmq import migrations

    migrations.drop_database(_db_url(name))


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A database with every migration applied, made once per run, used as a template."""
    try:
        _admin().close()
    except psycopg.OperationalError as error:
        service_missing("Postgres", error)
    from discovery.pgmq import migrations

    name = f"discovery_test_tmpl_{uuid.uuid4().hex[:8]}"
    try:
        migrations.migrate(_db_url(name), create_db=True)
        yield name
    finally:
        _drop_database(name)


@pytest.fixture
def make_database(pg_template: str) -> Iterator[callable]:  # type: ignore[valid-type]
    """Returns a function that makes a fresh migrated database and gives its URL."""
    made: list[str] = []

    def make() -> str:
        name = f"discovery_test_{uuid.uuid4().hex[:10]}"
        with _admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
        made.append(name)
        return _db_url(name)

    yield make
    for name in made:
        _drop_database(name)


@pytest.fixture
def database_url(make_database) -> str:  # type: ignore[no-untyped-def]
    """A fresh migrated database of this test's own."""
    return make_database()


@pytest.fixture
def empty_database_url() -> Iterator[str]:
    """A fresh database with nothing in it (for migration tests)."""
    try:
        _admin().close()
    except psycopg.OperationalError as error:
        service_missing("Postgres", error)
    name = f"discovery_test_empty_{uuid.uuid4().hex[:8]}"
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _db_url(name)
    finally:
        _drop_database(name)


_CLAIM_KEY = "discovery-tests:claimed-by"
# With tests side by side (make test runs three), every pair may be taken for a moment.
CLAIM_WAIT_S = 120


@contextmanager
def claimed_redis() -> Iterator[str]:
    """A Redis database number that was empty when we claimed it, and the next one (where
    DISCOVERY_CACHE_URL defaults: settings.next_database), also empty; both flushed afterwards."""
    try:
        redis.Redis.from_url(f"{REDIS_BASE_URL}/0").ping()
    except redis.RedisError as error:
        service_missing("Redis", error)
    token = uuid.uuid4().hex
    deadline = time.monotonic() + CLAIM_WAIT_S
    while (db := scratch.claim_pair(REDIS_BASE_URL, _CLAIM_KEY, token)) is None:
        if time.monotonic() > deadline:
            pytest.fail(f"no two empty Redis database numbers (1-15) to claim for this test within {CLAIM_WAIT_S}s")
        time.sleep(0.5)  # every pair is taken by tests running beside this one: wait for one to end
    try:
        yield f"{REDIS_BASE_URL}/{db}"
    finally:
        scratch.release_pair(REDIS_BASE_URL, db, _CLAIM_KEY, token)


@pytest.fixture
def redis_url() -> Iterator[str]:
    """This test's Redis database pair (claimed_redis)."""
    with claimed_redis() as url:
        yield url


@pytest.fixture
def second_redis_url(redis_url: str) -> Iterator[str]:
    """Another pair, for a test that runs two pipelines side by side."""
    with claimed_redis() as url:
        yield url
