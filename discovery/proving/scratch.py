"""Scratch resources for measuring runs: a migrated database of their own on DATABASE_URL's
server, and an empty Redis database number on REDIS_URL's server, both removed afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from psycopg.conninfo import make_conninfo

from discovery.pgmq import migrations

CLAIM_KEY = "discovery-scratch:claimed-by"


@contextmanager
def database(server_url: str, prefix: str = "discovery_scratch") -> Iterator[str]:
    """A new migrated database on the server of `server_url`; dropped afterwards, with its roles."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    url = make_conninfo(server_url, dbname=name)
    try:
        migrations.migrate(url, create_db=True)  # inside: interrupted while migrating, it is dropped too
        yield url
    finally:
        migrations.drop_database(url)  # and its own roles (0060)


@contextmanager
def redis_database(server_url: str) -> Iterator[str]:
    """A Redis database number that was empty when claimed, with the next one (where the cache
    goes by default: settings.next_database) also empty and claimed; both flushed afterwards."""
    base = server_url.rsplit("/", 1)[0] if server_url.count("/") > 2 else server_url
    token = uuid.uuid4().hex
    number = claim_pair(base, CLAIM_KEY, token)
    if number is None:
        raise RuntimeError(f"no two empty Redis database numbers (1-15) on {base} to measure with")
    try:
        yield f"{base}/{number}"
    finally:
        release_pair(base, number, CLAIM_KEY, token)


def claim_pair(base: str, claim_key: str, token: str) -> int | None:
    """The first database number (14 down to 1) that, with the next one, was empty and now holds
    `claim_key` = `token`; None when no such pair is free."""
    for number in range(14, 0, -1):
        clients = [redis.Redis.from_url(f"{base}/{n}") for n in (number, number + 1)]
        try:
            claimed = [client for client in clients if _claim(client, claim_key, token)]
            if len(claimed) == 2:
                return number
            for client in claimed:
                client.delete(claim_key)
        finally:
            for client in clients:
                client.close()
    return None


def release_pair(base: str, number: int, claim_key: str, token: str) -> None:
    """Flush both databases of a claimed pair, each only while it still holds our claim."""
    for n in (number, number + 1):
        client = redis.Redis.from_url(f"{base}/{n}")
        try:
            if client.get(claim_key) == token.encode():
                client.flushdb()
        finally:
            client.close()


def _claim(client: redis.Redis, claim_key: str, token: str) -> bool:
    """Mark an empty database as ours; false when it holds anything (or someone else wrote meanwhile)."""
    if client.dbsize() != 0 or not client.set(claim_key, token, nx=True):
        return False
    if client.dbsize() != 1:
        client.delete(claim_key)
        return False
    return True
