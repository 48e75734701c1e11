"""No message waits for a tick: a message given back with a delay wakes its bridge when the delay
is over, with real beat and a real pool on the documented schedule (the social bridge ticks
hourly), so the only way the message is read again within the test is the wake-up."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from celery import Celery

from discovery.runtime.schedule import BRIDGE_QUEUE, BRIDGE_TASK, intervals
from discovery.settings import Settings
from tests.support.processes import running, service_env, wait_for

pytestmark = pytest.mark.integration

SOCIAL = "social_enrichment"
STAGED_SOCIAL = f"{SOCIAL}=tests.support.workers:ThrottledOnceSocialWorker"


def run_bridge_now(redis_url: str, queue: str) -> None:
    """What the fast lane does once the producer task that fed the queue commits."""
    app = Celery("wake-up-test", broker=redis_url, set_as_current=False)
    try:
        app.send_task(BRIDGE_TASK, args=(queue,), queue=BRIDGE_QUEUE)
    finally:
        app.close()


def test_a_social_message_throttled_for_a_second_is_read_again_within_seconds_not_at_the_hourly_tick(
    tmp_path: Path, effects_db: psycopg.Connection, database_url: str, redis_url: str
) -> None:
    # Given the documented schedule (the social bridge ticks once an hour) and a social pool
    env = service_env(DATABASE_URL=database_url, REDIS_URL=redis_url, DISCOVERY_WORKERS=STAGED_SOCIAL)
    env.pop("DISCOVERY_SCHEDULE", None)
    assert intervals(Settings(database_url=database_url))[SOCIAL] == 3600
    with running(tmp_path, env) as procs:
        procs.worker("social", concurrency=1)
        procs.beat()
        # And a social message whose first delivery finds its API's window full for a second
        msg_id = effects_db.execute(
            "SELECT pgmq.send(%s, %s::jsonb)", (SOCIAL, '{"producerId": 1, "producerName": "hold:1.0 Producer"}')
        ).fetchone()[0]

        # When its bridge runs once, as after the task that sent it
        run_bridge_now(redis_url, SOCIAL)

        # Then it is given back, and read again and processed when the delay is over
        wait_for(
            lambda: effects_db.execute("SELECT 1 FROM test_effects WHERE msg_id = %s", (msg_id,)).fetchone(),
            60, "the throttled social message to be processed (an hour's tick away without a wake-up)",
        )
        log = procs.log("worker-social")
    throttled_at, = effects_db.execute(
        "SELECT recorded_at FROM queue_metrics WHERE kind = 'task' AND outcome = 'throttled' AND msg_id = %s", (msg_id,)
    ).fetchone()
    archived_at, read_ct = effects_db.execute(
        f"SELECT archived_at, read_ct FROM pgmq.a_{SOCIAL} WHERE msg_id = %s", (msg_id,)
    ).fetchone()
    assert read_ct == 2, "given back once, then processed"
    # The give-back's delay is the hold (1 s) spread by at most 1 s more; the rest is the
    # wake-up's moment and a busy machine, far from the hour beat would have taken.
    waited_s = (archived_at - throttled_at).total_seconds()
    assert 1.0 <= waited_s < 30, waited_s
    assert "action=wake_up_scheduled queue=social_enrichment" in log
