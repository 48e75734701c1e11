"""`discovery status` sees a stalled system: a queue nothing reads (beat down, no pool), an API
paused too long; the exporter shows the same as gauges."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest
import redis
from prometheus_client import generate_latest

from discovery.ops import exporter, status
from discovery.settings import Settings
from tests.ops.support import run_discovery
from tests.support.processes import running, staged_artist_env, wait_for
from tests.support.workers import CREATE_EFFECTS_TABLE

pytestmark = pytest.mark.integration


def stalled(found: status.Status, queue: str) -> list[str]:
    return [item for item in found.attention if item.startswith(f"{queue} is stalled")]


def test_a_message_ready_for_more_than_two_ticks_makes_its_queue_stalled_and_status_fail(
    database_url, redis_url
):
    # Given an artist seeded 10 minutes ago that nothing read (the artist tick is 2 minutes)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT start_artist_discovery('Nobody Reads Me')")
        conn.execute("UPDATE pgmq.q_artist_discovery SET vt = now() - interval '10 minutes'")

    # When status runs as a health check
    result = run_discovery(database_url, redis_url, "status", "--json")
    found = status.collect(Settings(database_url=database_url, redis_url=redis_url))

    # Then it names the stalled queue, and fails
    assert result.returncode == 1
    assert "artist_discovery is stalled" in result.stdout
    assert found.queues["artist_discovery"].stalled is True
    assert found.queues["artist_discovery"].oldest_visible_age_s >= 600
    assert stalled(found, "artist_discovery")
    assert not stalled(found, "album_discovery")


def test_a_message_waiting_less_than_two_ticks_or_for_a_paused_api_is_not_a_stall(database_url, redis_url):
    # Given a fresh artist message, and an album message that waits for a paused Spotify
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT start_artist_discovery('Just Seeded')")
        conn.execute("SELECT pgmq.send('album_discovery', '{\"artistId\": \"aaaaaaaaaaaaaaaaaaaaaa\", \"offset\": 0}')")
        conn.execute("UPDATE pgmq.q_album_discovery SET vt = now() - interval '30 minutes'")
    redis.Redis.from_url(redis_url).hset(
        "discovery:breaker:spotify", mapping={"until": repr(time.time() + 300), "kind": "rate"}
    )

    found = status.collect(Settings(database_url=database_url, redis_url=redis_url))

    assert not stalled(found, "artist_discovery")
    assert found.queues["album_discovery"].paused_by == ["spotify"]
    assert not stalled(found, "album_discovery")


def test_a_hold_or_a_breaker_open_longer_than_the_limit_needs_attention(database_url, redis_url):
    # Given a spent Instagram quota for 2 more hours and a Genius breaker open for an hour
    client = redis.Redis.from_url(redis_url)
    client.hset("discovery:breaker:instagram", mapping={"until": repr(time.time() + 7200), "kind": "quota"})
    client.set("discovery-genius:pybreaker:state", "open")
    client.set("discovery-genius:pybreaker:opened_at", int(time.time()) - 3600)

    # When status looks with a 30-minute limit
    found = status.collect(Settings(database_url=database_url, redis_url=redis_url, discovery_stall_pause_s=1800))
    lenient = status.collect(Settings(database_url=database_url, redis_url=redis_url, discovery_stall_pause_s=86400))

    # Then both need attention; with a day's limit neither does
    assert any(item.startswith("instagram paused (quota)") for item in found.attention)
    assert any(item.startswith("genius breaker open") for item in found.attention)
    assert not [item for item in lenient.attention if item.startswith(("instagram paused", "genius breaker open"))]


def test_the_exporter_shows_the_oldest_visible_age_and_the_stall_per_queue(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT start_artist_discovery('Waiting')")
        conn.execute("UPDATE pgmq.q_artist_discovery SET vt = now() - interval '10 minutes'")

    text = generate_latest(exporter.registry(database_url)).decode()

    age = next(line for line in text.splitlines() if line.startswith('discovery_queue_oldest_visible_age_seconds{lane="interactive",queue="artist_discovery"}'))
    assert float(age.rsplit(" ", 1)[1]) >= 600
    assert 'discovery_queue_stalled{lane="interactive",queue="artist_discovery"} 1.0' in text
    assert 'discovery_queue_stalled{lane="interactive",queue="album_discovery"} 0.0' in text
    assert 'discovery_queue_tick_seconds{lane="interactive",queue="artist_discovery"} 120.0' in text


def test_a_dead_beat_is_seen_and_the_stall_clears_once_beat_runs(tmp_path: Path, database_url, redis_url):
    # Given the artists pool running, its bridge ticking every second, but no beat
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(CREATE_EFFECTS_TABLE)
    env = staged_artist_env(database_url, redis_url, TEST_MARKER_DIR=str(tmp_path))
    settings = Settings(
        database_url=database_url,
        redis_url=redis_url,
        discovery_schedule="artist_discovery=1",
        discovery_workers="artist_discovery=tests.support.workers:StagedArtistWorker",
    )
    with running(tmp_path, env) as procs:
        procs.worker("artists", concurrency=1)
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("SELECT start_artist_discovery('Waiting For Beat')")

        # When three ticks pass with beat down
        time.sleep(3.5)
        down = status.collect(settings)

        # Then the queue is stalled; once beat runs the message is processed and the stall clears
        assert stalled(down, "artist_discovery"), down.attention
        procs.beat()

        def processed() -> bool:
            with psycopg.connect(database_url, autocommit=True) as conn:
                return conn.execute("SELECT count(*) FROM test_effects").fetchone()[0] == 1

        wait_for(processed, 60, "the artist processed once beat runs")
        assert not stalled(status.collect(settings), "artist_discovery")
