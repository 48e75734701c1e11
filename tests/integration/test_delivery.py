"""A message's life through real processes: beat, the bridge and a Celery pool, on real
Postgres/PGMQ and Redis. Each test stages one failure with the StagedArtistWorker."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from discovery.local.processes import Supervisor
from tests.support.processes import staged_artists_pool, wait_for

pytestmark = pytest.mark.integration

VT_S = 3


@pytest.fixture
def db(effects_db: psycopg.Connection) -> psycopg.Connection:
    return effects_db


@pytest.fixture
def pipeline(tmp_path: Path, database_url: str, redis_url: str) -> Iterator[Supervisor]:
    """Beat ticking every second and the artists pool, with the staged worker and a short vt."""
    with staged_artists_pool(
        tmp_path, database_url, redis_url,
        DISCOVERY_VISIBILITY_TIMEOUT_S=str(VT_S), DISCOVERY_MAX_ATTEMPTS="3", DISCOVERY_RETRY_BASE_S="0.2",
    ) as procs:
        yield procs


def seed(db: psycopg.Connection, name: str) -> int:
    row = db.execute("SELECT start_artist_discovery(%s)", (name,)).fetchone()
    assert row is not None
    return int(row[0])


def archived(db: psycopg.Connection, queue: str, msg_id: int) -> bool:
    row = db.execute(f"SELECT count(*) FROM pgmq.a_{queue} WHERE msg_id = %s", (msg_id,)).fetchone()
    return bool(row and row[0])


def effects(db: psycopg.Connection, msg_id: int) -> list[tuple[int, int]]:
    return db.execute("SELECT read_ct, pid FROM test_effects WHERE msg_id = %s", (msg_id,)).fetchall()


def count(db: psycopg.Connection, sql: str, *params: object) -> int:
    row = db.execute(sql, params).fetchone()
    assert row is not None
    return int(row[0])


def downstream_messages(db: psycopg.Connection, msg_id: int) -> int:
    return count(
        db, "SELECT count(*) FROM pgmq.q_album_discovery WHERE message->>'artistId' = %s", f"id-{msg_id}"
    )


def dlq_entries(db: psycopg.Connection, msg_id: int) -> list[dict]:
    rows = db.execute(
        "SELECT message FROM pgmq.q_artist_discovery_dlq WHERE (message->>'source_msg_id')::bigint = %s",
        (msg_id,),
    ).fetchall()
    return [row[0] for row in rows]


def test_a_seeded_artist_is_dispatched_to_the_artists_pool_and_archived_not_deleted(db, pipeline):
    msg_id = seed(db, "Plain Artist")
    assert count(db, "SELECT count(*) FROM pgmq.q_artist_discovery") == 1

    wait_for(lambda: archived(db, "artist_discovery", msg_id), 30, "the message to be archived")

    assert count(db, "SELECT count(*) FROM pgmq.q_artist_discovery") == 0
    assert len(effects(db, msg_id)) == 1
    assert downstream_messages(db, msg_id) == 1
    log = pipeline.log("worker-artists")
    assert "discovery.process.artist_discovery" in log
    assert f"action=message_archived queue=artist_discovery msg_id={msg_id}" in log
    assert "artist=Plain Artist" in log


def test_a_message_delivered_twice_has_one_set_of_effects_and_one_downstream_message(db, pipeline):
    # The first delivery outlives the vt; the bridge reads the message again meanwhile.
    msg_id = seed(db, f"slow-first:{VT_S * 3} Twice Delivered")

    wait_for(lambda: archived(db, "artist_discovery", msg_id), 40, "the message to be archived")
    wait_for(
        lambda: "superseded" in pipeline.log("worker-artists"), 30, "the first, slow delivery to finish"
    )

    done = effects(db, msg_id)
    assert len(done) == 1, done
    assert done[0][0] >= 2, "the second delivery should have done the work"
    assert downstream_messages(db, msg_id) == 1


def test_a_worker_killed_mid_task_leaves_its_message_to_be_redelivered_and_processed_once(
    db, pipeline, tmp_path
):
    msg_id = seed(db, "hang-first Killed Mid Task")
    marker = tmp_path / f"hang-{msg_id}"
    wait_for(marker.exists, 30, "the first delivery to start")
    os.kill(int(marker.read_text()), signal.SIGKILL)

    wait_for(lambda: archived(db, "artist_discovery", msg_id), 40, "the redelivered message to be archived")

    done = effects(db, msg_id)
    assert len(done) == 1, done
    assert done[0][0] == 2
    assert downstream_messages(db, msg_id) == 1
    assert dlq_entries(db, msg_id) == []


def test_an_invalid_message_lands_in_the_dlq_with_a_reason_naming_the_field(db, pipeline):
    msg_id = count(db, """SELECT pgmq.send('artist_discovery', '{"artistName": 42}'::jsonb)""")
    following = seed(db, "After The Poison")

    entries = wait_for(lambda: dlq_entries(db, msg_id), 30, "the invalid message in the DLQ")

    assert len(entries) == 1
    assert entries[0]["error_type"] == "InvalidMessage"
    assert "artistName" in entries[0]["reason"]
    assert entries[0]["message"] == {"artistName": 42}
    assert archived(db, "artist_discovery", msg_id)
    wait_for(lambda: archived(db, "artist_discovery", following), 30, "the next message to flow")


def test_a_message_that_keeps_failing_lands_in_the_dlq_after_the_maximum_attempts(db, pipeline):
    msg_id = seed(db, "always-fail Never Works")

    entries = wait_for(lambda: dlq_entries(db, msg_id), 60, "the failing message in the DLQ")

    assert len(entries) == 1
    assert entries[0]["read_ct"] == 3
    assert "gave up after 3 attempts" in entries[0]["reason"]
    assert "staged failure" in entries[0]["reason"]
    assert effects(db, msg_id) == []
    assert count(db, "SELECT count(*) FROM worker_issues WHERE msg_id = %s", msg_id) == 3
    assert count(db, "SELECT count(*) FROM pgmq.q_artist_discovery WHERE msg_id = %s", msg_id) == 0
