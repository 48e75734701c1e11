"""A page of tracks is written set-based: the same few statements for 50 tracks as for 2, with
one identification per new recording and the known recordings' credits copied to new releases."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from discovery.catalog import store
from discovery.pgmq.messages import TrackDiscovery
from discovery.pgmq.queues import Delivery
from discovery.settings import Settings
from discovery.workers.base import Transaction
from discovery.workers.track import TrackPage, TrackWorker

pytestmark = pytest.mark.integration

ARTIST = {"id": "A" * 22, "name": "Nova", "artists": []}


class CountingConnection:
    """The connection, counting the statements sent through it."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn
        self.statements = 0

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        self.statements += 1
        return self.conn.execute(*args, **kwargs)


def album(album_id: str, tracks: int, first_isrc: int = 1) -> TrackPage:
    items = [{"id": f"{album_id}{n:03d}".ljust(22, "x"), "name": f"Song {n}", "track_number": n,
              "duration_ms": 200_000, "artists": [{"id": ARTIST["id"], "name": "Nova"}]}
             for n in range(first_isrc, first_isrc + tracks)]
    isrcs = {item["id"]: f"QZAAA20{item['track_number']:05d}" for item in items}
    return TrackPage({"id": album_id, "artists": [ARTIST]}, items, isrcs, None)


def write_page(database_url: str, page: TrackPage) -> tuple[int, list[dict[str, Any]]]:
    """Write a page as the track worker does; the statements it took and the messages it sent."""
    worker = TrackWorker(Delivery("track_discovery", 1, 1, {}), Settings(database_url=database_url))
    message = TrackDiscovery(albumId=page.album["id"], artistId=ARTIST["id"])
    with psycopg.connect(database_url) as conn, conn.transaction():
        store.upsert_album(conn, {"id": page.album["id"], "name": page.album["id"]}, ARTIST["id"], "album")
        counting = CountingConnection(conn)
        tx = Transaction(counting)  # type: ignore[arg-type]
        worker.write(tx, message, page)
        outbox = [payload for payloads in tx._outbox.values() for payload in payloads]
        tx.flush()
        return counting.statements, outbox


def test_a_page_of_50_tracks_takes_as_many_statements_as_a_page_of_2(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        store.upsert_artist(conn, ARTIST)

    small, _ = write_page(database_url, album("small", 2))
    large, sent = write_page(database_url, album("large", 50, first_isrc=100))

    assert large == small, (small, large)
    assert len(sent) == 50 and {payload["recordingKey"] for payload in sent} == {
        f"isrc:QZAAA20{n:05d}" for n in range(100, 150)
    }


def test_a_recording_already_known_is_not_identified_again_and_its_credits_are_copied(database_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        store.upsert_artist(conn, ARTIST)
    # Given an album whose first track's recording is credited to a producer
    _, first = write_page(database_url, album("first", 3))
    assert len(first) == 3
    with psycopg.connect(database_url, autocommit=True) as conn:
        producer = conn.execute(
            "INSERT INTO producers (name, normalized_name, genius_id) VALUES ('Ann Lee', 'ann lee', 5) RETURNING id"
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO track_producers (track_id, producer_id, source, role, confidence, created_at) "
            "SELECT id, %s, 'genius', 'producer', 0.9, '2026-01-02 10:00+00' FROM tracks WHERE isrc = 'QZAAA2000001'",
            (producer,),
        )

    # When a compilation carries that recording (twice on one page) beside a new one
    compilation = album("comp", 2)  # Song 1 and Song 2: both recordings known
    compilation.tracks.append({**compilation.tracks[0], "id": "comp-again".ljust(22, "x")})
    compilation.isrcs[compilation.tracks[-1]["id"]] = "QZAAA2000001"
    new = album("comp", 1, first_isrc=9)
    compilation.tracks.extend(new.tracks)
    compilation.isrcs.update(new.isrcs)
    _, sent = write_page(database_url, compilation)

    # Then only the new recording is sent to be identified, and both copies of the known one carry its credit
    assert [payload["recordingKey"] for payload in sent] == ["isrc:QZAAA2000009"]
    with psycopg.connect(database_url) as conn:
        credited = conn.execute(
            "SELECT t.spotify_id, tp.created_at::text FROM track_producers tp JOIN tracks t ON t.id = tp.track_id "
            "WHERE t.album_spotify_id = 'comp' ORDER BY 1"
        ).fetchall()
    assert [row[0] for row in credited] == sorted([compilation.tracks[0]["id"], "comp-again".ljust(22, "x")])
    # (first seen when the recording's credit was: the credit is the recording's, not the release's)
    assert {row[1] for row in credited} == {"2026-01-02 10:00:00+00"}
