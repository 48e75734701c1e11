"""`discovery status` per lane: each stage's depth and oldest message per lane, as JSON and as a
table; the stage's own figures are the sums over its lanes."""

from __future__ import annotations

import json

import psycopg
import pytest

from tests.ops.support import dead_letter, run_discovery

pytestmark = pytest.mark.integration


def test_status_shows_depth_and_oldest_age_per_lane_per_stage(database_url: str, redis_url: str) -> None:
    # Given a person's artist, a backfill of three and a re-check, the backfill queued ten minutes ago
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT start_artist_discovery('Person')")
        for name in ("Bulk 1", "Bulk 2", "Bulk 3"):
            conn.execute("SELECT start_artist_discovery(%s, lane => 'bulk')", (name,))
        conn.execute("UPDATE pgmq.q_artist_discovery_bulk SET enqueued_at = now() - interval '10 minutes', "
                     "vt = now() - interval '10 minutes'")
        conn.execute("SELECT pgmq.send('album_discovery_refresh', '{\"artistId\": \"x\", \"offset\": 0}'::jsonb)")
        dead_letter(conn, "track_discovery_bulk", {"albumId": "a" * 22, "artistId": "b" * 22}, reason="gone")

    # When status looks, as JSON and as tables
    report = json.loads(run_discovery(database_url, redis_url, "status", "--json").stdout)
    table = run_discovery(database_url, redis_url, "status").stdout

    # Then each lane of each stage has its depth and its oldest message's age
    artists = report["queues"]["artist_discovery"]
    assert artists["lanes"]["interactive"]["queue"] == "artist_discovery"
    assert artists["lanes"]["interactive"]["visible"] == 1
    assert artists["lanes"]["bulk"]["queue"] == "artist_discovery_bulk"
    assert artists["lanes"]["bulk"]["visible"] == 3
    assert artists["lanes"]["bulk"]["oldest_age_s"] >= 600
    assert artists["lanes"]["bulk"]["oldest_visible_age_s"] >= 600
    assert artists["lanes"]["refresh"]["visible"] == 0
    assert report["queues"]["album_discovery"]["lanes"]["refresh"]["visible"] == 1
    assert report["queues"]["track_discovery"]["lanes"]["bulk"]["dlq_size"] == 1
    # And the stage's figures are its lanes' together
    assert artists["visible"] == 4
    assert artists["oldest_age_s"] >= 600
    assert report["queues"]["track_discovery"]["dlq_size"] == 1
    # And the table has a row per stage, a column per lane
    assert "Lanes: waiting (oldest)" in table
    lanes = table.split("Lanes: waiting (oldest)", 1)[1].split("APIs", 1)[0]
    [row] = [line for line in lanes.splitlines() if "artist_discovery" in line]
    cells = [cell.strip() for cell in row.strip("│ ").split("│")]
    assert cells[0] == "artist_discovery" and cells[1].startswith("1 (")
    assert cells[2:] == ["3 (10m)", "0"], lanes
