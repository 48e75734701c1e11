"""Pages from a broken upstream (the sandbox's broken_paging knob): an empty page that still says
next, a page claiming an earlier offset, pages announced past the total. Paging only moves
forward, stops at the total, and the delivery records why it stopped."""

from __future__ import annotations

import psycopg
import pytest

from discovery.catalog import store
from discovery.clients.factory import reset_clients
from discovery.pgmq import queues
from discovery.settings import Settings
from discovery.workers.album import AlbumWorker
from discovery.workers.base import process
from discovery.workers.paging import next_page
from discovery.workers.track import TrackWorker
from tests.sandbox.catalogs import small_catalog
from tests.support.processes import PLACEHOLDER_CREDENTIALS, TEST_RATE_LIMITS

pytestmark = pytest.mark.integration


def run_one(database_url: str, redis_url: str, api_base: str, worker: type, queue: str, message: dict):
    credentials = {name.lower(): value for name, value in PLACEHOLDER_CREDENTIALS.items()}
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=database_url, redis_url=redis_url, discovery_api_base=api_base,
        spotify_quota_mode="extended", discovery_rate_limits=TEST_RATE_LIMITS, **credentials,
    )
    with psycopg.connect(database_url, autocommit=True) as conn:
        queues.send(conn, queue, message)
        [delivery] = queues.read(conn, queue, 30, 1)
    reset_clients()
    try:
        outcome = process(worker, delivery, settings)
    finally:
        reset_clients()
    with psycopg.connect(database_url) as conn:
        issues = conn.execute(
            "SELECT error_type, message FROM worker_issues WHERE queue = %s AND msg_id = %s", (queue, delivery.msg_id)
        ).fetchall()
    return outcome, issues


@pytest.mark.parametrize(
    ("how", "says"),
    [
        ("empty_next", "an empty page at offset 50 still says there is a next page; paging stopped"),
        ("backward", "the page read at offset 50 said it was at offset 1; counted on from 50"),
    ],
)
def test_a_track_page_that_repeats_itself_or_goes_backwards_ends_the_paging_and_says_why(
    database_url, redis_url, sandbox_factory, how, says
):
    # Given an upstream whose second page of the 60-track album is broken that way
    sandbox = sandbox_factory(small_catalog(), spotify_mode="extended", broken_paging=how)
    with psycopg.connect(database_url, autocommit=True) as conn:
        store.upsert_artist(conn, {"id": "nova", "name": "Nova Kid", "artists": []})
        store.upsert_album(conn, {"id": "long", "name": "Long Player"}, "nova", "album")

    # When the track worker reads that page
    outcome, issues = run_one(
        database_url, redis_url, sandbox.url, TrackWorker, "track_discovery",
        {"albumId": "long", "artistId": "nova", "offset": 50},
    )

    # Then the delivery is done, sends no further page (neither the same offset nor an earlier one)
    assert outcome.status == "archived", outcome.detail
    assert [queue for queue, _ in outcome.sent if queue == "track_discovery"] == []
    # and says why, once
    assert [(kind, says in text) for kind, text in issues] == [("PagingStopped", True)]


def test_album_pages_announced_past_the_total_stop_at_the_total(database_url, redis_url, sandbox_factory):
    # Given an upstream that always says next, repeating the last albums past the artist's 13
    sandbox = sandbox_factory(small_catalog(), spotify_mode="extended", broken_paging="endless")

    # When the album worker reads a page past the total
    outcome, issues = run_one(
        database_url, redis_url, sandbox.url, AlbumWorker, "album_discovery", {"artistId": "nova", "offset": 20}
    )

    # Then no next page is sent, and why is recorded
    assert outcome.status == "archived", outcome.detail
    assert [queue for queue, _ in outcome.sent if queue == "album_discovery"] == []
    assert [kind for kind, _ in issues] == ["PagingStopped"]
    assert "a next page was announced past the total of 13" in issues[0][1]


def test_paging_past_the_offset_bound_stops_naming_the_setting():
    page = {"next": "https://api.spotify.com/v1/albums/x/tracks?offset=10050", "offset": 10_000, "total": 99_999}

    following = next_page(10_000, page, items=50, max_offset=10_000)

    assert following.offset is None
    assert following.stopped_because == (
        "offset 10050 passes the bound of 10000 (DISCOVERY_MAX_PAGE_OFFSET); paging stopped"
    )
