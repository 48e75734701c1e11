"""`discovery watch add|remove|list`, `refresh` and `changes` as an operator uses them (in-process
through click's runner: the same group, exit codes and output as the console script), and who is
watched when seeded."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from discovery.catalog import watching
from discovery.cli import cli
from discovery.pgmq import queues
from discovery.pgmq.messages import ArtistDiscovery
from discovery.pgmq.queues import Delivery
from discovery.settings import Settings, get_settings
from discovery.workers.artist import ArtistWorker, FoundArtist
from discovery.workers.base import Transaction
from tests.ops.catalog_rows import ARTIST_ID, write_catalog

pytestmark = pytest.mark.integration


def discovery(database_url: str, redis_url: str, *args: str) -> str:
    get_settings.cache_clear()
    try:
        done = CliRunner().invoke(cli, list(args), env={"DATABASE_URL": database_url, "REDIS_URL": redis_url})
    finally:
        get_settings.cache_clear()
    assert done.exit_code == 0, done.output
    return done.output


def seeds(database_url: str) -> list[dict[str, object]]:
    with psycopg.connect(database_url) as conn:
        return [delivery.message for delivery in queues.read(conn, "artist_discovery", 0, 100)]


def test_watch_add_watches_a_discovered_artist_and_seeds_one_not_discovered_yet(database_url, redis_url, tmp_path: Path):
    write_catalog(database_url)  # Nova, discovered (and not watched: written without a seed)

    assert discovery(database_url, redis_url, "watch", "add", "Nova").strip() == f"watching Nova ({ARTIST_ID})"
    assert discovery(database_url, redis_url, "watch", "add", "--spotify-id", ARTIST_ID).startswith("already watching")
    names = tmp_path / "artists.txt"
    names.write_text("# to watch\nLyra Moon\n\nspotify:artist:0OqBk1oDBE83EEltmHWmCJ\n", encoding="utf-8")
    added = discovery(database_url, redis_url, "watch", "add", "--file", str(names))

    assert "seeded 'Lyra Moon'" in added and "seeded '0OqBk1oDBE83EEltmHWmCJ'" in added
    assert seeds(database_url) == [{"artistName": "Lyra Moon", "watch": True},
                                   {"artistId": "0OqBk1oDBE83EEltmHWmCJ", "watch": True}]
    [listed] = json.loads(discovery(database_url, redis_url, "watch", "list", "--format", "json"))
    assert (listed["name"], listed["reason"], listed["last_refresh"]) == ("Nova", watching.BY_HAND, None)
    assert listed["next_refresh"] > listed["watched_since"]

    assert discovery(database_url, redis_url, "watch", "remove", "Nova").startswith("stopped watching Nova")
    assert json.loads(discovery(database_url, redis_url, "watch", "list", "--format", "json")) == []


def test_refresh_now_queues_the_artist_and_every_recording_of_it_in_the_refresh_queues(database_url, redis_url):
    write_catalog(database_url)  # "First" identified, "Second" not yet

    printed = discovery(database_url, redis_url, "refresh", "--artist", "Nova", "--now")

    assert printed.startswith("queued 1 artist refresh(es) and 1 recording check(s)")
    with psycopg.connect(database_url) as conn:
        [artist] = [d.message for d in queues.read(conn, "artist_discovery", 0, 10)]
        [check] = [d.message for d in queues.read(conn, "producer_identification", 0, 10)]
    assert artist == {"artistId": ARTIST_ID, "refresh": True, "watch": False}
    assert (check["recordingKey"], check["trackName"], check["artistName"], check["refresh"]) == (
        "isrc:QZAAA20000001", "First", "Nova", True)
    # Without --now, nothing is due yet (identified just now): only the artist is refreshed
    again = discovery(database_url, redis_url, "refresh", "--artist", "Nova")
    assert again.startswith("queued 1 artist refresh(es) and 0 recording check(s)")


def test_changes_lists_what_is_new_as_json_and_csv(database_url, redis_url):
    write_catalog(database_url)

    rows = json.loads(discovery(database_url, redis_url, "changes", "--since", "1h", "--format", "json"))
    table = list(csv.DictReader(io.StringIO(discovery(database_url, redis_url, "changes", "--since", "1h",
                                                      "--format", "csv"))))

    assert {(row["kind"], row["track"], row["producer"]) for row in rows} == {
        ("new_release", None, None), ("new_track", "First", None), ("new_track", "Second", None),
        ("new_credit", "First", "Ann Lee"), ("new_producer", "First", "Ann Lee")}
    assert [(row["kind"], row["artist"]) for row in table] == [(row["kind"], row["artist"]) for row in rows]
    assert json.loads(discovery(database_url, redis_url, "changes", "--since", "2099-01-01", "--format", "json")) == []


@pytest.mark.parametrize(("setting", "asked", "watched"), [
    (True, None, True), (False, None, False), (False, True, True), (True, False, False)])
def test_a_seeded_artist_is_watched_once_found_unless_the_setting_or_the_seed_says_not(
    database_url, setting, asked, watched
):
    worker = ArtistWorker(Delivery("artist_discovery", 1, 1, {}),
                          Settings(database_url=database_url, discovery_watch_seeded=setting))
    message = ArtistDiscovery(artistName="Nova", watch=asked)
    with psycopg.connect(database_url) as conn, conn.transaction():
        worker.write(Transaction(conn), message, FoundArtist({"id": ARTIST_ID, "name": "Nova"}, []))
        assert bool(watching.watched(conn, 60.0)) is watched


def test_watch_add_refuses_a_blank_name_or_a_malformed_id_and_seeds_nothing(database_url, redis_url):
    for args in (["watch", "add", "   "], ["watch", "add", "--spotify-id", "not-an-id"]):
        get_settings.cache_clear()
        try:
            done = CliRunner().invoke(cli, args, env={"DATABASE_URL": database_url, "REDIS_URL": redis_url})
        finally:
            get_settings.cache_clear()
        assert done.exit_code != 0 and "watch add" in done.output, done.output
    assert seeds(database_url) == []
