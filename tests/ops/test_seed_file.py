"""`discovery seed --file`: a backfill in the bulk lane, with a summary that says what came of
every line; a second run of the same file queues nothing and says so."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from discovery.ops.seed_file import Artist, Refusal, parse_value, read_entries
from tests.ops.support import run_discovery

pytestmark = pytest.mark.integration

KNOWN_ID = "4Z8W4fKeB5YxbusRsdQVPb"
QUEUED_ID = "1dfeR4HaWDbWqFHLkxsg1d"
URL_ID = "0du5cEVh5yTK9QJze8zA0C"
PLAIN_ID = "66CXWjxzNUsdJxJ2JdwvnR"

LINES = [
    "Bruno Mars",  # 1
    "",  # 2: blank
    "  bruno   MARS ",  # 3: a repeat of line 1, case and spacing aside
    f"https://open.spotify.com/intl-de/artist/{URL_ID}?si=abc",  # 4
    URL_ID,  # 5: a repeat of line 4, as an id
    "https://open.spotify.com/track/6habFhsOp2NvshLv26DqMb",  # 6: not an artist
    "x" * 201,  # 7: too long
    "# a comment",  # 8
    f"spotify:artist:{PLAIN_ID}",  # 9
    "Radiohead",  # 10: already discovered
    KNOWN_ID,  # 11: already discovered, by id
    QUEUED_ID,  # 12: already waiting in the interactive lane
    "Queued By Name",  # 13: already waiting in the bulk lane
    "\u200b\u00a0",  # 14: blank (zero-width and no-break spaces)
    "Portishead",  # 15
]


def write(tmp_path: Path, lines: list[str], name: str = "artists.txt") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_seed_file_queues_the_new_artists_in_bulk_and_sums_up_every_line(
    tmp_path: Path, database_url: str, redis_url: str
) -> None:
    # Given a known artist (by name and by id) and two artists already queued
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("INSERT INTO artists (spotify_id, name) VALUES (%s, 'Radiohead'), (%s, 'Known')",
                     ("4Z8W4fKeB5YxbusRsdQVPc", KNOWN_ID))
        conn.execute("SELECT start_artist_discovery_by_id(%s)", (QUEUED_ID,))
        conn.execute("SELECT start_artist_discovery('Queued By Name', lane => 'bulk')")
    path = write(tmp_path, LINES)

    # When the file is seeded
    first = run_discovery(database_url, redis_url, "seed", "--file", str(path))

    # Then the new artists wait in the bulk lane, once each, and the summary says what came of every line
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "queued 4 in the bulk lane; already known 4 (2 discovered, 2 queued); repeated in the file 2; refused 4",
        "line 2: blank",
        "line 6: not an id: 'https://open.spotify.com/track/6habFhsOp2NvshLv26DqMb' is no Spotify artist link",
        "line 7: too long (201 characters; at most 200)",
        "line 14: blank",
    ]
    with psycopg.connect(database_url) as conn:
        bulk = [row[0] for row in conn.execute("SELECT message FROM pgmq.q_artist_discovery_bulk ORDER BY msg_id")]
    assert bulk == [
        {"artistName": "Queued By Name"},
        {"artistName": "Bruno Mars"},
        {"artistId": URL_ID},
        {"artistId": PLAIN_ID},
        {"artistName": "Portishead"},
    ]

    # And the same file again queues nothing, and says so
    second = run_discovery(database_url, redis_url, "seed", "--file", str(path))
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[:2] == [
        "queued 0 in the bulk lane; already known 8 (2 discovered, 6 queued); repeated in the file 2; refused 4",
        "nothing new: every artist of this file is already discovered or queued",
    ]


def test_a_csv_is_read_by_its_artist_or_spotify_id_column_with_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, ["genre,artist,spotify_id", f"pop,Someone,{URL_ID}", "rock,Band Name,",
                            "jazz,,not-an-id", "folk,,"], "artists.csv")

    entries = list(read_entries(path))

    assert entries == [
        Artist(2, spotify_id=URL_ID),
        Artist(3, name="Band Name", folded="band name"),
        Refusal(4, "not an id: 'not-an-id' is not 22 letters and digits"),
        Refusal(5, "blank"),
    ]


def test_a_line_is_an_id_a_link_or_a_name() -> None:
    assert parse_value(1, f"open.spotify.com/artist/{URL_ID}") == Artist(1, spotify_id=URL_ID)
    assert parse_value(1, f"spotify:artist:{URL_ID}") == Artist(1, spotify_id=URL_ID)
    assert isinstance(parse_value(1, "https://example.org/artist/" + URL_ID), Refusal)
    assert isinstance(parse_value(1, "spotify:album:" + URL_ID), Refusal)
    assert parse_value(1, "AC/DC") == Artist(1, name="AC/DC", folded="ac/dc")


def test_a_line_with_a_control_character_is_refused_as_the_seed_function_would():
    refused = parse_value(7, "Nova\x1b[2J")

    assert isinstance(refused, Refusal)
    assert (refused.line, refused.reason) == (7, "control character U+001B at character 5")
