"""The page's connections: always with the rights of discovery_reader (migration 0070), which
reads and may call the seed function, nothing else. DISCOVERY_WEB_DATABASE_URL names a login of
that role; when it is empty, DATABASE_URL is used with its role set to discovery_reader at login.
The page refuses to start on a connection that could write."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg_pool import ConnectionPool

from discovery.exceptions import ConfigurationError
from discovery.pgmq.migrations import READER_ROLE
from discovery.pgmq.sql import queries
from discovery.settings import Settings

POOL_MAX = 8
# How long a page waits for a connection before it says the database cannot be reached (503).
POOL_WAIT_S = 5.0


def reader_url(settings: Settings) -> str:
    """DISCOVERY_WEB_DATABASE_URL, or DATABASE_URL acting as discovery_reader."""
    if settings.discovery_web_database_url:
        return settings.discovery_web_database_url
    options = str(conninfo_to_dict(settings.database_url).get("options") or "")
    return make_conninfo(settings.database_url, options=f"{options} -c role={READER_ROLE}".strip())


def check(database_url: str) -> None:
    """Refuse a connection that may write any table (a URL naming the owner, say), or that cannot
    act as the reader (DATABASE_URL's user neither the owner nor a member of the role)."""
    try:
        with psycopg.connect(database_url) as conn:
            row = conn.execute(queries("web.sql")["reader_check"], {}).fetchone()
    except psycopg.errors.InsufficientPrivilege as error:
        raise ConfigurationError(
            f"discovery web cannot act as {READER_ROLE} ({error.diag.message_primary}): set "
            f"DISCOVERY_WEB_DATABASE_URL to a login of {READER_ROLE} (DISCOVERY_READER_PASSWORD=... discovery "
            f"migrate lets the role itself log in)"
        ) from None
    assert row is not None
    user, may_write = row
    if may_write:
        raise ConfigurationError(
            f"discovery web reads as {READER_ROLE} only, and {user} may write: set DISCOVERY_WEB_DATABASE_URL "
            f"to a login of {READER_ROLE} (or leave it empty to act as {READER_ROLE} through DATABASE_URL)"
        )


def pool(database_url: str) -> ConnectionPool[Any]:
    """Connections handing rows as tuples (the catalog's readers expect them; the page's own
    queries ask for dicts), each statement its own transaction, and never a prepared statement:
    after five runs psycopg would prepare one, and Postgres's generic plan for a producer's page
    of credits reads every credit of the producer (700-900 ms for the most credited of the
    benchmark's, against 20-60 ms planned for the producer and artists at hand)."""
    return ConnectionPool(
        database_url, min_size=1, max_size=POOL_MAX, open=False, name="web", timeout=POOL_WAIT_S,
        kwargs={"autocommit": True, "prepare_threshold": None},
    )
