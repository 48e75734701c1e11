"""`discovery exporter`: Prometheus metrics over HTTP, read from Postgres on each scrape."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections.abc import Iterator

import psycopg
import pytest

from discovery.local.processes import DISCOVERY
from discovery.settings import QUEUES, dlq_name
from tests.ops.catalog_rows import write_catalog
from tests.ops.support import dead_letter
from tests.support.processes import REPO_ROOT, service_env

pytestmark = pytest.mark.integration


@pytest.fixture
def exporter_url(database_url: str, redis_url: str) -> Iterator[str]:
    env = service_env(DATABASE_URL=database_url, REDIS_URL=redis_url)
    proc = subprocess.Popen(
        DISCOVERY + ["exporter", "--port", "0"],
        cwd=REPO_ROOT,
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 30
        line = ""
        while "listening on http" not in line and time.monotonic() < deadline:
            line = proc.stderr.readline()
            assert line or proc.poll() is None, "exporter exited"
        url = line.rsplit(" ", 1)[-1].strip()
        assert url.startswith("http://127.0.0.1:"), line
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return response.read().decode()


def test_metrics_include_every_queue_and_dlq_depth_throughput_and_errors(
    database_url: str, exporter_url: str
) -> None:
    # Given two waiting artists, one dead letter, a bridge batch, a task outcome and an issue
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT start_artist_discovery('One'), start_artist_discovery('Two')")
        dead_letter(conn, "track_discovery", {"albumId": "h" * 22}, error_type="NotFound")
        conn.execute(
            "INSERT INTO queue_metrics "
            "(queue, kind, outcome, read_count, dispatched, dead_lettered, duration_ms) "
            "VALUES ('artist_discovery', 'batch', 'dispatched', 5, 4, 1, 250)"
        )
        conn.execute(
            "INSERT INTO queue_metrics (queue, kind, outcome) "
            "VALUES ('album_discovery', 'task', 'archived')"
        )

    # When Prometheus scrapes
    text = scrape(exporter_url)

    # Then
    assert "discovery_exporter_up 1.0" in text
    for queue in QUEUES:
        assert f'discovery_queue_depth{{queue="{queue}"}}' in text
        assert f'discovery_queue_depth{{queue="{dlq_name(queue)}"}}' in text
        assert f'discovery_dlq_depth{{queue="{queue}"}}' in text
    assert 'discovery_queue_depth{queue="artist_discovery"} 2.0' in text
    assert 'discovery_dlq_depth{queue="track_discovery"} 1.0' in text
    assert 'discovery_bridge_messages_read_total{queue="artist_discovery"} 5.0' in text
    assert 'discovery_bridge_messages_dead_lettered_total{queue="artist_discovery"} 1.0' in text
    assert 'discovery_tasks_total{outcome="archived",queue="album_discovery"} 1.0' in text
    assert (
        'discovery_worker_issues_total{error_type="NotFound",queue="track_discovery"} 1.0' in text
    )


def test_a_scrape_reflects_the_database_now(database_url: str, exporter_url: str) -> None:
    assert 'discovery_queue_depth{queue="artist_discovery"} 0.0' in scrape(exporter_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT start_artist_discovery('Later')")
    assert 'discovery_queue_depth{queue="artist_discovery"} 1.0' in scrape(exporter_url)


def test_metrics_count_tracks_per_outcome_and_credits_per_source(database_url: str, exporter_url: str) -> None:
    write_catalog(database_url)

    text = scrape(exporter_url)

    assert 'discovery_track_outcomes{outcome="credited_by_genius"} 1.0' in text
    assert 'discovery_track_outcomes{outcome="not_attempted"} 1.0' in text
    assert 'discovery_credits{source="genius"} 1.0' in text
    assert 'discovery_credited_tracks{source="genius"} 1.0' in text


def test_coverage_is_read_at_most_once_a_minute_however_often_it_is_scraped(database_url: str) -> None:
    # Given an exporter's collector scraped once over an empty catalog
    from prometheus_client import generate_latest

    from discovery.ops.exporter import registry

    metrics = registry(database_url)
    assert 'discovery_track_outcomes{outcome="not_attempted"}' not in generate_latest(metrics).decode()

    # When tracks arrive and it is scraped again at once (and a queue grows)
    write_catalog(database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT start_artist_discovery('Later')")
    text = generate_latest(metrics).decode()

    # Then the queue depth is read again but the coverage counts, which read every track, are not
    assert 'discovery_queue_depth{queue="artist_discovery"} 1.0' in text
    assert 'discovery_track_outcomes{outcome="not_attempted"}' not in text
