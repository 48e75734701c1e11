"""One client per process per settings, reused; `reset_clients` drops them (tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from discovery.clients import redis_pool
from discovery.settings import Settings, get_settings

T = TypeVar("T")

_clients: dict[tuple[str, Settings], Any] = {}
_lock = threading.Lock()


def shared_client(kind: str, build: Callable[[Settings], T], settings: Settings | None) -> T:
    """The process's client of `kind` for `settings` (default: the environment's)."""
    settings = settings or get_settings()
    key = (kind, settings)
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = build(settings)
        return client


def reset_clients() -> None:
    """Forget every client and Redis connection of this process."""
    with _lock:
        for client in _clients.values():
            close = getattr(client, "close", None)
            if close is not None:
                close()
        _clients.clear()
    redis_pool.close_all()
