"""A Genius song crediting 100,000 producers (the sandbox plays it): the credits are capped at
DISCOVERY_MAX_CREDITS_PER_SONG, the cap is recorded once, the write holds no more than that many
producer locks (the server's lock table is shared by every database on it), and no more than
that many social_enrichment messages are sent."""

from __future__ import annotations

import psycopg
import pytest

from discovery.catalog import store
from discovery.clients.factory import reset_clients
from discovery.pgmq import queues
from discovery.settings import Settings
from discovery.workers.base import process
from discovery.workers.producer import ProducerWorker
from tests.sandbox.catalogs import small_catalog
from tests.support.processes import PLACEHOLDER_CREDENTIALS, TEST_RATE_LIMITS

pytestmark = pytest.mark.integration

CREDITS = 100_000
KEY = "title:guest:duet:200"


def test_a_song_with_100000_credits_is_capped_recorded_once_and_takes_few_locks(
    database_url, redis_url, sandbox_factory, monkeypatch
):
    # Given a Genius song crediting 100,000 producers, and its recording waiting to be identified
    catalog = small_catalog()
    catalog["genius"]["songs"][0]["producer_artists"] = [
        {"id": 100_000 + n, "name": f"Producer {n}"} for n in range(CREDITS)
    ]
    sandbox = sandbox_factory(catalog, spotify_mode="extended")
    credentials = {name.lower(): value for name, value in PLACEHOLDER_CREDENTIALS.items()}
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=database_url, redis_url=redis_url, discovery_api_base=sandbox.url,
        spotify_quota_mode="extended", discovery_rate_limits=TEST_RATE_LIMITS, **credentials,
    )
    with psycopg.connect(database_url, autocommit=True) as conn:
        store.request_recordings(conn, {KEY: None})
        queues.send(conn, "producer_identification", {
            "recordingKey": KEY, "trackId": "feat1", "trackName": "Duet (feat. Nova Kid)",
            "artistId": "guest", "artistName": "Guest Star",
        })
        [delivery] = queues.read(conn, "producer_identification", 60, 1)
    # (the advisory locks the write holds, counted just before it commits)
    held: list[int] = []
    mark = store.mark_recording_identified

    def counting(conn, *args, **kwargs):
        held.append(conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        ).fetchone()[0])
        return mark(conn, *args, **kwargs)

    monkeypatch.setattr(store, "mark_recording_identified", counting)

    # When the producer worker identifies it
    reset_clients()
    try:
        outcome = process(ProducerWorker, delivery, settings)
    finally:
        reset_clients()

    # Then it is done with the first 100 credits, says so once, held at most 100 producer locks
    # (plus the identity lock), and sent at most 100 enrichment requests
    assert outcome.status == "archived", outcome.detail
    with psycopg.connect(database_url) as conn:
        producers = conn.execute("SELECT count(*) FROM producers").fetchone()[0]
        issues = conn.execute(
            "SELECT error_type, message FROM worker_issues WHERE queue = 'producer_identification'"
        ).fetchall()
    assert producers == 100
    assert issues == [("CreditsCapped", f"recording {KEY}: 100000 credits; kept the first 100 (DISCOVERY_MAX_CREDITS_PER_SONG)")]
    assert held and 100 <= held[0] <= 101  # one per producer kept (and the identity lock)
    assert 0 < len([queue for queue, _ in outcome.sent if queue == "social_enrichment"]) <= 100
