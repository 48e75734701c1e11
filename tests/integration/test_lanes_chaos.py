"""Lanes hold through the faults the chaos tests stage, with real beat and a real pool: a worker
killed with SIGKILL mid-task and a Redis flush with work in the broker. Bulk work is redelivered
from its own lane, done once, and what it sends downstream stays in the bulk lane."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from discovery.local.processes import Supervisor
from tests.e2e.test_redis_flush import flush_keeping_our_claim
from tests.support.processes import staged_artists_pool, wait_for

pytestmark = pytest.mark.integration

VT_S = 3


@pytest.fixture
def pipeline(tmp_path: Path, database_url: str, redis_url: str) -> Iterator[Supervisor]:
    with staged_artists_pool(tmp_path, database_url, redis_url, DISCOVERY_VISIBILITY_TIMEOUT_S=str(VT_S)) as procs:
        yield procs


def seed_bulk(db: psycopg.Connection, name: str) -> int:
    return int(db.execute("SELECT start_artist_discovery(%s, lane => 'bulk')", (name,)).fetchone()[0])


def count(db: psycopg.Connection, sql: str, *params: object) -> int:
    return int(db.execute(sql, params).fetchone()[0])


def test_a_bulk_message_whose_worker_is_killed_is_redelivered_in_its_lane_and_done_once(
    effects_db: psycopg.Connection, pipeline: Supervisor, tmp_path: Path
) -> None:
    # Given a backfilled artist whose first delivery hangs
    msg_id = seed_bulk(effects_db, "hang-first Killed In Bulk")
    marker = tmp_path / f"hang-{msg_id}"
    wait_for(marker.exists, 30, "the first delivery to start")

    # When its worker process is killed
    os.kill(int(marker.read_text()), signal.SIGKILL)

    # Then the bulk lane reads it again, and it is done once, its album page sent in the bulk lane
    wait_for(
        lambda: count(effects_db, "SELECT count(*) FROM pgmq.a_artist_discovery_bulk WHERE msg_id = %s", msg_id),
        40, "the redelivered bulk message to be archived",
    )
    assert effects_db.execute("SELECT read_ct FROM test_effects WHERE msg_id = %s", (msg_id,)).fetchall() == [(2,)]
    assert count(effects_db, "SELECT count(*) FROM pgmq.q_album_discovery_bulk WHERE message->>'artistId' = %s",
                 f"id-{msg_id}") == 1
    assert count(effects_db, "SELECT count(*) FROM pgmq.q_album_discovery") == 0
    assert count(effects_db, "SELECT count(*) FROM pgmq.q_artist_discovery_bulk_dlq") == 0


def test_after_a_redis_flush_every_lane_finishes_its_work_once(
    effects_db: psycopg.Connection, pipeline: Supervisor, redis_url: str
) -> None:
    # Given interactive and bulk work, each task slow enough that most wait in the broker
    bulk = [seed_bulk(effects_db, f"slow-live:1 Bulk {n}") for n in range(6)]
    interactive = [
        int(effects_db.execute("SELECT start_artist_discovery(%s)", (f"slow-live:1 Person {n}",)).fetchone()[0])
        for n in range(3)
    ]
    wait_for(lambda: count(effects_db, "SELECT count(*) FROM test_effects") >= 1, 30, "the first task to finish")

    # When Redis is flushed with deliveries in flight and in the broker
    flush_keeping_our_claim(redis_url)

    # Then every message of each lane is archived from its own lane, with one effect each
    def archived() -> int:
        return count(effects_db, "SELECT count(*) FROM pgmq.a_artist_discovery_bulk") + count(
            effects_db, "SELECT count(*) FROM pgmq.a_artist_discovery"
        )

    wait_for(lambda: archived() == 9, 90, "every message to be archived after the flush")
    effects = effects_db.execute("SELECT msg_id, name FROM test_effects").fetchall()
    assert sorted(name for _, name in effects) == sorted(
        [f"slow-live:1 Bulk {n}" for n in range(6)] + [f"slow-live:1 Person {n}" for n in range(3)]
    ), "one effect per message, none doubled, none lost"
    assert count(effects_db, "SELECT count(*) FROM pgmq.q_album_discovery_bulk") == len(bulk)
    assert count(effects_db, "SELECT count(*) FROM pgmq.q_album_discovery") == len(interactive)
    assert count(effects_db, "SELECT count(*) FROM pgmq.q_artist_discovery_dlq") + count(
        effects_db, "SELECT count(*) FROM pgmq.q_artist_discovery_bulk_dlq"
    ) == 0
