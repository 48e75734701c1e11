"""A database from before watched artists and credit history (migrations up to 0029) migrates with
every credit kept, each first seen when it was stored; its seeded artists are watched and its
recordings get their next check by their outcome."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import LiteralString, cast

import psycopg
import pytest

from discovery.catalog import history, report
from discovery.pgmq import migrations
from discovery.pgmq.sql import migration_files

pytestmark = pytest.mark.integration

FIRST_NEW = "0030"
CREDITS = ("SELECT t.spotify_id, p.name, tp.source, tp.role, tp.created_at FROM track_producers tp"
           " JOIN tracks t ON t.id = tp.track_id JOIN producers p ON p.id = tp.producer_id ORDER BY 1, 2")


def migrate_before(url: str, version: str) -> None:
    """The schema as a release before `version` left it (as `migrate` applied it then)."""
    with psycopg.connect(url, autocommit=True) as conn:
        migrations.ensure_pgmq(conn)
        conn.execute(migrations._LEDGER)
        for path in migration_files():
            if path.stem >= version:
                break
            with conn.transaction():
                conn.execute(cast(LiteralString, path.read_text(encoding="utf-8")))
                conn.execute("INSERT INTO discovery_migrations (version) VALUES (%s)", (path.stem,))


OLD_CATALOG = """
INSERT INTO artists (spotify_id, name) VALUES ('a' || repeat('0', 21), 'Nova'), ('b' || repeat('0', 21), 'Guest');
INSERT INTO artist_searches (msg_id, query, outcome, artist_spotify_id, searched_at)
VALUES (1, 'Nova', 'found', 'a' || repeat('0', 21), '2026-01-02 10:00+00');
INSERT INTO albums (spotify_id, artist_spotify_id, name, created_at)
VALUES ('c' || repeat('0', 21), 'a' || repeat('0', 21), 'Debut', '2026-01-02 10:01+00');
INSERT INTO album_artists (album_spotify_id, artist_spotify_id, position)
VALUES ('c' || repeat('0', 21), 'a' || repeat('0', 21), 1), ('c' || repeat('0', 21), 'b' || repeat('0', 21), 2);
INSERT INTO recordings (recording_key, isrc, identified_at, credit_source) VALUES
    ('isrc:QZ1', 'QZ1', '2026-01-02 10:05+00', 'genius'), ('isrc:QZ2', 'QZ2', '2026-01-02 10:06+00', NULL);
INSERT INTO tracks (spotify_id, album_spotify_id, name, isrc, recording_key, track_number, created_at) VALUES
    ('t1' || repeat('0', 20), 'c' || repeat('0', 21), 'One', 'QZ1', 'isrc:QZ1', 1, '2026-01-02 10:02+00'),
    ('t2' || repeat('0', 20), 'c' || repeat('0', 21), 'Two', 'QZ2', 'isrc:QZ2', 2, '2026-01-02 10:02+00');
INSERT INTO producers (name, normalized_name, genius_id) VALUES ('Ann Lee', 'ann lee', 1), ('Bo Ray', 'bo ray', 2);
INSERT INTO track_producers (track_id, producer_id, source, role, confidence, genius_song_id, created_at)
SELECT t.id, p.id, 'genius', role, 0.95, 77, stored::timestamptz
FROM (VALUES ('Ann Lee', 'producer', '2026-01-02 10:05+00'), ('Bo Ray', 'co-producer', '2026-01-03 08:00+00')) AS c(name, role, stored)
JOIN producers p ON p.name = c.name JOIN tracks t ON t.name = 'One';
"""


def test_a_database_from_before_history_migrates_with_every_credit_kept_first_seen_when_stored(empty_database_url):
    # Given a database migrated before this change, with two credits stored on different days
    migrate_before(empty_database_url, FIRST_NEW)
    with psycopg.connect(empty_database_url, autocommit=True) as conn:
        conn.execute(OLD_CATALOG)
        before = conn.execute(CREDITS).fetchall()
    assert len(before) == 2

    # When it is migrated
    applied = migrations.migrate(empty_database_url)

    # Then every credit is kept, unchanged, first seen when it was stored
    assert applied and all(version >= FIRST_NEW for version in applied)
    with psycopg.connect(empty_database_url) as conn:
        assert conn.execute(CREDITS).fetchall() == before
        full = history.with_history(conn, report.build(empty_database_url, "Nova"))
        stored = {(name, role): seen for _, name, _, role, seen in before}
        shown = {(producer["name"], credit["role"]): credit["first_seen"]
                 for producer in full["producers"] for credit in producer["credits"]}
        assert shown == {key: seen.isoformat() for key, seen in stored.items()}
        assert full["ended_credits"] == []
        # And the changes since before the first credit count them new when they were stored
        changes = history.changes(conn, datetime.fromisoformat("2026-01-01T00:00:00+00:00"))
        new_credits = {(row["artist"], row["producer"]): row["changed_at"] for row in changes if row["kind"] == "new_credit"}
        assert new_credits == {(artist, name): seen for artist in ("Nova", "Guest") for (name, _), seen in stored.items()}
        # And the artist that was seeded is watched (its guest, never searched for, is not)
        watched = conn.execute("SELECT artist_spotify_id, watched_since FROM watched_artists").fetchall()
        assert [(spotify_id, since.isoformat()) for spotify_id, since in watched] == [
            ("a" + "0" * 21, "2026-01-02T10:00:00+00:00")]
        # And each recording is due its next check by its outcome: credited 90 days, uncredited 7
        rechecks = dict(conn.execute("SELECT recording_key, recheck_at - identified_at FROM recordings").fetchall())
        assert rechecks == {"isrc:QZ1": timedelta(days=90), "isrc:QZ2": timedelta(days=7)}
