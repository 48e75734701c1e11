"""The deliveries a bridge handed to Celery and not yet finished (a Redis sorted set per stage,
each member expiring with its lease), and the renewal of the leases of those still waiting in the
broker. runtime/bridge counts them against its ceiling; the tasks mark them started and finished."""

from __future__ import annotations

import time

import redis

from discovery.clients.redis_pool import text
from discovery.pgmq import lanes, queues
from discovery.pgmq.db import pool
from discovery.pgmq.queues import Delivery
from discovery.settings import Settings

STARTED_MEMORY_S = 3600

# The live deliveries of a stage (scored by when their lease ends, after ARGV[1] = now), and how
# many of them were read from a lane below interactive (their member names it: InFlight.member).
_LIVE_AND_LOWER = """
local live = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
local lower = 0
for _, member in ipairs(live) do
    if string.find(member, '@', 1, true) then lower = lower + 1 end
end
return {#live, lower}
"""


class InFlight:
    """The deliveries of one stage (all its lanes) handed to Celery and not finished yet."""

    def __init__(self, client: redis.Redis, queue: str) -> None:
        self.client = client
        self.stage = lanes.stage_of(queue)
        self.key = f"discovery:inflight:{self.stage}"
        # Deliveries whose task started: their own heartbeat keeps their lease (and stops when
        # their process dies); the others wait in the broker and the queue keeps theirs.
        self.started_key = f"discovery:started:{self.stage}"

    @staticmethod
    def member(delivery: Delivery) -> str:
        # msg_ids are per queue: a lane other than the stage's own is named ("12:1@album_discovery_bulk").
        member = f"{delivery.msg_id}:{delivery.read_ct}"
        return member if delivery.queue == lanes.stage_of(delivery.queue) else f"{member}@{delivery.queue}"

    def count(self) -> int:
        # A delivery whose vt has passed is PGMQ's again, whether or not its task ever ran.
        pipe = self.client.pipeline(transaction=False)  # one round trip
        pipe.zremrangebyscore(self.key, "-inf", time.time())
        pipe.zcard(self.key)
        return int(pipe.execute()[1])

    def live_and_lower(self, pipe: redis.client.Pipeline) -> None:
        """Queue on `pipe` a pair: the live deliveries, and how many of them are of lower lanes."""
        self.client.register_script(_LIVE_AND_LOWER)(keys=[self.key], args=[time.time()], client=pipe)

    def live_count(self) -> int:
        """Deliveries still in flight, without removing expired ones (that is the bridge's job)."""
        return int(self.client.zcount(self.key, time.time(), "+inf"))

    def add(self, delivery: Delivery, vt_s: int) -> None:
        self.client.zadd(self.key, {self.member(delivery): time.time() + vt_s})

    def mark_started(self, delivery: Delivery) -> None:
        self.client.zadd(self.started_key, {self.member(delivery): time.time()})

    def remove(self, delivery: Delivery) -> None:
        member = self.member(delivery)
        pipe = self.client.pipeline(transaction=False)
        pipe.zrem(self.key, member)
        pipe.zrem(self.started_key, member)
        pipe.execute()

    def waiting(self) -> dict[str, list[tuple[int, int]]]:
        """(msg_id, read_ct) of the live deliveries whose task has not started, by lane queue."""
        now = time.time()
        # A task runs at most its hard time limit: older start marks are of killed processes.
        self.client.zremrangebyscore(self.started_key, "-inf", now - STARTED_MEMORY_S)
        live = self.client.zrangebyscore(self.key, now, "+inf")
        started = set(self.client.zrange(self.started_key, 0, -1))
        found: dict[str, list[tuple[int, int]]] = {}
        for member in live:
            if member in started:
                continue
            ids, _, queue = text(member).partition("@")
            msg_id, _, read_ct = ids.partition(":")
            found.setdefault(queue or self.stage, []).append((int(msg_id), int(read_ct)))
        return found


def renew_leases(queue: str, settings: Settings, client: redis.Redis) -> int:
    """Extend the leases of the deliveries of `queue` handed to Celery whose task has not started
    (waiting in the broker behind busy processes), at most once per third of a lease across the
    cluster, so they are not read again while they wait. A started task keeps its own lease (and
    loses it with its process). Lose Redis and this set goes with the broker's queues: those
    leases run out within one lease and PGMQ hands the messages out again."""
    lease_s = settings.discovery_visibility_timeout_s
    if not client.set(f"discovery:lease-renewal:{lanes.stage_of(queue)}", 1, nx=True, px=max(int(lease_s * 1000 / 3), 200)):
        return 0
    inflight = InFlight(client, queue)
    waiting = inflight.waiting()
    if not waiting:
        return 0
    extended = 0
    with pool(settings.database_url).connection() as conn:
        for lane_queue, deliveries in waiting.items():
            extended += queues.extend_leases(conn, lane_queue, deliveries, lease_s)
    expires = time.time() + lease_s
    members = {
        InFlight.member(Delivery(lane_queue, msg_id, read_ct, None)): expires
        for lane_queue, deliveries in waiting.items()
        for msg_id, read_ct in deliveries
    }
    client.zadd(inflight.key, members, xx=True)
    return extended
