"""One connection pool per process, made on first use (after Celery's fork, never before)."""

from __future__ import annotations

import os
import threading

from psycopg_pool import ConnectionPool

_lock = threading.Lock()
_pools: dict[tuple[int, str], ConnectionPool] = {}


def pool(database_url: str) -> ConnectionPool:
    """The calling process's pool for this database."""
    key = (os.getpid(), database_url)
    with _lock:
        found = _pools.get(key)
        if found is None:
            found = ConnectionPool(database_url, min_size=1, max_size=4, open=True, kwargs={"autocommit": True})
            _pools[key] = found
        return found


def close_all() -> None:
    with _lock:
        for key, found in list(_pools.items()):
            if key[0] == os.getpid():
                found.close()
            del _pools[key]
