"""Fixtures shared by the integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from tests.support.workers import CREATE_EFFECTS_TABLE


@pytest.fixture
def effects_db(database_url: str) -> Iterator[psycopg.Connection]:
    """An autocommit connection to this test's database, with the staged worker's effects table."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(CREATE_EFFECTS_TABLE)
        yield conn
