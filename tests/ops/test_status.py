"""`discovery status`: what it reports, and when it exits non-zero (a health check)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import psycopg
import pytest
import redis

from discovery.ops import status
from discovery.settings import QUEUE_POOLS, Settings
from tests.ops.support import dead_letter, run_discovery
from tests.support.processes import running, service_env

pytestmark = pytest.mark.integration


def test_status_reports_a_fresh_dead_letter_and_pools_without_workers_and_exits_non_zero(
    database_url: str, redis_url: str
) -> None:
    # Given a dead letter in album_discovery_dlq, and no worker running anywhere
    with psycopg.connect(database_url, autocommit=True) as conn:
        dead_letter(
            conn, "album_discovery", {"artistId": "a" * 22, "offset": 0}, reason="no such artist"
        )

    # When status runs as a health check
    result = run_discovery(database_url, redis_url, "status", "--json")

    # Then it says so, and fails
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["healthy"] is False
    assert report["queues"]["album_discovery"]["dlq_size"] == 1
    assert report["queues"]["artist_discovery"]["dlq_size"] == 0
    assert any("album_discovery_dlq holds 1 message" in item for item in report["attention"])
    for pool in QUEUE_POOLS.values():
        assert report["pools"][pool]["online"] is False
        assert any(f"pool {pool} has no worker online" in item for item in report["attention"])
    assert report["apis"]["spotify"]["cache_hit_ratio"] == "no requests yet"


def test_status_as_tables_names_what_needs_attention(database_url: str, redis_url: str) -> None:
    result = run_discovery(database_url, redis_url, "status")
    assert result.returncode == 1
    assert "needs attention" in result.stdout
    assert "pool social has no worker online" in result.stdout


def test_status_counts_queue_messages_and_last_hour_outcomes(
    database_url: str, redis_url: str
) -> None:
    # Given two waiting artist messages and task outcomes recorded in the last hour
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT start_artist_discovery('One'), start_artist_discovery('Two')")
        conn.execute(
            "INSERT INTO queue_metrics (queue, kind, outcome) VALUES "
            "('artist_discovery', 'task', 'archived'), ('artist_discovery', 'task', 'archived'), "
            "('artist_discovery', 'task', 'retried'), ('artist_discovery', 'task', 'dead_lettered')"
        )
        conn.execute(
            "INSERT INTO queue_metrics (queue, kind, outcome, recorded_at) "
            "VALUES ('artist_discovery', 'task', 'archived', now() - interval '2 hours')"
        )

    # When status looks
    found = status.collect(Settings(database_url=database_url, redis_url=redis_url))

    # Then
    artists = found.queues["artist_discovery"]
    assert (artists.visible, artists.hidden, artists.in_flight) == (2, 0, 0)
    assert artists.oldest_age_s is not None
    assert (artists.processed_last_hour, artists.failed_last_hour) == (2, 2)


def test_a_dead_letter_older_than_the_window_is_shown_but_does_not_fail_the_check(
    database_url: str, redis_url: str
) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        dead_letter(conn, "track_discovery", {"albumId": "b" * 22})
        conn.execute(
            "UPDATE pgmq.q_track_discovery_dlq SET enqueued_at = now() - interval '2 hours'"
        )
    settings = Settings(database_url=database_url, redis_url=redis_url)

    default = status.collect(settings)
    strict = status.collect(settings, dlq_window_s=0)

    assert default.queues["track_discovery"].dlq_size == 1
    assert not [item for item in default.attention if "dlq" in item]
    assert [item for item in strict.attention if "track_discovery_dlq" in item]


def test_a_breaker_still_open_past_its_reset_needs_attention(
    database_url: str, redis_url: str
) -> None:
    # Given genius's breaker opened long ago and nothing has tried the API since
    client = redis.Redis.from_url(redis_url)
    client.set("discovery-genius:pybreaker:state", "open")
    client.set("discovery-genius:pybreaker:opened_at", int(time.time()) - 600)

    found = status.collect(Settings(database_url=database_url, redis_url=redis_url))

    assert found.apis["genius"].breaker == "open"
    assert found.apis["spotify"].breaker == "closed"
    assert any("genius breaker still open" in item for item in found.attention)


def test_a_breaker_paused_until_a_known_time_is_reported_with_its_queues(
    database_url: str, redis_url: str
) -> None:
    client = redis.Redis.from_url(redis_url)
    client.hset(
        "discovery:breaker:instagram", mapping={"until": repr(time.time() + 120), "kind": "quota"}
    )

    found = status.collect(Settings(database_url=database_url, redis_url=redis_url))

    instagram = found.apis["instagram"]
    assert instagram.pause_kind == "quota"
    assert instagram.paused_for_s is not None and 100 < instagram.paused_for_s <= 120
    assert found.queues["social_enrichment"].paused_by == ["instagram"]
    # Paused until a known time is not "open past its reset": no attention for it.
    assert not [item for item in found.attention if "instagram" in item]


def test_status_sees_the_worker_of_a_pool_that_has_one(
    tmp_path: Path, database_url: str, redis_url: str
) -> None:
    env = service_env(DATABASE_URL=database_url, REDIS_URL=redis_url)
    with running(tmp_path, env) as procs:
        procs.worker("artists", concurrency=1)

        found = status.collect(Settings(database_url=database_url, redis_url=redis_url))

    assert found.pools["artists"].online is True
    assert found.pools["artists"].workers and found.pools["artists"].workers[0].startswith(
        "artists@"
    )
    assert found.pools["albums"].online is False
    assert not [item for item in found.attention if "pool artists" in item]


def test_status_is_healthy_and_exits_zero_when_every_pool_has_a_worker_and_no_dlq_grows(
    tmp_path: Path, database_url: str, redis_url: str
) -> None:
    env = service_env(DATABASE_URL=database_url, REDIS_URL=redis_url)
    with running(tmp_path, env) as procs:
        procs.all_pools(concurrency=1)

        found = status.collect(Settings(database_url=database_url, redis_url=redis_url))
        result = run_discovery(database_url, redis_url, "status", "--json")

    assert found.attention == []
    assert found.healthy is True
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["healthy"] is True
