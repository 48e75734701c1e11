"""A delivery's short lease, through real processes: the running task's heartbeat extends it (a
slow task is never read again while it lives), and when its worker is SIGKILLed the message is
read again within about one lease."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
import redis

from discovery.local.processes import Supervisor
from discovery.pgmq import queues
from discovery.runtime import bridge
from discovery.settings import Settings
from discovery.workers.lease import Lease
from tests.integration.test_delivery import archived, effects, seed
from tests.support.processes import staged_artists_pool, wait_for

pytestmark = pytest.mark.integration

# Long enough that a stall of the whole machine (one CI run froze every process for about 7 s
# while other tests checkpointed and started pools) cannot outlast the heartbeat's margin of
# two thirds of a lease; short beside the default 30 s.
LEASE_S = 12


@pytest.fixture
def db(effects_db: psycopg.Connection) -> psycopg.Connection:
    return effects_db


@pytest.fixture
def pipeline(tmp_path: Path, database_url: str, redis_url: str) -> Iterator[Supervisor]:
    with staged_artists_pool(
        tmp_path, database_url, redis_url, DISCOVERY_LEASE_S=str(LEASE_S), DISCOVERY_MAX_ATTEMPTS="3"
    ) as procs:
        yield procs


def read_ct(db: psycopg.Connection, msg_id: int) -> int | None:
    row = db.execute("SELECT read_ct FROM pgmq.q_artist_discovery WHERE msg_id = %s", (msg_id,)).fetchone()
    return None if row is None else int(row[0])


def test_a_task_slower_than_two_leases_keeps_its_message_and_finishes_once(db, pipeline):
    msg_id = seed(db, f"slow-live:{LEASE_S * 2} Slow But Alive")

    wait_for(lambda: archived(db, "artist_discovery", msg_id), LEASE_S * 2 + 60, "the slow message to be archived")

    done = effects(db, msg_id)
    assert len(done) == 1 and done[0][0] == 1, "the first delivery did the work, never read again"
    log = pipeline.log("worker-artists")
    assert "superseded" not in log
    row = db.execute("SELECT read_ct FROM pgmq.a_artist_discovery WHERE msg_id = %s", (msg_id,)).fetchone()
    assert row[0] == 1


def test_a_hanging_task_is_not_read_again_while_alive_and_comes_back_within_about_a_lease_once_killed(
    db, pipeline, tmp_path
):
    msg_id = seed(db, "hang-first Killed After Two Leases")
    marker = tmp_path / f"hang-{msg_id}"
    wait_for(marker.exists, 30, "the first delivery to start")

    # While its process lives, two leases pass and nobody else reads the message.
    time.sleep(LEASE_S * 2)
    assert read_ct(db, msg_id) == 1

    os.kill(int(marker.read_text()), signal.SIGKILL)
    killed_at = time.monotonic()
    wait_for(lambda: (read_ct(db, msg_id) or 0) >= 2 or archived(db, "artist_discovery", msg_id), 60, "a new read")
    back_after_s = time.monotonic() - killed_at
    wait_for(lambda: archived(db, "artist_discovery", msg_id), 30, "the redelivered message to be archived")

    # The lease ran at most one lease ahead when the heartbeat died (between 2/3 of a lease and a
    # lease); then the bridge, ticking every second, reads it: about one lease, and well short of
    # two (what waiting out a renewed lease would take), with slack for a machine busy with
    # other tests.
    assert back_after_s < LEASE_S * 1.5, f"read again {back_after_s:.1f}s after the kill (lease {LEASE_S}s)"
    done = effects(db, msg_id)
    assert len(done) == 1 and done[0][0] == 2


def hidden_for_s(db: psycopg.Connection, msg_id: int) -> float:
    row = db.execute("SELECT extract(epoch FROM vt - now()) FROM pgmq.q_artist_discovery WHERE msg_id = %s", (msg_id,))
    return float(row.fetchone()[0])


def test_the_queue_keeps_the_leases_of_deliveries_waiting_in_the_broker_not_of_started_ones(db, database_url, redis_url):
    # Given three deliveries handed to Celery with a 1 s lease: one started (and then its process
    # died), two still waiting in the broker
    settings = Settings(database_url=database_url, redis_url=redis_url, discovery_visibility_timeout_s=LEASE_S)
    for name in ("Started Then Killed", "Waiting One", "Waiting Two"):
        seed(db, name)
    started, *waiting = queues.read(db, "artist_discovery", 1, 3)
    client = redis.Redis.from_url(redis_url)
    inflight = bridge.InFlight(client, "artist_discovery")
    for delivery in (started, *waiting):
        inflight.add(delivery, LEASE_S)
    inflight.mark_started(started)

    # When the queue's leases are renewed (by the bridge, or a running task's heartbeat)
    renewed = bridge.renew_leases("artist_discovery", settings, client)

    # Then the waiting ones keep their messages a lease longer; the started one does not
    assert renewed == 2
    assert all(hidden_for_s(db, d.msg_id) > LEASE_S - 1 for d in waiting)
    assert hidden_for_s(db, started.msg_id) < 1

    # And after a Redis flush (the broker lost them) nothing is renewed: they come back
    client.delete(inflight.key, inflight.started_key, "discovery:lease-renewal:artist_discovery")
    assert bridge.renew_leases("artist_discovery", settings, client) == 0


def vt_of(db: psycopg.Connection, msg_id: int) -> datetime:
    return db.execute("SELECT vt FROM pgmq.q_artist_discovery WHERE msg_id = %s", (msg_id,)).fetchone()[0]


def test_a_stale_delivery_cannot_extend_the_lease_of_the_delivery_that_owns_the_message(db, database_url):
    # Given a delivery whose lease ran out, and a newer delivery of the same message that owns it
    msg_id = seed(db, "Read Twice")
    [stale] = queues.read(db, "artist_discovery", 30, 1)
    db.execute("UPDATE pgmq.q_artist_discovery SET vt = now() WHERE msg_id = %s", (msg_id,))
    [current] = queues.read(db, "artist_discovery", 30, 1)
    assert (stale.read_ct, current.read_ct) == (1, 2)
    owned_until = vt_of(db, msg_id)

    # When the stale delivery's heartbeat beats (every 0.2 s with a 0.6 s lease)
    with Lease(stale, database_url, 0.6) as lease:
        wait_for(lambda: lease.lost, 10, "the stale heartbeat to find the message owned by another")

    # Then it stopped at its first beat without extending anything
    assert lease.extensions == 0
    # and neither its fenced set_vt (even one giving the message back) nor the bridge's renewal
    # of its lease moves the owner's vt
    assert queues.set_vt(db, stale, 0) is False
    assert queues.extend_leases(db, "artist_discovery", [(msg_id, stale.read_ct)], 600) == 0
    assert vt_of(db, msg_id) == owned_until
    assert read_ct(db, msg_id) == current.read_ct

    # while the owner's own heartbeat still extends it
    assert queues.set_vt(db, current, 60) is True
    assert vt_of(db, msg_id) > owned_until
