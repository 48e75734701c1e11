"""A small discovered catalog written through the store, for the operator commands' tests."""

from __future__ import annotations

import psycopg

from discovery.catalog import store
from discovery.catalog.credits import genius_credits
from discovery.catalog.genius_match import match_genius
from discovery.catalog.outcomes import Looked, decide

ARTIST_ID = "a" * 22
ALBUM_ID = "b" * 22
SONG = {"id": 77, "title": "First", "url": "https://genius.com/77", "primary_artist": {"name": "Nova"},
        "producer_artists": [{"id": 5, "name": "Ann Lee"}]}


def write_catalog(database_url: str) -> None:
    """Nova: "First" identified (credited by Genius), "Second" not identified yet."""
    with psycopg.connect(database_url) as conn, conn.transaction():
        store.upsert_artist(conn, {"id": ARTIST_ID, "name": "Nova"})
        album = {"id": ALBUM_ID, "name": "Debut", "release_date": "2020"}
        store.upsert_album(conn, album, ARTIST_ID, "album")
        store.link_album_artist(conn, album, ARTIST_ID)  # as the album worker does
        keys = {f"isrc:QZAAA2000000{number}": title for number, title in enumerate(("First", "Second"), start=1)}
        store.request_recordings(conn, {key: key[5:] for key in keys})
        store.upsert_tracks(conn, ALBUM_ID, [
            store.track_row({"id": key[-1] * 22, "name": title, "track_number": int(key[-1])}, key[5:], key)
            for key, title in keys.items()
        ])
        [credit] = genius_credits(SONG)
        store.lock_recording(conn, "isrc:QZAAA20000001")
        producer_id = store.upsert_producer(conn, credit)
        store.credit_recording(conn, "isrc:QZAAA20000001", producer_id, credit)
        store.mark_recording_identified(conn, "isrc:QZAAA20000001", 77, "genius")
        outcome, detail = decide(Looked(match_genius([SONG], "First", "Nova"), genius_credits=1))
        store.record_outcome(conn, "isrc:QZAAA20000001", outcome, detail)
