"""The page's connections: always with the rights of the database's reader role (migration 0070:
`<database>_reader`, `discovery_reader` for the database `discovery`), which reads and may call
the seed function, nothing else. DISCOVERY_WEB_DATABASE_URL names a login of that role; when it
is empty, DATABASE_URL is used with its role set to the reader at login. The page refuses to start
on a connection that could write."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg_pool import ConnectionPool

from discovery.exceptions import ConfigurationError
from discovery.pgmq.migrations import default_role_name, role_of
from discovery.pgmq.sql import queries
from discovery.settings import Settings

POOL_MAX = 8
# How long a page waits for a connection before it says the database cannot be reached (503).
POOL_WAIT_S = 5.0


def reader_role(database_url: str) -> str:
    """The name of the database's reader role, as its migrations recorded it (or, while the
    database cannot be reached, as 0060 names it: the page then says it cannot be reached)."""
    try:
        with psycopg.connect(database_url) as conn:
            return role_of(conn, "reader")
    except psycopg.OperationalError:
        return default_role_name(str(conninfo_to_dict(database_url).get("dbname") or ""), "reader")


def reader_url(settings: Settings) -> str:
    """DISCOVERY_WEB_DATABASE_URL, or DATABASE_URL acting as the database's reader role."""
    if settings.discovery_web_database_url:
        return settings.discovery_web_database_url
    options = str(conninfo_to_dict(settings.database_url).get("options") or "")
    role = reader_role(settings.database_url)
    return make_conninfo(settings.database_url, options=f"{options} -c role={role}".strip())


def check(database_url: str) -> None:
    """Refuse a connection that may write any table (a URL naming the owner, say), or that cannot
    act as the reader (DATABASE_URL's user neither the owner nor a member of the role)."""
    try:
        with psycopg.connect(database_url) as conn:
            row = conn.execute(queries("web.sql")["reader_check"], {}).fetchone()
    except psycopg.errors.InsufficientPrivilege as error:
        raise ConfigurationError(
            f"discovery web cannot act as the reader role ({error.diag.message_primary}): set "
            f"DISCOVERY_WEB_DATABASE_URL to a login of it (DISCOVERY_READER_PASSWORD=... discovery "
            f"migrate lets the role itself log in)"
        ) from None
    assert row is not None
    user, may_write = row
    if may_write:
        raise ConfigurationError(
            f"discovery web reads as the database's reader role only, and {user} may write: set "
            f"DISCOVERY_WEB_DATABASE_URL to a login of the reader role (or leave it empty to act as it "
            f"through DATABASE_URL)"
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
