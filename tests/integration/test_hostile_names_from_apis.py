"""A name longer than a message may carry (1,000 characters), from an API: the worker that meets
it cuts it for the next queue and records why, instead of the next queue dead-lettering the
message without a word."""

from __future__ import annotations

import psycopg
import pytest

from discovery.catalog import store
from discovery.clients.factory import reset_clients
from discovery.pgmq import queues
from discovery.pgmq.messages import validate
from discovery.settings import Settings
from discovery.workers.base import process
from discovery.workers.track import TrackWorker
from tests.sandbox.catalogs import small_catalog
from tests.support.processes import PLACEHOLDER_CREDENTIALS, TEST_RATE_LIMITS

pytestmark = pytest.mark.integration


def test_a_track_named_with_5000_characters_is_identified_under_a_cut_name_and_the_cut_recorded(
    database_url, redis_url, sandbox_factory
):
    # Given an album whose first track Spotify names with 5,000 characters
    catalog = small_catalog()
    [record] = [album for album in catalog["spotify"]["albums"] if album["id"] == "a01"]
    record["tracks"]["items"][0]["name"] = "L" * 5000
    sandbox = sandbox_factory(catalog, spotify_mode="extended")
    credentials = {name.lower(): value for name, value in PLACEHOLDER_CREDENTIALS.items()}
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=database_url, redis_url=redis_url, discovery_api_base=sandbox.url,
        spotify_quota_mode="extended", discovery_rate_limits=TEST_RATE_LIMITS, **credentials,
    )
    with psycopg.connect(database_url, autocommit=True) as conn:
        store.upsert_artist(conn, {"id": "nova", "name": "Nova Kid", "artists": []})
        store.upsert_album(conn, {"id": "a01", "name": "Record 1"}, "nova", "album")
        queues.send(conn, "track_discovery", {"albumId": "a01", "artistId": "nova"})
        [delivery] = queues.read(conn, "track_discovery", 30, 1)

    # When the track worker reads the album's tracks
    reset_clients()
    try:
        outcome = process(TrackWorker, delivery, settings)
    finally:
        reset_clients()

    # Then every identification it sent fits its queue's model, the long name cut to 1,000
    assert outcome.status == "archived", outcome.detail
    with psycopg.connect(database_url) as conn:
        sent = [row[0] for row in conn.execute("SELECT message FROM pgmq.q_producer_identification")]
        issues = conn.execute("SELECT error_type, message FROM worker_issues").fetchall()
    assert sent and all(validate("producer_identification", message) for message in sent)
    assert "L" * 1000 in [message["trackName"] for message in sent]
    # and the cut is recorded once, saying what was cut
    assert [kind for kind, _ in issues] == ["NameTooLong"]
    assert "is 5000 characters; cut to 1000 for the next queue" in issues[0][1]
