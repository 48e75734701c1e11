"""The bridge on real PGMQ and Redis, with a dispatch that records instead of calling Celery."""

from __future__ import annotations

import threading
import time
from collections import Counter

import psycopg
import pytest

from discovery.pgmq.queues import Delivery
from discovery.runtime import bridge
from discovery.settings import Settings

pytestmark = pytest.mark.integration

STAGED = "artist_discovery=tests.support.workers:StagedArtistWorker"


def settings_for(database_url: str, redis_url: str, **overrides) -> Settings:
    return Settings(database_url=database_url, redis_url=redis_url, discovery_workers=STAGED, **overrides)


def send_many(database_url: str, count: int) -> list[int]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        return [conn.execute("SELECT start_artist_discovery(%s)", (f"Artist {n}",)).fetchone()[0] for n in range(count)]


def test_two_overlapping_bridge_ticks_dispatch_each_message_once(database_url, redis_url):
    sent = send_many(database_url, 120)
    settings = settings_for(database_url, redis_url, discovery_batch_size=10, discovery_max_in_flight=1000)
    dispatched: list[int] = []
    results: list[bridge.BridgeRun] = []
    start = threading.Barrier(2)

    def slow_dispatch(delivery: Delivery) -> None:
        time.sleep(0.005)  # keeps the first tick running while the second one starts
        dispatched.append(delivery.msg_id)

    def tick() -> None:
        start.wait()
        results.append(bridge.run("artist_discovery", settings, slow_dispatch))

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # A later tick finds nothing left to hand out.
    results.append(bridge.run("artist_discovery", settings, slow_dispatch))

    assert Counter(dispatched) == Counter(sent)
    assert sorted(result.status for result in results[:2]) == ["drained", "locked"]
    assert results[2].dispatched == 0


def test_the_bridge_stops_reading_when_the_pool_has_enough_in_flight(database_url, redis_url):
    send_many(database_url, 30)
    settings = settings_for(database_url, redis_url, discovery_batch_size=4, discovery_max_in_flight=10)
    dispatched: list[Delivery] = []

    first = bridge.run("artist_discovery", settings, dispatched.append)

    assert (first.status, first.dispatched) == ("capped", 10)
    with psycopg.connect(database_url) as conn:
        unread = conn.execute("SELECT count(*) FROM pgmq.q_artist_discovery WHERE read_ct = 0").fetchone()[0]
    assert unread == 20, "messages beyond the cap stay unread in PGMQ (no read_ct spent)"


def test_a_message_read_more_than_the_maximum_attempts_is_dead_lettered_by_the_bridge(database_url, redis_url):
    [msg_id] = send_many(database_url, 1)
    settings = settings_for(
        database_url, redis_url, discovery_max_attempts=2, discovery_visibility_timeout_s=1,
        discovery_max_in_flight=10
    )
    with psycopg.connect(database_url, autocommit=True) as conn:
        # Two deliveries whose workers died without a word (vt 0: visible again at once).
        conn.execute("SELECT * FROM pgmq.read('artist_discovery', 0, 1)")
        conn.execute("SELECT * FROM pgmq.read('artist_discovery', 0, 1)")

    run = bridge.run("artist_discovery", settings, lambda delivery: pytest.fail("must not dispatch"))

    assert run.dead_lettered == 1
    with psycopg.connect(database_url) as conn:
        [(entry,)] = conn.execute("SELECT message FROM pgmq.q_artist_discovery_dlq").fetchall()
    assert entry["source_msg_id"] == msg_id
    assert entry["error_type"] == "MaxAttemptsExceeded"
    assert "exceeded 2 attempts" in entry["reason"]
    assert "the worker died or timed out" in entry["reason"]



def test_a_drain_that_fails_after_its_read_gives_back_what_it_did_not_hand_on(database_url, redis_url):
    # Given a batch of five, and a broker that goes away after the second hand-off
    send_many(database_url, 5)
    settings = settings_for(database_url, redis_url, discovery_batch_size=5, discovery_max_in_flight=100)
    handed: list[int] = []

    def dispatch(delivery: Delivery) -> None:
        if len(handed) == 2:
            raise ConnectionError("broker gone")
        handed.append(delivery.msg_id)

    # When the bridge drains
    with pytest.raises(ConnectionError):
        bridge.run("artist_discovery", settings, dispatch)

    # Then the two handed on stay hidden for their lease, and the other three are visible now
    with psycopg.connect(database_url) as conn:
        visible = [row[0] for row in conn.execute(
            "SELECT msg_id FROM pgmq.q_artist_discovery WHERE vt <= clock_timestamp() ORDER BY msg_id")]
        hidden = [row[0] for row in conn.execute(
            "SELECT msg_id FROM pgmq.q_artist_discovery WHERE vt > clock_timestamp() + interval '20 seconds'")]
    assert sorted(hidden) == sorted(handed) and len(visible) == 3


def test_holding_names_the_lanes_with_a_message_readable_now_in_one_statement(database_url):
    from discovery.pgmq import lanes, queues

    seeded = send_many(database_url, 2)
    stage_lanes = lanes.lane_queues("artist_discovery")
    with psycopg.connect(database_url, autocommit=True) as conn:
        assert queues.holding(conn, stage_lanes) == {"artist_discovery"}
        queues.read(conn, "artist_discovery", 60, 2)  # both hidden now: held, not readable
        assert queues.holding(conn, stage_lanes) == set()
        assert queues.holding(conn, stage_lanes, only_readable=False) == {"artist_discovery"}
        for msg_id in seeded:
            queues.archive(conn, "artist_discovery", msg_id)
        assert queues.holding(conn, stage_lanes, only_readable=False) == set()


def test_a_run_reads_only_the_lanes_holding_a_readable_message(database_url, redis_url, monkeypatch):
    from discovery.pgmq import queues

    read_from: list[str] = []
    real_read = queues.read

    def recorded_read(conn, queue, *args, **kwargs):  # the real read, with its queue noted
        read_from.append(queue)
        return real_read(conn, queue, *args, **kwargs)

    monkeypatch.setattr(queues, "read", recorded_read)
    settings = settings_for(database_url, redis_url, discovery_max_in_flight=10)

    idle = bridge.run("artist_discovery", settings, lambda delivery: None)
    assert (idle.status, idle.read, read_from) == ("drained", 0, [])  # every lane empty: no read at all

    send_many(database_url, 3)  # interactive only
    busy = bridge.run("artist_discovery", settings, lambda delivery: None)
    assert busy.read == 3
    assert read_from == ["artist_discovery"]  # the empty bulk and refresh lanes were not read
