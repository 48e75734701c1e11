"""`seed --follow` says how much interactive work is ahead of the artist it follows: interactive
messages of any stage sent before its seed; a backfill's and re-checks' never come first."""

from __future__ import annotations

import io

import psycopg
import pytest

from discovery.ops import progress

pytestmark = pytest.mark.integration


def test_follow_counts_the_interactive_work_sent_before_the_seed_and_not_bulk_or_later_work(
    database_url: str, redis_url: str
) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        # Given two people's artists and three album pages waiting, and a backfill of four
        conn.execute("SELECT start_artist_discovery('First'), start_artist_discovery('Second')")
        for n in range(3):
            conn.execute("SELECT pgmq.send('album_discovery', %s::jsonb)", (f'{{"artistId": "a{n}"}}',))
        for n in range(4):
            conn.execute("SELECT start_artist_discovery(%s, lane => 'bulk')", (f"Bulk {n}",))
        # When a person seeds an artist, and another person after them
        msg_id = conn.execute("SELECT start_artist_discovery('Watched')").fetchone()[0]
        conn.execute("SELECT start_artist_discovery('Later')")

    # Then following it (nothing runs here) says five interactive messages are ahead
    out = io.StringIO()
    [last] = progress.follow(database_url, redis_url, [progress.Seeded(msg_id, "Watched")], out=out,
                             poll_s=0.1, timeout_s=0.5)
    assert last.stage == "waiting"
    assert last.ahead == 5
    assert "Watched: waiting" in out.getvalue() and "; 5 interactive messages ahead" in out.getvalue()
