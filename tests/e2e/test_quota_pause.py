"""Spotify's daily quota, end to end: the breaker opens for every process, the Spotify-dependent
bridges pause without spending read_ct, and after the reset the work finishes with nothing lost."""

from __future__ import annotations

import time

import psycopg
import pytest

from discovery.clients.breakers import open_breakers
from discovery.pgmq import queues
from tests.e2e.test_pipeline import check_against_truth, demo_files
from tests.support.processes import wait_for

pytestmark = pytest.mark.integration

SPOTIFY_QUEUES = ("artist_discovery", "album_discovery", "track_discovery")
QUOTA_RESET_S = 10  # Spotify says 43200; shortened for the test


def read_counts(database_url: str) -> dict[tuple[str, int], int]:
    """read_ct of every message waiting in a Spotify-dependent queue."""
    with psycopg.connect(database_url) as conn:
        return {
            (queue, msg_id): read_ct
            for queue in SPOTIFY_QUEUES
            for msg_id, read_ct in conn.execute(f"SELECT msg_id, read_ct FROM pgmq.q_{queue}")
        }


def reads_since(before: dict[tuple[str, int], int], after: dict[tuple[str, int], int]) -> dict:
    """Messages read since `before` (a task already in flight may finish meanwhile: not a read)."""
    return {key: ct for key, ct in after.items() if ct > before.get(key, 0)}


def pauses(database_url: str) -> set[str]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT DISTINCT queue FROM queue_metrics WHERE kind = 'pause'").fetchall()
    return {row[0] for row in rows}


def test_a_spent_quota_pauses_the_spotify_bridges_and_the_work_finishes_after_the_reset(start_pipeline):
    catalog, truth = demo_files()
    pipeline = start_pipeline(None, quota={"spotify": 6}, quota_retry_after_s=QUOTA_RESET_S)
    names = [artist["name"] for artist in truth["artists"]]
    from discovery.ops import progress, seeding

    seeds = [progress.Seeded(seeding.start(pipeline.database_url, name), name) for name in names]

    wait_for(lambda: "spotify" in open_breakers(["spotify"], redis_url=pipeline.redis_url), 30, "the quota")
    wait_for(lambda: pauses(pipeline.database_url) & set(SPOTIFY_QUEUES), 10, "a bridge to pause")
    # Work a running bridge would take at once: a visible album_discovery message (its effects are
    # upserts, so doing it again later changes nothing).
    with psycopg.connect(pipeline.database_url, autocommit=True) as conn:
        waiting = queues.send(conn, "album_discovery", {"artistId": truth["artists"][0]["spotify_id"]})
    during = read_counts(pipeline.database_url)
    time.sleep(3)  # several bridge ticks (every second) while the breaker is open
    assert "spotify" in open_breakers(["spotify"], redis_url=pipeline.redis_url), "the pause ended too early"
    after = read_counts(pipeline.database_url)
    assert reads_since(during, after) == {}, "a paused bridge read messages"
    assert after[("album_discovery", waiting)] == 0
    quota_answers = pipeline.sandbox.stats()["spotify"]["429"]
    assert quota_answers >= 1

    pipeline.sandbox.configure(quota={})  # the daily reset
    with open(pipeline.procs.log_dir / "follow.log", "a") as out:
        last = progress.follow(pipeline.database_url, pipeline.redis_url, seeds, out=out, poll_s=0.5, timeout_s=120)

    assert [item.stage for item in last] == ["done"] * len(names), [item.line() for item in last]
    assert pipeline.dead_letters() == []
    check_against_truth(pipeline, catalog, truth)
    # Every process honoured the open breaker: at most one quota answer per process that raced it.
    assert pipeline.sandbox.stats()["spotify"]["429"] <= quota_answers + 6
