"""An album_discovery message read before its artist is stored (sent by hand, or read before the
artist_discovery message that would have stored the artist) is work, not poison: the album
worker stores the artist it was asked for, by the name the albums give it."""

from __future__ import annotations

import psycopg
import pytest

from discovery.clients import reset_clients
from discovery.pgmq import queues
from discovery.sandbox.generator import demo_catalog
from discovery.settings import QUEUES, Settings
from discovery.workers.album import AlbumWorker
from discovery.workers.base import process
from tests.support.processes import PLACEHOLDER_CREDENTIALS, TEST_RATE_LIMITS

pytestmark = pytest.mark.integration


def settings_for(database_url: str, redis_url: str, api_base: str) -> Settings:
    credentials = {name.lower(): value for name, value in PLACEHOLDER_CREDENTIALS.items()}
    return Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=database_url, redis_url=redis_url, discovery_api_base=api_base,
        spotify_quota_mode="extended", discovery_rate_limits=TEST_RATE_LIMITS, **credentials,
    )


def test_an_album_page_for_an_artist_not_yet_stored_stores_the_artist_and_dead_letters_nothing(
    database_url, redis_url, sandbox_factory
):
    catalog, _ = demo_catalog()
    sandbox = sandbox_factory(catalog, spotify_mode="extended")
    artist = catalog["spotify"]["artists"][0]
    settings = settings_for(database_url, redis_url, sandbox.url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        queues.send(conn, "album_discovery", {"artistId": artist["id"]})
        [delivery] = queues.read(conn, "album_discovery", 30, 1)

    reset_clients()
    try:
        outcome = process(AlbumWorker, delivery, settings)
    finally:
        reset_clients()

    assert outcome.status == "archived", outcome.detail
    with psycopg.connect(database_url) as conn:
        stored = conn.execute("SELECT name FROM artists WHERE spotify_id = %s", (artist["id"],)).fetchall()
        albums = conn.execute("SELECT count(*) FROM albums WHERE artist_spotify_id = %s", (artist["id"],)).fetchone()[0]
        letters = queues.dead_letters(conn, QUEUES)
    assert stored == [(artist["name"],)]
    assert albums > 0 and len([queue for queue, _ in outcome.sent if queue == "track_discovery"]) == albums
    assert letters == []
