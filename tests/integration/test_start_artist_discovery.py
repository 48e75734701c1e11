"""The SQL front door and the two seed commands that call it."""

from __future__ import annotations

import subprocess
import sys

import psycopg
import pytest

from tests.support.processes import REPO_ROOT, service_env

pytestmark = pytest.mark.integration


@pytest.fixture
def db(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        yield conn


def queued(db) -> list[dict]:
    return [row[0] for row in db.execute("SELECT message FROM pgmq.q_artist_discovery ORDER BY msg_id")]


def test_start_artist_discovery_puts_one_message_on_the_queue_and_returns_its_id(db):
    msg_id = db.execute("SELECT start_artist_discovery('Bruno Mars')").fetchone()[0]

    rows = db.execute("SELECT msg_id, message FROM pgmq.q_artist_discovery").fetchall()
    assert rows == [(msg_id, {"artistName": "Bruno Mars"})]


@pytest.mark.parametrize(
    ("argument", "says"),
    [
        ("NULL", "must not be NULL"),
        ("''", "must not be empty or blank"),
        ("'   '", "must not be empty or blank"),
        ("E'\\u00a0\\u200b'", "must not be empty or blank"),
        ("repeat('x', 201)", "201 characters long; at most 200"),
    ],
)
def test_a_missing_blank_or_overlong_name_fails_with_a_message_saying_what_is_wrong(db, argument, says):
    with pytest.raises(psycopg.Error) as failure:
        db.execute(f"SELECT start_artist_discovery({argument})")

    assert says in failure.value.diag.message_primary
    assert queued(db) == []


@pytest.mark.parametrize(
    "name",
    ["O'Brien; DROP TABLE artists;--", "Beyoncé", "Sigur Rós — “Ágætis”", "$$; SELECT 1; $$", "x" * 200],
)
def test_quotes_unicode_and_sql_looking_names_are_stored_verbatim(db, name):
    db.execute("SELECT start_artist_discovery(%s)", (name,))

    assert queued(db) == [{"artistName": name}]
    assert db.execute("SELECT to_regclass('artists') IS NOT NULL").fetchone()[0]


def test_the_literal_sql_from_the_issue_stores_the_name_verbatim(db):
    db.execute("SELECT start_artist_discovery('O''Brien; DROP TABLE artists;--')")

    assert queued(db) == [{"artistName": "O'Brien; DROP TABLE artists;--"}]


def test_starting_from_a_spotify_id_sends_the_id(db):
    db.execute("SELECT start_artist_discovery_by_id('0du5cEVh5yTK9QJze8zA0C')")

    assert queued(db) == [{"artistId": "0du5cEVh5yTK9QJze8zA0C"}]


def test_a_malformed_spotify_id_is_refused_clearly(db):
    with pytest.raises(psycopg.Error) as failure:
        db.execute("SELECT start_artist_discovery_by_id('not an id')")

    assert "22" in failure.value.diag.message_primary


@pytest.mark.parametrize(
    "command",
    [[sys.executable, "-m", "discovery.seed"], [sys.executable, "-m", "discovery.cli", "seed"]],
    ids=["python -m discovery.seed", "discovery seed"],
)
def test_both_seed_commands_print_the_msg_id(db, database_url, command):
    env = service_env(DATABASE_URL=database_url)
    by_name = subprocess.run(command + ["Anderson .Paak"], cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    by_id = subprocess.run(
        command + ["--spotify-id", "3jK9MiCrA42lLAdMGUZpwa"], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    blank = subprocess.run(command + [" "], cwd=REPO_ROOT, env=env, capture_output=True, text=True)

    assert by_name.returncode == 0, by_name.stderr
    ids = [row[0] for row in db.execute("SELECT msg_id FROM pgmq.q_artist_discovery ORDER BY msg_id")]
    assert by_name.stdout.strip() == str(ids[0])
    assert by_id.stdout.strip() == str(ids[1])
    assert queued(db) == [{"artistName": "Anderson .Paak"}, {"artistId": "3jK9MiCrA42lLAdMGUZpwa"}]
    assert blank.returncode != 0
    assert "must not be empty or blank" in blank.stderr


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("Evil\x1b[2J", "must not contain control characters (U+001B at character 5)"),
        ("Ring\x07", "must not contain control characters (U+0007 at character 5)"),
        ("Nova\n2026-01-01 ERROR forged", "must not contain control characters (U+000A at character 5)"),
        ("Tab\there", "must not contain control characters (U+0009 at character 4)"),
        ("C1\x9b31m", "must not contain control characters (U+009B at character 3)"),
        ("\u200e\u200f\u202e\u2066", "must not be empty or blank (spaces, invisible characters and direction marks"),
    ],
)
def test_a_name_with_control_characters_or_only_direction_marks_is_refused_saying_why(db, name, says):
    # When a hostile name is seeded through the front door
    with pytest.raises(psycopg.errors.InvalidParameterValue) as failure:
        db.execute("SELECT start_artist_discovery(%s)", (name,))

    # Then it is refused with a message naming the problem, and nothing is queued
    assert says in failure.value.diag.message_primary
    assert queued(db) == []


def test_a_name_with_a_direction_mark_among_visible_letters_is_still_accepted(db):
    db.execute("SELECT start_artist_discovery(%s)", ("\u200fعمرو دياب",))

    assert queued(db) == [{"artistName": "\u200fعمرو دياب"}]
