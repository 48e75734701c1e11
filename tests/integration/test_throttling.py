"""Throttling is not failure, on real PGMQ, Postgres and Redis (deliveries run in-process):
a message held back by a rate window, breaker, quota or credential goes back for the hold and
spends no attempt; only real failures count, and only the delivery that owns a message records
an issue about it."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest

from discovery.clients.ratelimit import Rate, SharedRateLimit
from discovery.exceptions import (
    BreakerOpen,
    QuotaExhausted,
    RateLimited,
    TransientError,
    Unauthorized,
)
from discovery.pgmq import queues
from discovery.pgmq.messages import ArtistDiscovery
from discovery.pgmq.queues import Delivery
from discovery.runtime import bridge
from discovery.settings import Settings
from discovery.workers.base import BaseWorker, Transaction, process

pytestmark = pytest.mark.integration

QUEUE = "artist_discovery"
HOLDS = {
    "rate window": lambda: RateLimited("spotify", 0.5),
    "breaker": lambda: BreakerOpen("spotify circuit breaker open", retry_after_s=0.5),
    "quota": lambda: QuotaExhausted("spotify", time.time() + 0.5, 0.5),
    "credential": lambda: Unauthorized("Genius refused the access token", retry_after_s=0.5),
}


class Scripted(BaseWorker[ArtistDiscovery, str]):
    """Raises, per delivery, what the test put in `script` (None: succeed)."""

    queue = QUEUE
    script: list[BaseException | None] = []

    def fetch(self, message: ArtistDiscovery) -> str:
        error = Scripted.script.pop(0)
        if error is not None:
            raise error
        return message.artistName or ""

    def write(self, tx: Transaction, message: ArtistDiscovery, fetched: str) -> None:
        tx.conn.execute("SELECT 1")


def settings_for(database_url: str, redis_url: str, **overrides: Any) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        discovery_max_attempts=2,
        discovery_retry_base_s=0.01,
        # No pool runs here: a fixed in-flight ceiling stands in for the workers online.
        discovery_max_in_flight=100,
        **overrides,
    )


def seed(conn: psycopg.Connection) -> int:
    return int(conn.execute("SELECT start_artist_discovery('Held Artist')").fetchone()[0])


def read_again(conn: psycopg.Connection, msg_id: int) -> Delivery:
    """Make the message visible and read it, as the bridge would after its delay."""
    conn.execute(f"UPDATE pgmq.q_{QUEUE} SET vt = now() WHERE msg_id = %s", (msg_id,))
    [delivery] = queues.read(conn, QUEUE, 30, 1)
    return delivery


def one(conn: psycopg.Connection, sql: str, *params: Any) -> Any:
    return conn.execute(sql, params).fetchone()[0]


@pytest.mark.parametrize("hold", list(HOLDS))
def test_a_held_api_gives_the_message_back_for_the_hold_without_spending_an_attempt(database_url, redis_url, hold):
    settings = settings_for(database_url, redis_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        msg_id = seed(conn)
        # Given the API is held five times in a row, then a real failure, then success
        Scripted.script = [HOLDS[hold]() for _ in range(5)] + [TransientError("upstream 503"), None]
        outcomes = []
        for _ in range(7):
            delivery = read_again(conn, msg_id)
            before = one(conn, "SELECT clock_timestamp()")
            outcomes.append(process(Scripted, delivery, settings).status)
            after = one(conn, "SELECT clock_timestamp()")
            if outcomes[-1] == "throttled":
                # Then it is hidden for the hold (0.5 s, spread by at most 1 s), not longer: the
                # give-back set vt to its delay after `before` and before `after`, so these hold
                # however long the machine paused in between.
                vt = one(conn, f"SELECT vt FROM pgmq.q_{QUEUE} WHERE msg_id = %s", msg_id)
                assert (vt - before).total_seconds() > 0.3 and (vt - after).total_seconds() <= 1.6

        # With DISCOVERY_MAX_ATTEMPTS=2 and read_ct 7, nothing was dead-lettered
        assert outcomes == ["throttled"] * 5 + ["retried", "archived"]
        assert one(conn, f"SELECT count(*) FROM pgmq.q_{QUEUE}_dlq") == 0
        assert one(conn, f"SELECT count(*) FROM pgmq.a_{QUEUE} WHERE msg_id = %s AND read_ct = 7", msg_id) == 1
        # Only the real failure is an issue; the holds are throttle outcomes in queue_metrics
        issues = conn.execute("SELECT error_type FROM worker_issues WHERE msg_id = %s", (msg_id,)).fetchall()
        assert issues == [("TransientError",)]
        throttled = one(conn, "SELECT count(*) FROM queue_metrics WHERE kind = 'task' AND outcome = 'throttled'")
        assert throttled == 5


def test_real_failures_still_dead_letter_after_the_maximum_attempts_however_often_it_was_throttled(database_url, redis_url):
    settings = settings_for(database_url, redis_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        msg_id = seed(conn)
        Scripted.script = [RateLimited("spotify", 0.1), TransientError("first 503"), RateLimited("spotify", 0.1),
                           TransientError("second 503")]
        outcomes = [process(Scripted, read_again(conn, msg_id), settings).status for _ in range(4)]

        assert outcomes == ["throttled", "retried", "throttled", "dead_lettered"]
        dead = one(conn, f"SELECT message FROM pgmq.q_{QUEUE}_dlq")
        assert dead["read_ct"] == 4
        assert dead["attempts"] == 2
        assert dead["reason"] == "gave up after 2 attempts; last error: TransientError: second 503"


def test_the_bridge_counts_attempts_without_the_throttled_reads(database_url, redis_url):
    # max_attempts=2: a message read 3 times, each a throttled give-back, has spent no attempt
    settings = settings_for(database_url, redis_url, discovery_workers=f"{QUEUE}=tests.integration.test_throttling:Scripted")
    with psycopg.connect(database_url, autocommit=True) as conn:
        msg_id = seed(conn)
        Scripted.script = [RateLimited("spotify", 0.1)] * 3
        for _ in range(3):
            process(Scripted, read_again(conn, msg_id), settings)
        conn.execute(f"UPDATE pgmq.q_{QUEUE} SET vt = now() WHERE msg_id = %s", (msg_id,))

        dispatched: list[Delivery] = []
        run = bridge.run(QUEUE, settings, dispatched.append)
        assert (run.dispatched, run.dead_lettered) == (1, 0)

        # A read that ends without a word (its worker was killed) is an attempt: after two of
        # them, the next read would be the third, beyond the maximum of 2, and the bridge
        # dead-letters it naming the throttled reads.
        conn.execute(f"UPDATE pgmq.q_{QUEUE} SET vt = now() WHERE msg_id = %s", (msg_id,))
        run = bridge.run(QUEUE, settings, dispatched.append)
        assert (run.dispatched, run.dead_lettered) == (1, 0)
        conn.execute(f"UPDATE pgmq.q_{QUEUE} SET vt = now() WHERE msg_id = %s", (msg_id,))
        run = bridge.run(QUEUE, settings, dispatched.append)
        assert (run.dispatched, run.dead_lettered) == (0, 1)
        dead = one(conn, f"SELECT message FROM pgmq.q_{QUEUE}_dlq")
        assert dead["attempts"] == 2
        assert "read 6 times, 3 of them throttled" in dead["reason"]


def test_a_superseded_delivery_records_no_issue(database_url, redis_url):
    settings = settings_for(database_url, redis_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        msg_id = seed(conn)
        stale = read_again(conn, msg_id)
        current = read_again(conn, msg_id)  # the lease ran out and the message was read again
        Scripted.script = [TransientError("the stale delivery failed late")]

        outcome = process(Scripted, stale, settings)

        assert outcome.status == "superseded"
        assert one(conn, "SELECT count(*) FROM worker_issues WHERE msg_id = %s", msg_id) == 0
        assert one(conn, "SELECT count(*) FROM queue_metrics WHERE msg_id = %s", msg_id) == 0
        # and the owning delivery's lease is untouched
        assert current.read_ct == one(conn, f"SELECT read_ct FROM pgmq.q_{QUEUE} WHERE msg_id = %s", msg_id)


def ten_artists_behind_a_full_spotify_window(database_url: str, redis_url: str) -> SharedRateLimit:
    """Ten artist_discovery messages waiting, and Spotify's shared window (3 per 3 s) taken."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        for n in range(10):
            conn.execute("SELECT start_artist_discovery(%s)", (f"Waiting Artist {n}",))
    limit = SharedRateLimit("spotify", Rate(3, 3), redis_url)
    for _ in range(3):
        limit.acquire()
    return limit


def test_the_bridge_reads_only_what_the_rate_window_can_serve_soon_and_nothing_while_it_is_full(database_url, redis_url):
    # Given ten artists waiting, and Spotify's shared window (3 per 3 s) already full
    settings = Settings(
        database_url=database_url, redis_url=redis_url, discovery_rate_limits="spotify=3/3", discovery_max_in_flight=100
    )
    limit = ten_artists_behind_a_full_spotify_window(database_url, redis_url)
    dispatched: list[Delivery] = []

    # When the artist bridge ticks: it reads nothing, and says why
    full = bridge.run(QUEUE, settings, dispatched.append)
    assert full.status == "window_full" and full.read == 0
    with psycopg.connect(database_url, autocommit=True) as conn:
        assert one(conn, f"SELECT count(*) FROM pgmq.q_{QUEUE} WHERE read_ct > 0") == 0
        assert "spotify window full" in one(conn, "SELECT detail FROM queue_metrics WHERE kind = 'pause'")

    # Once the slots free, it reads as many messages as the window can serve, not the batch
    time.sleep(limit.next_free_s() + 0.1)
    freed = bridge.run(QUEUE, settings, dispatched.append)
    assert freed.read == freed.dispatched == 3


class CallsGeniusThenSpotify(Scripted):
    """Like the producer: every task calls Genius, and some go on to Spotify."""

    apis = ("genius", "spotify")


def test_a_full_window_of_the_workers_second_api_holds_its_bridge_back_too(database_url, redis_url):
    # Given ten messages for a worker that declares Genius then Spotify, and Spotify's shared
    # window (3 per 3 s) full while Genius (5 per 1 s) has room
    settings = Settings(
        database_url=database_url,
        redis_url=redis_url,
        discovery_rate_limits="genius=5/1,spotify=3/3",
        discovery_max_in_flight=100,
        discovery_workers=f"{QUEUE}=tests.integration.test_throttling:CallsGeniusThenSpotify",
    )
    spotify = ten_artists_behind_a_full_spotify_window(database_url, redis_url)
    dispatched: list[Delivery] = []

    # When its bridge ticks: it reads nothing, and names the full window
    full = bridge.run(QUEUE, settings, dispatched.append)
    assert full.status == "window_full" and full.read == 0
    with psycopg.connect(database_url, autocommit=True) as conn:
        assert one(conn, f"SELECT count(*) FROM pgmq.q_{QUEUE} WHERE read_ct > 0") == 0
        detail = one(conn, "SELECT detail FROM queue_metrics WHERE kind = 'pause'")
        assert "spotify window full" in detail and "genius" not in detail

    # Once Spotify's slots free, it reads again, as many as the first API's window can serve
    # soon (Genius's 5): the first API sizes the read, a full window anywhere stops it
    time.sleep(spotify.next_free_s() + 0.1)
    freed = bridge.run(QUEUE, settings, dispatched.append)
    assert freed.status == "drained"
    assert freed.read == freed.dispatched == 5
