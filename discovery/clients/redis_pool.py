"""One Redis client per process per URL, shared by every client's cache, limiter and breaker."""

from __future__ import annotations

import threading

import redis

_clients: dict[str, redis.Redis] = {}
_lock = threading.Lock()


def shared_redis(url: str) -> redis.Redis:
    """The process's Redis client for `url` (bytes responses, as pybreaker and requests-cache want)."""
    with _lock:
        client = _clients.get(url)
        if client is None:
            client = _clients[url] = redis.Redis.from_url(url, socket_timeout=5)
        return client


def text(reply: object) -> str:
    """One Redis reply as text. Our clients answer bytes (decode_responses is off); redis-py's
    types also allow str, which passes as it is, and nested replies, which are a caller's bug."""
    if isinstance(reply, bytes):
        return reply.decode()
    if isinstance(reply, str):
        return reply
    raise TypeError(f"a Redis reply of one value was expected, not {type(reply).__name__}")


def close_all() -> None:
    """Drop every client (tests; a forked child must not reuse its parent's sockets)."""
    with _lock:
        for client in _clients.values():
            client.close()
        _clients.clear()
