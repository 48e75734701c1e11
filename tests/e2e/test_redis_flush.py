"""Lost tasks come back fast: Redis is flushed in the middle of a run, both of this test's
databases (the broker's: Celery's queues, the bridge's in-flight sets, the limiter, the breakers;
and the HTTP cache's, as a FLUSHALL of a server holding both would), and the run finishes within
1.5x the time of the same run without the flush, both measured here side by side
(tests/support/side_by_side), each with its own databases. Each run starts with both of its Redis
databases empty, so neither finds the Spotify objects cached by the other."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis

from discovery.ops import progress, seeding
from discovery.sandbox.generator import generate_catalog
from discovery.settings import QUEUE_POOLS, QUEUES, Settings
from tests.conftest import _CLAIM_KEY
from tests.support.processes import pipeline_env, running
from tests.support.side_by_side import side_by_side, wait_for_tracks

pytestmark = pytest.mark.integration

LEASE_S = 4


def our_databases(redis_url: str) -> list[str]:
    """The broker's database and the cache's (the next number, where DISCOVERY_CACHE_URL defaults)."""
    return [redis_url, Settings(_env_file=None, redis_url=redis_url).cache_url()]


def flush_keeping_our_claim(redis_url: str) -> None:
    """FLUSHDB on the broker's and the cache's databases, each keeping this test's claim on its
    database number in the same transaction."""
    for url in our_databases(redis_url):
        client = redis.Redis.from_url(url)
        claim = client.get(_CLAIM_KEY)
        pipe = client.pipeline(transaction=True)
        pipe.flushdb()
        if claim is not None:
            pipe.set(_CLAIM_KEY, claim)
        pipe.execute()


def cold(redis_url: str) -> bool:
    """Whether both databases hold nothing but the claim (no cached object, no broker state)."""
    return all(redis.Redis.from_url(url).dbsize() == 1 for url in our_databases(redis_url))


def flush_mid_run(redis_url: str, database_url: str, tracks: int, deadline: float) -> None:
    """Flush once `tracks` tracks are stored and tasks wait in the broker's pool queues (so the
    flush loses work, as a broker restart or an eviction would)."""
    client = redis.Redis.from_url(redis_url)
    wait_for_tracks(database_url, tracks, deadline)
    while sum(client.llen(pool) for pool in QUEUE_POOLS.values()) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    flush_keeping_our_claim(redis_url)


def timed_run(
    tmp_path: Path, database_url: str, redis_url: str, sandbox: Any, names: list[str], flush_at_tracks: int | None
) -> tuple[float, int]:
    """Beat and the five pools on a fresh database: seconds from seeding to every artist done,
    and how many messages had to be read more than once."""
    env = pipeline_env(database_url, redis_url, sandbox.url, DISCOVERY_LEASE_S=str(LEASE_S),
                       DISCOVERY_CACHE_URL=our_databases(redis_url)[1], SPOTIFY_QUOTA_MODE="auto")
    assert cold(redis_url), "a run must start with the broker's and the cache's databases empty"
    tmp_path.mkdir()
    with running(tmp_path, env) as procs:
        procs.beat()
        procs.all_pools(concurrency=2)
        started = time.monotonic()
        seeds = [progress.Seeded(seeding.start(database_url, name), name) for name in names]
        flusher = None
        if flush_at_tracks is not None:
            flusher = threading.Thread(target=flush_mid_run, args=(redis_url, database_url, flush_at_tracks, started + 60))
            flusher.start()
        with open(tmp_path / "follow.log", "a") as out:
            last = progress.follow(database_url, redis_url, seeds, out=out, poll_s=0.25, timeout_s=240)
        elapsed_s = time.monotonic() - started
        if flusher is not None:
            flusher.join()
        assert [item.stage for item in last] == ["done"] * len(names), [item.line() for item in last]
    with psycopg.connect(database_url) as conn:
        for queue in QUEUES:
            assert conn.execute(f"SELECT count(*) FROM pgmq.q_{queue}_dlq").fetchone()[0] == 0
        read_again = sum(
            conn.execute(f"SELECT count(*) FROM pgmq.a_{queue} WHERE read_ct > 1").fetchone()[0] for queue in QUEUES
        )
    return elapsed_s, read_again


def test_a_redis_flush_mid_run_costs_at_most_half_the_run_again(
    tmp_path, make_database, redis_url, second_redis_url, sandbox_factory
):
    catalog, truth = generate_catalog(artists=6, albums=3, tracks=5, seed=5, long_album_tracks=0)
    names = [artist["name"] for artist in truth["artists"]]
    # Slow enough an upstream that a run lasts a while and a flush finds work in flight
    # (in Spotify's Development Mode, the sandbox's default: auto mode switches itself)
    knobs = {"latency_ms": {"spotify": 300, "genius": 300, "musicbrainz": 300}}

    # (the flush once a third of the tracks are stored)
    quiet_url, flushed_url = make_database(), make_database()
    quiet_api, flushed_api = (sandbox_factory(catalog, **knobs) for _ in range(2))
    (quiet_s, _), (flushed_s, lost) = side_by_side(
        lambda: timed_run(tmp_path / "quiet", quiet_url, redis_url, quiet_api, names, None),
        lambda: timed_run(tmp_path / "flushed", flushed_url, second_redis_url, flushed_api, names,
                          len(truth["tracks"]) // 3),
    )

    print(f"\nwithout the flush {quiet_s:.1f}s, with it {flushed_s:.1f}s ({flushed_s / quiet_s:.2f}x); "
          f"{lost} message(s) read again after the flush")
    assert lost > 0, "the flush found no task in flight to lose"
    assert flushed_s <= 1.5 * quiet_s
