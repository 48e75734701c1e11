"""Lanes on real PGMQ and Redis: the front door's lanes, the bridge's order and bulk's share,
downstream sends in the delivery's lane, promotion, and a database migrated with work queued."""

from __future__ import annotations

from typing import LiteralString, cast

import psycopg
import pytest

from discovery.ops import dlq
from discovery.pgmq import migrations, queues
from discovery.pgmq.queues import Delivery
from discovery.runtime import bridge
from discovery.settings import QUEUES, Settings
from discovery.workers.base import Transaction, process
from tests.support.workers import StagedArtistWorker

pytestmark = pytest.mark.integration

STAGED = "artist_discovery=tests.support.workers:StagedArtistWorker"


def settings_for(database_url: str, redis_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {"discovery_max_in_flight": 1000, "discovery_bulk_share": 0.0, **overrides}
    return Settings(database_url=database_url, redis_url=redis_url, discovery_workers=STAGED, **values)


def seed(conn: psycopg.Connection, names: list[str], lane: str) -> list[int]:
    return [
        int(conn.execute("SELECT start_artist_discovery(%s, lane => %s)", (name, lane)).fetchone()[0])
        for name in names
    ]


def depth(conn: psycopg.Connection, queue: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM pgmq.q_{queue}").fetchone()[0])


def names(prefix: str, count: int) -> list[str]:
    return [f"{prefix} {n}" for n in range(count)]


def test_the_seed_sql_call_works_verbatim_and_lands_in_the_interactive_lane(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        msg_id = conn.execute("SELECT start_artist_discovery('Bruno Mars')").fetchone()[0]
        by_id = conn.execute("SELECT start_artist_discovery_by_id('0du5cEVh5yTK9QJze8zA0C')").fetchone()[0]

        [(message,)] = conn.execute("SELECT message FROM pgmq.q_artist_discovery WHERE msg_id = %s", (msg_id,))
        assert message == {"artistName": "Bruno Mars"}
        assert conn.execute("SELECT message FROM pgmq.q_artist_discovery WHERE msg_id = %s", (by_id,)).fetchone()[0] == {
            "artistId": "0du5cEVh5yTK9QJze8zA0C"
        }
        assert depth(conn, "artist_discovery_bulk") == depth(conn, "artist_discovery_refresh") == 0


def test_a_seed_names_its_lane_and_an_unknown_lane_is_refused(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT start_artist_discovery('Backfilled', lane => 'bulk')")
        conn.execute("SELECT start_artist_discovery_by_id('0du5cEVh5yTK9QJze8zA0C', lane => 'refresh')")

        assert [row[0] for row in conn.execute("SELECT message FROM pgmq.q_artist_discovery_bulk")] == [
            {"artistName": "Backfilled"}
        ]
        assert depth(conn, "artist_discovery_refresh") == 1
        assert depth(conn, "artist_discovery") == 0
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="unknown lane 'urgent'"):
            conn.execute("SELECT start_artist_discovery('Someone', lane => 'urgent')")


def test_an_artist_waiting_in_bulk_then_seeded_interactively_moves_up_and_runs_once(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        # Given an artist a backfill queued
        seed(conn, ["Wanted Twice"], "bulk")
        # When a person seeds the same artist
        msg_id = conn.execute("SELECT start_artist_discovery('Wanted Twice')").fetchone()[0]
        # Then it waits in the interactive lane only, once, and the bulk copy is archived (moved)
        assert [row[0] for row in conn.execute("SELECT msg_id FROM pgmq.q_artist_discovery")] == [msg_id]
        assert depth(conn, "artist_discovery_bulk") == 0
        archived = conn.execute("SELECT count(*) FROM pgmq.a_artist_discovery_bulk").fetchone()[0]
        assert archived == 1


def test_the_bridge_reads_interactive_then_bulk_then_refresh_whatever_was_queued_first(database_url, redis_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        # Given refresh work queued first, then bulk, then interactive
        seed(conn, names("Refresh", 4), "refresh")
        seed(conn, names("Bulk", 4), "bulk")
        seed(conn, names("Person", 4), "interactive")
    settings = settings_for(database_url, redis_url, discovery_batch_size=20)
    dispatched: list[Delivery] = []

    # When the artist bridge drains
    bridge.run("artist_discovery", settings, dispatched.append)

    # Then the interactive lane is read first, then bulk, then refresh
    assert [delivery.queue for delivery in dispatched] == (
        ["artist_discovery"] * 4 + ["artist_discovery_bulk"] * 4 + ["artist_discovery_refresh"] * 4
    )


def test_refresh_work_queued_ahead_of_an_interactive_seed_takes_none_of_its_capacity(database_url, redis_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        # Given a pool with room for three, and fifty re-checks queued before a person's three seeds
        seed(conn, names("Refresh", 50), "refresh")
        seed(conn, names("Person", 3), "interactive")
    settings = settings_for(database_url, redis_url, discovery_max_in_flight=3, discovery_batch_size=10)
    dispatched: list[Delivery] = []

    # When the bridge runs
    run = bridge.run("artist_discovery", settings, dispatched.append)

    # Then the three interactive seeds fill the pool, and no refresh message was even read
    assert run.status == "capped"
    assert [delivery.message["artistName"] for delivery in dispatched] == names("Person", 3)
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM pgmq.q_artist_discovery_refresh WHERE read_ct > 0").fetchone()[0] == 0


def test_bulk_keeps_its_share_of_the_reads_while_interactive_work_waits(database_url, redis_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        seed(conn, names("Bulk", 30), "bulk")
        seed(conn, names("Person", 30), "interactive")
    settings = settings_for(database_url, redis_url, discovery_max_in_flight=10, discovery_batch_size=10,
                            discovery_bulk_share=0.1)
    dispatched: list[Delivery] = []

    # When a bridge run has room for ten while both lanes wait
    bridge.run("artist_discovery", settings, dispatched.append)

    # Then one read in ten goes to the backfill
    lanes_read = [delivery.queue for delivery in dispatched]
    assert lanes_read.count("artist_discovery") == 9
    assert lanes_read.count("artist_discovery_bulk") == 1


def test_a_budget_of_one_read_a_run_still_gives_bulk_one_run_in_ten(database_url, redis_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        seed(conn, names("Bulk", 20), "bulk")
        seed(conn, names("Person", 20), "interactive")
    settings = settings_for(database_url, redis_url, discovery_max_in_flight=1, discovery_bulk_share=0.1)
    client = bridge.shared_redis(redis_url)
    dispatched: list[Delivery] = []

    # When twenty runs each have room for one (each task done before the next run)
    for _ in range(20):
        bridge.run("artist_discovery", settings, dispatched.append)
        client.delete("discovery:inflight:artist_discovery")

    # Then two of the twenty reads were bulk's
    assert [delivery.queue for delivery in dispatched].count("artist_discovery_bulk") == 2
    assert len(dispatched) == 20


def test_with_no_interactive_work_bulk_takes_every_read_and_refresh_what_is_left(database_url, redis_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        seed(conn, names("Bulk", 6), "bulk")
        seed(conn, names("Refresh", 6), "refresh")
    settings = settings_for(database_url, redis_url, discovery_max_in_flight=8, discovery_batch_size=8,
                            discovery_bulk_share=0.1)
    dispatched: list[Delivery] = []

    bridge.run("artist_discovery", settings, dispatched.append)

    assert [delivery.queue for delivery in dispatched] == ["artist_discovery_bulk"] * 6 + ["artist_discovery_refresh"] * 2


def test_what_a_bulk_delivery_sends_downstream_travels_in_the_bulk_lane(effects_db, database_url, redis_url):
    # Given an artist read from the bulk lane
    [msg_id] = seed(effects_db, ["Backfill Artist"], "bulk")
    [delivery] = queues.read(effects_db, "artist_discovery_bulk", 30, 1)
    settings = settings_for(database_url, redis_url)

    # When its worker runs
    outcome = process(StagedArtistWorker, delivery, settings)

    # Then its album page waits in album_discovery_bulk, and its source is archived from its lane
    assert outcome.status == "archived"
    assert outcome.sent and outcome.sent[0][0] == "album_discovery_bulk"
    assert depth(effects_db, "album_discovery_bulk") == 1
    assert depth(effects_db, "album_discovery") == 0
    assert effects_db.execute("SELECT count(*) FROM pgmq.a_artist_discovery_bulk WHERE msg_id = %s", (msg_id,)).fetchone()[0] == 1


def test_a_recording_waiting_in_bulk_is_promoted_when_an_interactive_delivery_wants_it(database_url):
    recording = {"recordingKey": "isrc:USAAA0000001", "trackId": "t1", "trackName": "Song", "artistId": "a1"}
    in_flight = {**recording, "recordingKey": "isrc:USAAA0000002"}
    with psycopg.connect(database_url, autocommit=True) as conn:
        # Given two recordings a backfill asked to identify, one of them read (its lease running)
        queues.send(conn, "producer_identification_bulk", recording)
        queues.send(conn, "producer_identification_bulk", in_flight)
        conn.execute(
            "UPDATE pgmq.q_producer_identification_bulk SET vt = now() + interval '60 seconds' "
            "WHERE message->>'recordingKey' = 'isrc:USAAA0000002'"
        )

        # When an interactive delivery's transaction wants both
        with conn.transaction():
            moved = Transaction(conn, "interactive").promote(
                "producer_identification", "recordingKey", ["isrc:USAAA0000001", "isrc:USAAA0000002"]
            )

        # Then the waiting one moved up to the interactive lane; the one in flight stays with its task
        assert moved == 1
        assert [row[0] for row in conn.execute("SELECT message FROM pgmq.q_producer_identification")] == [recording]
        assert [row[0]["recordingKey"] for row in conn.execute("SELECT message FROM pgmq.q_producer_identification_bulk")] == [
            "isrc:USAAA0000002"
        ]


def test_a_bulk_delivery_never_promotes_into_the_interactive_lane(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        queues.send(conn, "social_enrichment_refresh", {"producerId": 7, "producerName": "P"})
        with conn.transaction():
            moved = Transaction(conn, "bulk").promote("social_enrichment", "producerId", ["7"])
        assert moved == 1
        assert depth(conn, "social_enrichment_bulk") == 1
        assert depth(conn, "social_enrichment") == 0


def _migrate_as_before_lanes(url: str) -> None:
    """What `discovery migrate` did before lanes: every migration below 0020."""
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.transaction():
            migrations.ensure_pgmq(conn)
        conn.execute(cast(LiteralString, migrations._LEDGER))
        for path in migrations.migration_files():
            if path.stem >= "0020":
                break
            with conn.transaction():
                conn.execute(cast(LiteralString, path.read_text(encoding="utf-8")))
                conn.execute("INSERT INTO discovery_migrations (version) VALUES (%s)", (path.stem,))


def test_a_database_migrated_with_messages_queued_keeps_every_one_now_interactive(empty_database_url, redis_url):
    # Given a database of the release before lanes, with work queued at every stage
    _migrate_as_before_lanes(empty_database_url)
    before: dict[str, list[tuple[int, object]]] = {}
    with psycopg.connect(empty_database_url, autocommit=True) as conn:
        conn.execute("SELECT start_artist_discovery('Queued Before')")
        for stage in QUEUES[1:]:
            conn.execute("SELECT pgmq.send(%s, %s::jsonb)", (stage, '{"queued": "before lanes"}'))
        for stage in QUEUES:
            before[stage] = conn.execute(f"SELECT msg_id, message FROM pgmq.q_{stage} ORDER BY msg_id").fetchall()

    # When it is migrated
    applied = migrations.migrate(empty_database_url)

    # Then every message is where it was, in its stage's interactive lane, and the artist bridge reads it
    assert "0020_lanes" in applied
    with psycopg.connect(empty_database_url, autocommit=True) as conn:
        for stage in QUEUES:
            assert conn.execute(f"SELECT msg_id, message FROM pgmq.q_{stage} ORDER BY msg_id").fetchall() == before[stage]
        assert conn.execute("SELECT start_artist_discovery('After', lane => 'bulk')").fetchone()[0] == 1
    dispatched: list[Delivery] = []
    bridge.run("artist_discovery", settings_for(empty_database_url, redis_url), dispatched.append)
    assert [(d.queue, d.message) for d in dispatched] == [
        ("artist_discovery", {"artistName": "Queued Before"}), ("artist_discovery_bulk", {"artistName": "After"})
    ]


def test_a_bulk_dead_letter_is_listed_with_its_lane_and_replayed_into_it(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        # Given a backfill's album page dead-lettered
        msg_id = queues.send(conn, "album_discovery_bulk", {"artistId": "b" * 22, "offset": 0})
        with conn.transaction():
            queues.dead_letter(conn, "album_discovery_bulk", msg_id, None, "NotFound", "no such artist")

        # When dlq lists everything, then replays that lane
        [dead] = dlq.list_dead(conn)
        [replayed] = dlq.replay(conn, "album_discovery_bulk", [dead.msg_id])

        # Then it was in the bulk lane's DLQ, and goes back to the bulk lane, not the interactive one
        assert (dead.queue, dead.reason) == ("album_discovery_bulk", "no such artist")
        assert replayed.new_msg_id is not None
        assert [row[0] for row in conn.execute("SELECT message FROM pgmq.q_album_discovery_bulk")] == [
            {"artistId": "b" * 22, "offset": 0}
        ]
        assert depth(conn, "album_discovery") == 0
        assert depth(conn, "album_discovery_bulk_dlq") == 0
