"""The database's reader role (migration 0070), the role the platform's page reads as: it reads
every table, may call the seed function, and cannot write any table, sequence or schema, nor send
to a queue.

The page acts as it through DATABASE_URL with the connection's role set at login (web/reader),
which is how these tests connect too; the role is the test database's own (0060's scheme)."""

from __future__ import annotations

import hashlib

import psycopg
import pytest
from psycopg import errors, sql

from discovery.exceptions import ConfigurationError
from discovery.pgmq import queues
from discovery.pgmq.migrations import default_role_name, role_of
from discovery.settings import Settings
from discovery.web import reader
from discovery.web.app import create_app

pytestmark = pytest.mark.integration

TABLES = """
SELECT schemaname, tablename, (SELECT a.attname FROM pg_attribute a
                               WHERE a.attrelid = format('%I.%I', schemaname, tablename)::regclass
                                 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum LIMIT 1)
FROM pg_tables WHERE schemaname IN ('public', 'pgmq') ORDER BY 1, 2
"""


def reader_url_of(database_url: str) -> str:
    return reader.reader_url(Settings(database_url=database_url))


def refused(conn: psycopg.Connection, statement: sql.Composable) -> bool:
    """Whether the statement is refused for want of a privilege (and nothing else)."""
    try:
        with conn.transaction():
            conn.execute(statement)
    except errors.InsufficientPrivilege:
        return True
    return False


def test_the_reader_cannot_write_any_table(database_url):
    # Given a migrated database with a row in every table the pipeline fills first
    with psycopg.connect(database_url, autocommit=True) as owner:
        owner.execute("SELECT start_artist_discovery('Glass Season')")
        tables = owner.execute(TABLES).fetchall()
    assert len(tables) > 20, tables  # the project's tables and PGMQ's queues and archives

    # When the reader tries to insert into, update, delete from and truncate each of them
    with psycopg.connect(reader_url_of(database_url), autocommit=True) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (role_of(conn, "reader"),)
        writable = []
        for schema, table, column in tables:
            name = sql.Identifier(schema, table)
            attempts = {
                "INSERT": sql.SQL("INSERT INTO {} DEFAULT VALUES").format(name),
                "UPDATE": sql.SQL("UPDATE {} SET {} = DEFAULT").format(name, sql.Identifier(column)),
                "DELETE": sql.SQL("DELETE FROM {}").format(name),
                "TRUNCATE": sql.SQL("TRUNCATE {}").format(name),
            }
            writable += [f"{verb} {schema}.{table}" for verb, statement in attempts.items() if not refused(conn, statement)]

        # Then every attempt is refused for want of a privilege
        assert writable == []
        # and so are a sequence, a new table, and a send or a queue made through PGMQ's functions
        assert refused(conn, sql.SQL("SELECT nextval(pg_get_serial_sequence('producers', 'id'))"))
        assert refused(conn, sql.SQL("CREATE TABLE public.reader_was_here (id int)"))
        assert refused(conn, sql.SQL("SELECT pgmq.send('artist_discovery', '{\"artistName\": \"x\"}'::jsonb)"))
        assert refused(conn, sql.SQL("SELECT pgmq.create('reader_queue')"))


def test_the_reader_reads_the_catalog_and_the_queues_and_may_seed(database_url):
    # Given the reader's connection
    with psycopg.connect(reader_url_of(database_url), autocommit=True) as conn:
        # When it seeds through the front door
        [msg_id] = conn.execute("SELECT start_artist_discovery('Glass Season')").fetchone()  # type: ignore[misc]

        # Then the message is queued, and the reader can see it there and read the catalog
        assert queues.queued(conn, "artist_discovery", msg_id)
        assert conn.execute("SELECT count(*) FROM producers").fetchone() == (0,)
        assert conn.execute("SELECT * FROM search_producers('anyone')").fetchall() == []


def test_the_page_refuses_to_start_on_a_connection_that_could_write(database_url):
    # Given DISCOVERY_WEB_DATABASE_URL naming the owner, who may write
    settings = Settings(database_url=database_url, discovery_web_database_url=database_url)

    # When the page is made, Then it refuses, naming the role it must read as
    with pytest.raises(ConfigurationError, match="reads as the database's reader role only"):
        create_app(settings)


def test_the_role_name_the_page_falls_back_to_follows_the_migrations_rule(database_url):
    # Given a migrated database, When its reader role is named from the database name alone
    with psycopg.connect(database_url) as conn:
        database, by_sql = conn.execute("SELECT current_database(), discovery_role_name('reader')").fetchone()  # type: ignore[misc]

    # Then it is the name 0060's rule gives (a copy of a template keeps the template's roles, so the
    # rule, not the recorded role, is what the fallback mirrors), and a long name takes the md5 form
    assert default_role_name(database, "reader") == by_sql
    assert default_role_name("x" * 60, "reader") == f"db_{hashlib.md5(('x' * 60).encode()).hexdigest()}_reader"
