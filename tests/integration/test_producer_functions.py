"""search_producers, producer_credits and producer_collaborations, called from psql as the
platform behind the system would, validating their input as start_artist_discovery does."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import psycopg
import pytest

from tests.support.processes import REPO_ROOT, service_env

pytestmark = pytest.mark.integration


@pytest.fixture
def catalog(database_url):
    """Two artists, a joint album of both, three producers (two on one track, twice credited)."""
    with psycopg.connect(database_url, autocommit=True) as db:
        db.execute("INSERT INTO artists (spotify_id, name) VALUES ('A', 'Nova'), ('B', 'Quill')")
        db.execute("INSERT INTO albums (spotify_id, artist_spotify_id, name) VALUES ('J', 'A', 'Together'), "
                   "('S', 'B', 'Solo')")
        db.execute("INSERT INTO album_artists (album_spotify_id, artist_spotify_id, position) VALUES "
                   "('J', 'A', 1), ('J', 'B', 2), ('S', 'B', 1)")
        db.execute("INSERT INTO tracks (spotify_id, album_spotify_id, name, track_number) VALUES "
                   "('t1', 'J', 'One', 1), ('t2', 'J', 'Two', 2), ('t3', 'S', 'Three', 1)")
        db.execute("INSERT INTO producers (name, normalized_name, genius_id) VALUES "
                   "('Zoë Thorne', 'zoe thorne', 1), ('Émile Duval', 'emile duval', 2), ('Zoe Thornton', 'zoe thornton', 3)")
        db.execute("""
            INSERT INTO track_producers (track_id, producer_id, source, role, confidence)
            SELECT t.id, p.id, 'genius', c.role, 0.9
            FROM (VALUES ('t1', 1, 'producer'), ('t1', 1, 'co-producer'), ('t1', 2, 'producer'),
                         ('t2', 1, 'producer'), ('t3', 1, 'producer'), ('t3', 2, 'producer'),
                         ('t3', 3, 'producer')) AS c (track, genius, role)
            JOIN tracks t ON t.spotify_id = c.track JOIN producers p ON p.genius_id = c.genius
        """)
        yield db


def psql(database_url: str, statement: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [shutil.which("psql") or "psql", database_url, "-X", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1", "-c", statement],
        capture_output=True, text=True, timeout=60,
    )


def producer_id(db, genius_id: int) -> int:
    return db.execute("SELECT id FROM producers WHERE genius_id = %s", (genius_id,)).fetchone()[0]


def test_producers_are_found_from_psql_by_part_of_the_name_ignoring_case_and_accents(database_url, catalog):
    done = psql(database_url, "SELECT name, credits, tracks FROM search_producers('THÖRN')")

    assert done.returncode == 0, done.stderr
    # The exact-prefix and closer names first, with their credits and tracks
    assert done.stdout.splitlines() == ["Zoë Thorne|4|3", "Zoe Thornton|1|1"]


def test_a_producer_is_found_by_the_spelling_each_source_gives_them_and_by_their_aliases(database_url, catalog):
    # Given Zoë Thorne as MusicBrainz spells her ("Z. Thorne-Ashby") and with a Genius alternate name
    zoe = producer_id(catalog, 1)
    catalog.execute("INSERT INTO producer_links (source, external_id, producer_id, name, reason) VALUES "
                    "('musicbrainz', 'mb-zoe', %s, 'Z. Thorne-Ashby', 'alias')", (zoe,))
    catalog.execute("INSERT INTO producer_aliases (producer_id, source, external_id, alias, normalized_alias) "
                    "VALUES (%s, 'genius', '1', 'DJ Zed’s', 'dj zeds')", (zoe,))

    # When each spelling is searched
    found = {text: psql(database_url, "SELECT name, credits FROM search_producers('{}')".format(text.replace("'", "''")))
             for text in ("Thorne-Ashby", "z thorne ashby", "DJ Zed's", "zeds")}

    # Then each finds her, once, with her credits
    for text, done in found.items():
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == ["Zoë Thorne|4"], text


def test_a_producers_credits_name_every_artist_of_a_joint_album(database_url, catalog):
    zoe = producer_id(catalog, 1)

    rows = catalog.execute(
        "SELECT artists, spotify_track_id, role FROM producer_credits(%s) ORDER BY spotify_track_id, role", (zoe,)
    ).fetchall()

    assert rows == [
        (["Nova", "Quill"], "t1", "co-producer"),
        (["Nova", "Quill"], "t1", "producer"),
        (["Nova", "Quill"], "t2", "producer"),
        (["Quill"], "t3", "producer"),
    ]


def test_collaborators_are_counted_once_per_shared_track(database_url, catalog):
    zoe = producer_id(catalog, 1)

    rows = catalog.execute("SELECT name, shared_tracks FROM producer_collaborations(%s)", (zoe,)).fetchall()

    assert rows == [("Émile Duval", 2), ("Zoe Thornton", 1)]


def test_a_producers_credits_are_read_from_psql_with_every_artist_of_a_joint_album(database_url, catalog):
    zoe = producer_id(catalog, 1)

    done = psql(database_url, f"SELECT artists, spotify_track_id, role, source FROM producer_credits({zoe})")

    assert done.returncode == 0, done.stderr
    # In the function's own order: by the album's artists, then the album, the track and the role
    assert done.stdout.splitlines() == [
        "{Nova,Quill}|t1|co-producer|genius",
        "{Nova,Quill}|t1|producer|genius",
        "{Nova,Quill}|t2|producer|genius",
        "{Quill}|t3|producer|genius",
    ]


def test_a_producers_collaborators_are_read_from_psql_with_their_shared_tracks(database_url, catalog):
    zoe = producer_id(catalog, 1)

    done = psql(database_url, f"SELECT name, shared_tracks FROM producer_collaborations({zoe})")

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["Émile Duval|2", "Zoe Thornton|1"]


INVALID_CALLS = [
    ("search_producers(NULL)", "query must not be NULL"),
    ("search_producers('')", "must not be empty or blank"),
    ("search_producers(E' \\u00a0\\u200b .-')", "must not be empty or blank"),
    ("search_producers(repeat('x', 201))", "201 characters long; at most 200"),
    ("search_producers('zoe', 0)", "max_rows must be at least 1"),
    ("producer_credits(NULL)", "producer_id must not be NULL"),
    ("producer_credits(-1)", "no producer has id -1"),
    ("producer_collaborations(NULL)", "producer_id must not be NULL"),
    ("producer_collaborations(424242)", "no producer has id 424242"),
]


@pytest.mark.parametrize(("call", "says"), INVALID_CALLS)
def test_missing_blank_overlong_or_unknown_input_fails_with_a_message_saying_what_is_wrong(catalog, call, says):
    with pytest.raises(psycopg.Error) as failure:
        catalog.execute(f"SELECT * FROM {call}")

    assert says in failure.value.diag.message_primary


@pytest.mark.parametrize(("call", "says"), INVALID_CALLS)
def test_psql_is_refused_missing_blank_overlong_or_unknown_input_with_the_same_message(database_url, catalog, call, says):
    done = psql(database_url, f"SELECT * FROM {call}")

    assert done.returncode != 0
    assert done.stdout == ""
    # The function names itself, then says what is wrong
    assert f"ERROR:  {call.split('(')[0]}: " in done.stderr
    assert says in done.stderr


def test_quotes_and_sql_looking_text_is_only_ever_searched_for(catalog):
    found = catalog.execute("SELECT count(*) FROM search_producers(%s)", ("'; DROP TABLE producers;--",)).fetchone()

    assert found == (0,)
    assert catalog.execute("SELECT count(*) FROM producers").fetchone() == (3,)


def discovery(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "discovery.cli", *args],
        cwd=REPO_ROOT, env=service_env(DATABASE_URL=database_url, COLUMNS="200"),
        capture_output=True, text=True, timeout=60,
    )


def test_the_commands_say_what_is_wrong_with_a_blank_search_or_an_unknown_producer(database_url, catalog):
    blank = discovery(database_url, "producers", "--search", " .. ")
    unknown = discovery(database_url, "producer", "Nobody Here")
    both = discovery(database_url, "producer", "Zoë Thorne", "--genius-id", "1")

    assert blank.returncode == 1 and "must not be empty or blank" in blank.stderr
    assert unknown.returncode == 1 and "no producer with name 'Nobody Here'" in unknown.stderr
    assert both.returncode == 2 and "exactly one of NAME, --genius-id, --musicbrainz-id" in both.stderr


def test_a_producer_is_found_by_name_however_it_is_spelled(database_url, catalog):
    page = json.loads(discovery(database_url, "producer", "ZOE  THORNE", "--format", "json").stdout)

    assert page["producer"]["name"] == "Zoë Thorne"
    assert [(c["spotify_track_id"], c["role"], c["artists"]) for c in page["credits"]] == [
        ("t1", "co-producer", ["Nova", "Quill"]), ("t1", "producer", ["Nova", "Quill"]),
        ("t2", "producer", ["Nova", "Quill"]), ("t3", "producer", ["Quill"]),
    ]
    assert page["artists"] == [{"name": "Quill", "spotify_id": "B", "tracks": 3},
                               {"name": "Nova", "spotify_id": "A", "tracks": 2}]
