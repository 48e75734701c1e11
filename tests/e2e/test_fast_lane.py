"""The fast lane: work runs as soon as it arrives, and beat's schedule is only the safety net.

Beat's ticks are 10 minutes apart here: anything that finishes in seconds was run by the fast
lane (a seed's insert notification, then each task running the bridges it fed), not by beat.
"""

from __future__ import annotations

import subprocess
import time

import psycopg
import pytest

from discovery.local.processes import DISCOVERY
from discovery.ops import progress
from discovery.settings import QUEUES

pytestmark = pytest.mark.integration

TEN_MINUTES = ",".join(f"{queue}=600" for queue in QUEUES)


def seed_read_ct(database_url: str, msg_id: int) -> int | None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute("SELECT read_ct FROM pgmq.q_artist_discovery WHERE msg_id = %s", (msg_id,)).fetchone()
        archived = conn.execute("SELECT 1 FROM pgmq.a_artist_discovery WHERE msg_id = %s", (msg_id,)).fetchone()
    return None if archived else (row[0] if row else None)


def test_seeds_from_the_cli_and_from_sql_finish_in_seconds_with_ten_minute_ticks(start_pipeline) -> None:
    pipeline = start_pipeline(None, env={"DISCOVERY_SCHEDULE": TEN_MINUTES})
    env = dict(pipeline.procs.env)
    started = time.monotonic()

    cli = subprocess.run([*DISCOVERY, "seed", "Glass Season"], env=env, capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0, cli.stderr
    with psycopg.connect(pipeline.database_url, autocommit=True) as conn:
        by_sql = conn.execute("SELECT start_artist_discovery('Hollow Harbor')").fetchone()[0]
    seeds = [progress.Seeded(int(cli.stdout.strip()), "Glass Season"), progress.Seeded(by_sql, "Hollow Harbor")]
    with open(pipeline.procs.log_dir / "follow.log", "a") as out:
        last = progress.follow(pipeline.database_url, pipeline.redis_url, seeds, out=out, poll_s=0.5, timeout_s=120)
    elapsed_s = time.monotonic() - started

    assert [item.stage for item in last] == ["done", "done"], [item.line() for item in last]
    assert all(item.producers_known > 0 for item in last)
    assert elapsed_s < 600 / 5, f"took {elapsed_s:.0f}s: that is beat's schedule, not the fast lane"


def test_with_the_fast_lane_off_a_seed_waits_for_beats_tick(start_pipeline) -> None:
    pipeline = start_pipeline(None, env={"DISCOVERY_SCHEDULE": TEN_MINUTES, "DISCOVERY_FAST_LANE": "0"})
    with psycopg.connect(pipeline.database_url, autocommit=True) as conn:
        waiting = conn.execute("SELECT start_artist_discovery('Glass Season')").fetchone()[0]
        time.sleep(5)
        assert seed_read_ct(pipeline.database_url, waiting) == 0

