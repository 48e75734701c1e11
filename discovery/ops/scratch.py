"""Scratch resources for measuring runs: a migrated database of their own on DATABASE_URL's
server, and an empty Redis database number on REDIS_URL's server, both removed afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import redis
from psycopg import sql
from psycopg.conninfo import make_conninfo

from discovery.pgmq import migrations

CLAIM_KEY = "discovery-scratch:claimed-by"


@contextmanager
def database(server_url: str, prefix: str = "discovery_scratch") -> Iterator[str]:
    """A new migrated database on the server of `server_url`; dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    url = make_conninfo(server_url, dbname=name)
    admin_url = make_conninfo(server_url, dbname="postgres")
    migrations.migrate(url, create_db=True)
    try:
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def redis_database(server_url: str) -> Iterator[str]:
    """A Redis database number (15 down to 1) that was empty when claimed; flushed afterwards."""
    base = server_url.rsplit("/", 1)[0] if server_url.count("/") > 2 else server_url
    token = uuid.uuid4().hex
    for number in range(15, 0, -1):
        client = redis.Redis.from_url(f"{base}/{number}")
        try:
            if client.dbsize() == 0 and client.set(CLAIM_KEY, token, nx=True):
                if client.dbsize() != 1:  # someone else writes here: not ours
                    client.delete(CLAIM_KEY)
                    continue
                try:
                    yield f"{base}/{number}"
                finally:
                    if client.get(CLAIM_KEY) == token.encode():
                        client.flushdb()
                return
        finally:
            client.close()
    raise RuntimeError(f"no empty Redis database number (1-15) on {base} to measure with")

