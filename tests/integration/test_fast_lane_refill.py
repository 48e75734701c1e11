"""After a task, the fast lane reads more of a stage only when its work in flight fell below the
refill mark (half its ceiling): a burst of tasks costs a bridge run per half a ceiling, an idle
stage still reads at once, and the last task in flight always finds the stage below the mark.
A person's message never waits for that behind a backfill's deliveries in flight."""

from __future__ import annotations

import time

import psycopg
import pytest
import redis

from discovery.pgmq.queues import Delivery
from discovery.runtime import capacity, fastlane
from discovery.runtime.inflight import InFlight
from discovery.settings import Settings

pytestmark = pytest.mark.integration

STAGED = "artist_discovery=tests.support.workers:StagedArtistWorker"
CEILING = 8  # refill mark 4


@pytest.fixture
def settings(database_url: str, redis_url: str) -> Settings:
    return Settings(database_url=database_url, redis_url=redis_url, discovery_workers=STAGED,
                    discovery_max_in_flight=CEILING)


@pytest.fixture
def dispatched(monkeypatch: pytest.MonkeyPatch) -> list[Delivery]:
    handed_on: list[Delivery] = []
    monkeypatch.setattr(fastlane, "dispatch", handed_on.append)  # the Celery hand-off, kept here
    return handed_on


def seed(database_url: str, name: str, lane: str = "interactive") -> int:
    with psycopg.connect(database_url, autocommit=True) as conn:
        return int(conn.execute("SELECT start_artist_discovery(%s, %s)", (name, lane)).fetchone()[0])


def pretend_in_flight(settings: Settings, count: int, lane_queue: str = "artist_discovery") -> InFlight:
    inflight = InFlight(redis.Redis.from_url(settings.redis_url), "artist_discovery")
    for msg_id in range(1000, 1000 + count):
        inflight.add(Delivery(lane_queue, msg_id, 1, {}), 60)
    return inflight


def test_the_refill_mark_is_half_the_ceiling_and_at_least_one() -> None:
    assert [capacity.refill_mark(ceiling) for ceiling in (0, 1, 2, 8, 9)] == [1, 1, 1, 4, 4]


def test_an_idle_stage_reads_the_message_a_task_sent_at_once(settings: Settings, dispatched: list[Delivery]) -> None:
    sent = seed(settings.database_url, "Glass Season")

    assert fastlane.after_task({"artist_discovery"}, settings) == ["artist_discovery"]
    assert [delivery.msg_id for delivery in dispatched] == [sent]


def test_a_stage_with_half_its_ceiling_in_flight_is_left_to_the_tasks_in_flight(
    settings: Settings, dispatched: list[Delivery]
) -> None:
    seed(settings.database_url, "Glass Season")
    pretend_in_flight(settings, capacity.refill_mark(CEILING))

    assert fastlane.after_task({"artist_discovery"}, settings) == []
    assert dispatched == []
    with psycopg.connect(settings.database_url) as conn:
        assert conn.execute("SELECT read_ct FROM pgmq.q_artist_discovery").fetchone() == (0,)


def test_the_task_that_takes_the_stage_below_the_mark_reads_what_waited(
    settings: Settings, dispatched: list[Delivery]
) -> None:
    sent = seed(settings.database_url, "Glass Season")
    inflight = pretend_in_flight(settings, capacity.refill_mark(CEILING))
    assert fastlane.after_task({"artist_discovery"}, settings) == []

    inflight.remove(Delivery("artist_discovery", 1000, 1, {}))  # one of them finished

    assert fastlane.after_task({"artist_discovery"}, settings) == ["artist_discovery"]
    assert [delivery.msg_id for delivery in dispatched] == [sent]


def test_deliveries_whose_lease_ran_out_do_not_count(settings: Settings, dispatched: list[Delivery]) -> None:
    sent = seed(settings.database_url, "Glass Season")
    inflight = InFlight(redis.Redis.from_url(settings.redis_url), "artist_discovery")
    for msg_id in range(1000, 1010):
        inflight.client.zadd(inflight.key, {f"{msg_id}:1": time.time() - 1})  # leases over: PGMQ's again

    assert fastlane.after_task({"artist_discovery"}, settings) == ["artist_discovery"]
    assert [delivery.msg_id for delivery in dispatched] == [sent]


def test_without_a_fixed_ceiling_the_mark_follows_the_workers_online(
    database_url: str, redis_url: str, dispatched: list[Delivery]
) -> None:
    settings = Settings(database_url=database_url, redis_url=redis_url, discovery_workers=STAGED)
    client = redis.Redis.from_url(redis_url)
    sent = seed(database_url, "Glass Season")
    capacity.announce(client, ["artists"], "node-a", 2)  # ceiling 2 x 4 = 8, mark 4
    pretend_in_flight(settings, 4)
    assert fastlane.after_task({"artist_discovery"}, settings) == []

    capacity.announce(client, ["artists"], "node-b", 2)  # ceiling 16, mark 8
    assert fastlane.after_task({"artist_discovery"}, settings) == ["artist_discovery"]
    assert [delivery.msg_id for delivery in dispatched] == [sent]


def test_a_persons_message_is_read_at_once_while_a_backfill_keeps_the_stage_above_its_mark(
    settings: Settings, dispatched: list[Delivery]
) -> None:
    pretend_in_flight(settings, capacity.refill_mark(CEILING), lane_queue="artist_discovery_bulk")
    seed(settings.database_url, "Backfill Artist", lane="bulk")
    assert fastlane.after_task({"artist_discovery"}, settings) == []  # the backfill waits its turn

    persons = seed(settings.database_url, "Glass Season")

    assert fastlane.after_task({"artist_discovery"}, settings) == ["artist_discovery"]
    assert (dispatched[0].queue, dispatched[0].msg_id) == ("artist_discovery", persons)  # first, at its priority


def test_a_stage_full_of_backfill_reads_nothing_more_even_for_a_person(
    settings: Settings, dispatched: list[Delivery]
) -> None:
    pretend_in_flight(settings, CEILING, lane_queue="artist_discovery_bulk")
    seed(settings.database_url, "Glass Season")

    assert fastlane.after_task({"artist_discovery"}, settings) == []  # no room: the next completion makes it
    assert dispatched == []
