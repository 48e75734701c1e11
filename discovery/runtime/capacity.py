"""How much work a queue may have in flight: a multiple of the concurrency of the pool processes
online for it, so adding a worker (or a machine) adds capacity. DISCOVERY_MAX_IN_FLIGHT, when
set, is a fixed ceiling instead.

Each worker announces itself in Redis: per pool, a sorted set of "node<TAB>concurrency" members
scored by when the announcement lapses. A worker renews it every HEARTBEAT_S from a thread in its
main process and withdraws it when it shuts down; a worker that died lapses after LAPSE_S.
"""

from __future__ import annotations

import logging
import threading
import time

import redis

from discovery.clients.redis_pool import text
from discovery.settings import QUEUE_POOLS, Settings

logger = logging.getLogger(__name__)

HEARTBEAT_S = 10.0
LAPSE_S = 3 * HEARTBEAT_S


def _key(pool: str) -> str:
    return f"discovery:consumers:{pool}"


def announce(client: redis.Redis, pools: list[str], node: str, concurrency: int) -> None:
    """This worker (`node`) runs `concurrency` processes for each of `pools`, for LAPSE_S more."""
    lapses_at = time.time() + LAPSE_S
    for pool in pools:
        withdraw_from(client, pool, node)
        client.zadd(_key(pool), {f"{node}\t{concurrency}": lapses_at})


def withdraw_from(client: redis.Redis, pool: str, node: str) -> None:
    stale = [m for m in map(text, client.zrange(_key(pool), 0, -1)) if m.partition("\t")[0] == node]
    if stale:
        client.zrem(_key(pool), *stale)


def online_concurrency(client: redis.Redis, pool: str) -> int:
    """The processes of all live workers of `pool`."""
    pipe = client.pipeline(transaction=False)  # one round trip
    pipe.zremrangebyscore(_key(pool), "-inf", time.time())
    pipe.zrange(_key(pool), 0, -1)
    return _processes(pipe.execute()[1])


def _processes(members: list[bytes]) -> int:
    return sum(int(text(m).rpartition("\t")[2]) for m in members)


def max_in_flight(client: redis.Redis, queue: str, settings: Settings) -> int:
    """The in-flight ceiling of `queue` now."""
    if settings.discovery_max_in_flight is not None:
        return settings.discovery_max_in_flight
    return settings.discovery_in_flight_per_process * online_concurrency(client, QUEUE_POOLS[queue])


def announced_on(pipe: redis.client.Pipeline, pool: str) -> None:
    """Queue on `pipe` the live announcements of `pool`'s workers (read only; see ceiling_of)."""
    pipe.zrangebyscore(_key(pool), time.time(), "+inf")


def refill_mark(ceiling: int) -> int:
    """Below this many deliveries in flight, a stage's bridge should read more: half its ceiling,
    so each process still has work queued in the broker while the bridge reads."""
    return max(ceiling // 2, 1)


def ceiling_of(announced: list[bytes], settings: Settings) -> int:
    """The in-flight ceiling of a pool whose live announcements are `announced` (as announced_on
    reads them); DISCOVERY_MAX_IN_FLIGHT instead when set."""
    if settings.discovery_max_in_flight is not None:
        return settings.discovery_max_in_flight
    return settings.discovery_in_flight_per_process * _processes(announced)


class Heartbeat:
    """Announces a worker every HEARTBEAT_S until stopped, then withdraws it."""

    def __init__(self, client: redis.Redis, pools: list[str], node: str, concurrency: int) -> None:
        self.client, self.pools, self.node, self.concurrency = client, pools, node, concurrency
        self._stop = threading.Event()

    def start(self) -> Heartbeat:
        self._beat()
        threading.Thread(target=self._run, name="capacity-heartbeat", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for pool in self.pools:
            withdraw_from(self.client, pool, self.node)

    def _run(self) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            self._beat()

    def _beat(self) -> None:
        try:
            announce(self.client, self.pools, self.node, self.concurrency)
        except redis.RedisError as error:
            logger.warning("could not announce worker %s: %s", self.node, error, extra={"action": "heartbeat_failed"})
