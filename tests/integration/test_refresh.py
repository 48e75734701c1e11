"""Refresh work stays out of seeding's way and within its daily budget, and asks the API rather
than the cache: beat's refresh tick queues nothing while a stage queue holds work or while the
budget of the API it would call first is spent; a refresh message meeting a spent budget waits for
the next UTC day without a call; a listing the cache holds is asked again by a refresh."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from discovery.catalog import refresh, store, watching
from discovery.clients import budget, reset_clients
from discovery.clients.redis_pool import shared_redis
from discovery.clients.spotify import spotify_client
from discovery.pgmq import queues
from discovery.runtime import refresh as refresh_tick
from discovery.settings import Settings
from discovery.workers.album import AlbumWorker
from discovery.workers.base import process
from discovery.workers.registry import worker_for
from tests.sandbox.catalogs import album, artist, artist_ref

pytestmark = pytest.mark.integration

ARTIST_ID = "R" * 22
NAME = "Rhea"
CADENCE_S = 7 * 24 * 3600.0


@pytest.fixture(autouse=True)
def _fresh_clients() -> Iterator[None]:
    reset_clients()
    yield
    reset_clients()


def catalog(albums: int) -> dict[str, Any]:
    ref = [artist_ref(ARTIST_ID, NAME)]
    return {"spotify": {"artists": [artist(ARTIST_ID, NAME)],
                        "albums": [album(f"al{n:02d}".ljust(22, "x"), f"Record {n}", ref, tracks=1) for n in range(albums)]}}


def settings_for(database_url: str, redis_url: str, api_base: str = "", **overrides: Any) -> Settings:
    fields: dict[str, Any] = {
        "database_url": database_url, "redis_url": redis_url, "discovery_api_base": api_base,
        "spotify_client_id": "test-client", "spotify_client_secret": "test-secret", "genius_access_token": "test-token",
        "spotify_quota_mode": "extended", "discovery_rate_limits": "spotify=1000/1,genius=1000/1",
        "discovery_refresh_budget": "spotify=100,genius=100",
    }
    return Settings(**(fields | overrides))


def a_watched_artist_due(database_url: str, albums: int = 0) -> None:
    """Rhea, watched since long ago (due a refresh), with her first `albums` records stored."""
    with psycopg.connect(database_url) as conn, conn.transaction():
        store.upsert_artist(conn, artist(ARTIST_ID, NAME))
        watching.watch(conn, ARTIST_ID, watching.SEEDED)
        conn.execute("UPDATE watched_artists SET watched_since = now() - interval '30 days'")
        for record in catalog(albums)["spotify"]["albums"]:
            store.upsert_album(conn, record, ARTIST_ID, "album")


def queued(database_url: str, queue: str) -> list[dict[str, Any]]:
    with psycopg.connect(database_url) as conn:
        return [delivery.message for delivery in queues.read(conn, queue, 0, 100)]


def test_refresh_work_waits_while_seeding_work_is_queued(database_url, redis_url):
    settings = settings_for(database_url, redis_url)
    a_watched_artist_due(database_url)
    # Given a seed waiting in artist_discovery
    with psycopg.connect(database_url, autocommit=True) as conn:
        seed = conn.execute("SELECT start_artist_discovery('Someone New')").fetchone()[0]

    # When beat's refresh tick runs, Then it queues nothing and says what it waits for
    waited = refresh_tick.tick(settings)
    assert (waited.artists, waited.recordings, waited.waiting_for) == (0, 0, ["artist_discovery"])
    assert [message for message in queued(database_url, "artist_discovery") if message.get("refresh")] == []

    # When the seed is done, Then the next tick queues the artist's refresh in the refresh queue
    with psycopg.connect(database_url, autocommit=True) as conn:
        queues.archive(conn, "artist_discovery", seed)
    done = refresh_tick.tick(settings)
    assert (done.artists, done.waiting_for) == (1, [])
    assert queued(database_url, refresh.refresh_queue("artist_discovery")) == [
        {"artistId": ARTIST_ID, "refresh": True, "watch": False}]


def test_the_daily_budget_stops_the_refresh_tick(database_url, redis_url):
    settings = settings_for(database_url, redis_url)
    a_watched_artist_due(database_url)
    # Given today's Spotify refresh budget spent
    shared_redis(redis_url).set(budget.KEY.format(api="spotify", day=budget.utc_day()), 100)

    tick = refresh_tick.tick(settings)

    # Then the due artist stays due, and the tick says why
    assert (tick.artists, tick.waiting_for) == (0, ["spotify refresh budget"])
    assert queued(database_url, "artist_discovery") == []
    assert budget.left_today(settings) == {"genius": 100, "spotify": 0}


def album_page_delivery(database_url: str, refresh_work: bool) -> Any:
    with psycopg.connect(database_url, autocommit=True) as conn:
        queues.send(conn, "album_discovery", {"artistId": ARTIST_ID, "offset": 0, **({"refresh": True} if refresh_work else {})})
        [delivery] = queues.read(conn, "album_discovery", 30, 1)
    return delivery


def test_refresh_work_meeting_a_spent_budget_waits_for_the_next_day_without_the_call(database_url, redis_url, sandbox_factory):
    # Given Rhea with two records stored and a third new on Spotify, and a Spotify budget of one call
    server = sandbox_factory(catalog(3), spotify_mode="extended")
    settings = settings_for(database_url, redis_url, server.url, discovery_refresh_budget="spotify=1")
    a_watched_artist_due(database_url, albums=2)
    spotify_client(settings).artist_albums(ARTIST_ID)  # the token, and the listing cached by a seed
    server.reset()

    # When a refresh of her releases runs
    outcome = process(AlbumWorker, album_page_delivery(database_url, refresh_work=True), settings)

    # Then the listing took the one call and the new record's fetch, finding the budget spent,
    # was never made: the message waits until the next UTC day, no attempt spent
    stats = server.stats()["spotify"]["endpoints"]
    assert outcome.status == "throttled" and "spotify refresh budget spent" in outcome.detail
    assert (stats["artist_albums"]["requests"], server.stats()["spotify"]["requests"]) == (1, 1)
    with psycopg.connect(database_url) as conn:
        wait_s = conn.execute("SELECT extract(epoch FROM vt - now()) FROM pgmq.q_album_discovery").fetchone()[0]
    assert budget.seconds_to_next_day() - 5 <= float(wait_s) <= budget.seconds_to_next_day() * 1.5 + 5
    assert budget.left_today(settings)["spotify"] == 0

    # And seeding work is never stopped by it: the same page, not a refresh, goes through
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DELETE FROM pgmq.q_album_discovery")
    assert process(AlbumWorker, album_page_delivery(database_url, refresh_work=False), settings).status == "archived"


def test_a_refresh_asks_the_api_for_a_listing_the_cache_holds_and_stores_the_fresh_answer(database_url, redis_url, sandbox_factory):
    server = sandbox_factory(catalog(2), spotify_mode="extended")
    settings = settings_for(database_url, redis_url, server.url)
    spotify = spotify_client(settings)
    # Given the artist's listing cached (asked twice, answered once)
    assert len(spotify.artist_albums(ARTIST_ID)["items"]) == len(spotify.artist_albums(ARTIST_ID)["items"]) == 2
    listings = server.stats()["spotify"]["endpoints"]["artist_albums"]["requests"]
    assert listings == 1
    # And a new record out since
    changed = copy.deepcopy(catalog(3))
    server.replace_catalog(changed)
    assert len(spotify.artist_albums(ARTIST_ID)["items"]) == 2  # the cache alone would hide it

    # When a refresh asks
    with budget.refresh_work(settings):
        fresh = spotify.artist_albums(ARTIST_ID)

    # Then it asked Spotify and saw the new record, and the cache now holds the fresh listing
    assert len(fresh["items"]) == 3
    assert server.stats()["spotify"]["endpoints"]["artist_albums"]["requests"] == listings + 1
    assert len(spotify.artist_albums(ARTIST_ID)["items"]) == 3
    assert server.stats()["spotify"]["endpoints"]["artist_albums"]["requests"] == listings + 1


def drain(settings: Settings, stages: tuple[str, ...]) -> list[str]:
    """Run every message of these stages through its worker type, as the pools would; the outcomes."""
    outcomes = []
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        while deliveries := [d for stage in stages for d in queues.read(conn, stage, 30, 10)]:
            for delivery in deliveries:
                worker = worker_for(delivery.queue, settings)
                assert worker is not None
                outcomes.append(process(worker, delivery, settings).status)
    return outcomes


def test_refreshing_an_unchanged_artist_with_55_releases_costs_three_spotify_calls(database_url, redis_url, sandbox_factory):
    # Given Rhea watched, her 55 records all stored, and Spotify in extended mode (pages of 50)
    server = sandbox_factory(catalog(55), spotify_mode="extended")
    settings = settings_for(database_url, redis_url, server.url)
    a_watched_artist_due(database_url, albums=55)
    spotify_client(settings).artist(ARTIST_ID)  # the client's token
    server.reset()

    # When beat queues her refresh and the pools run it
    assert refresh_tick.tick(settings).artists == 1
    outcomes = drain(settings, ("artist_discovery", "album_discovery", "track_discovery"))

    # Then it cost ceil(55 / 50) + 1 Spotify calls: the artist and two listing pages, nothing fetched
    stats = server.stats()["spotify"]
    assert outcomes == ["archived"] * 3
    assert (stats["requests"], stats["endpoints"]["artist"]["requests"], stats["endpoints"]["artist_albums"]["requests"]) == (
        math.ceil(55 / 50) + 1, 1, 2)
    assert budget.left_today(settings)["spotify"] == 100 - 3
    with psycopg.connect(database_url) as conn:
        [(refreshed, releases)] = conn.execute(
            "SELECT w.refreshed_at IS NOT NULL, a.releases_total FROM watched_artists w"
            " JOIN artists a ON a.spotify_id = w.artist_spotify_id").fetchall()
    assert (refreshed, releases) == (True, 55)


def test_status_shows_the_refresh_due_done_today_and_the_budget_left(database_url, redis_url):
    from rich.console import Console

    from discovery.ops import status

    settings = settings_for(database_url, redis_url)
    # Given Rhea watched and due, and refresh work that spent 3 Spotify calls today
    a_watched_artist_due(database_url)
    shared_redis(redis_url).set(budget.KEY.format(api="spotify", day=budget.utc_day()), 3)
    due = status.collect(settings, inspect_timeout_s=0.1).refresh
    assert due is not None and (due.watched, due.artists_due, due.artists_refreshed_today) == (1, 1, 0)
    assert due.budget == {"genius": {"budget": 100, "spent": 0, "left": 100},
                          "spotify": {"budget": 100, "spent": 3, "left": 97}}

    # When her releases have been listed by a refresh
    with psycopg.connect(database_url, autocommit=True) as conn:
        watching.mark_refreshed(conn, ARTIST_ID)
    found = status.collect(settings, inspect_timeout_s=0.1)

    # Then she is no longer due, she counts as refreshed today, and the table says so
    assert found.refresh is not None and (found.refresh.artists_due, found.refresh.artists_refreshed_today) == (0, 1)
    console = Console(width=200, record=True)
    console.print(status.render(found))
    assert ("Refresh: 1 watched artists, 0 due, 0 recordings due; today 1 artists and 0 recordings refreshed; "
            "budget left genius 100/100, spotify 97/100") in console.export_text()
    assert found.as_dict()["refresh"]["budget"]["spotify"]["left"] == 97
