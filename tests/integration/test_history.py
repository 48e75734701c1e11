"""A recording identified again writes history, not over it: a credit found again keeps when it
was first seen, a new one records when it appeared, one the source no longer lists is ended (with
when and why) and leaves the report but shows with its history; manual merges survive; the
recording's next check follows its age."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import psycopg
import pytest
from psycopg import sql

from discovery.catalog import graph, history, identity, producer_page, report, store
from discovery.catalog.credits import genius_credits
from discovery.catalog.outcomes import CREDITED_BY_GENIUS, GENIUS_WITHOUT_PRODUCTION_CREDITS
from discovery.pgmq import queues
from discovery.pgmq.messages import ProducerIdentification
from discovery.pgmq.migrations import role_of
from discovery.pgmq.queues import Delivery
from discovery.settings import Settings
from discovery.workers.base import Transaction
from discovery.workers.producer import Identified, ProducerWorker

pytestmark = pytest.mark.integration

ARTIST_ID = "a" * 22
ALBUM_ID = "b" * 22
KEY = "isrc:QZAAA2000001"
DAY = timedelta(days=1)


def song(*producers: tuple[int, str]) -> dict[str, Any]:
    return {"id": 77, "title": "First", "url": "https://genius.com/77", "primary_artist": {"name": "Nova"},
            "producer_artists": [{"id": genius_id, "name": name} for genius_id, name in producers]}


def given_a_track(database_url: str) -> None:
    with psycopg.connect(database_url) as conn, conn.transaction():
        store.upsert_artist(conn, {"id": ARTIST_ID, "name": "Nova"})
        album = {"id": ALBUM_ID, "name": "Debut", "release_date": "2020"}
        store.upsert_album(conn, album, ARTIST_ID, "album")
        store.link_album_artist(conn, album, ARTIST_ID)
        store.request_recordings(conn, {KEY: KEY[5:]})
        store.upsert_tracks(conn, ALBUM_ID, [store.track_row({"id": "t" * 22, "name": "First"}, KEY[5:], KEY)])


def identify(database_url: str, *producers: tuple[int, str]) -> None:
    """The producer worker's write for what Genius lists now (nobody: no production credit), with
    the rights the pools have (this database's worker role)."""
    credits = genius_credits(song(*producers))
    found = Identified(credits, 77, "genius" if credits else None,
                       CREDITED_BY_GENIUS if credits else GENIUS_WITHOUT_PRODUCTION_CREDITS, {})
    worker = ProducerWorker(Delivery("producer_identification", 1, 1, {}), Settings(database_url=database_url))
    message = ProducerIdentification(recordingKey=KEY, trackId="t" * 22, trackName="First", artistId=ARTIST_ID,
                                     artistName="Nova", refresh=True)
    with psycopg.connect(database_url) as conn, conn.transaction():
        conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role_of(conn))))
        tx = Transaction(conn)
        worker.write(tx, message, found)
        tx.flush()  # its downstream messages, as the delivery's commit sends them


def credited(database_url: str) -> set[str]:
    return {producer["name"] for producer in report.build(database_url, "Nova")["producers"]}


def test_a_credit_no_longer_listed_is_ended_and_shows_only_with_its_history(database_url):
    # Given a recording Genius credited to Ann and Bo, a while ago
    given_a_track(database_url)
    identify(database_url, (1, "Ann Lee"), (2, "Bo Ray"))
    with psycopg.connect(database_url, autocommit=True) as conn:
        for table in ("albums", "tracks", "producers", "track_producers"):
            conn.execute(f"UPDATE {table} SET created_at = now() - interval '30 days'")
        [first_seen] = {row[0] for row in conn.execute("SELECT created_at FROM track_producers")}

    # When it is identified again and Genius lists Ann and Cy
    identify(database_url, (1, "Ann Lee"), (3, "Cy Tan"))
    with psycopg.connect(database_url) as conn:
        asked = [d.message for d in queues.read(conn, "social_enrichment", 0, 10)]
    # (the new producer's socials are asked for as refresh work too: the refresh budget applies)
    assert [(m["producerName"], m.get("refresh")) for m in asked][-1] == ("Cy Tan", True)

    # Then the report shows Ann and Cy, not Bo
    assert credited(database_url) == {"Ann Lee", "Cy Tan"}
    with psycopg.connect(database_url) as conn:
        full = history.with_history(conn, report.build(database_url, "Nova"))
        changes = history.changes(conn, first_seen + DAY)
    # And Ann keeps when she was first seen; Cy appeared now
    seen = {producer["name"]: producer["credits"][0]["first_seen"] for producer in full["producers"]}
    assert seen["Ann Lee"] == first_seen.isoformat() and seen["Cy Tan"] > (first_seen + DAY).isoformat()
    # And Bo's credit is ended, with when it was first seen and why it ended
    [ended] = full["ended_credits"]
    assert (ended["producer"], ended["role"], ended["first_seen"]) == ("Bo Ray", "producer", first_seen.isoformat())
    assert ended["ended_because"] == "Genius song 77 no longer credits Bo Ray as producer"
    assert ended["ended_evidence"]["credited_now"] == ["Ann Lee", "Cy Tan"]
    # And it left search, Bo's page, the artist's producers and the graph, which keep Ann and Cy
    [bo] = producer_page.search(database_url, "Bo Ray", 5)
    assert bo["credits"] == 0 and producer_page.build(database_url, genius_id=2)["credits"] == []
    assert {row["name"] for row in producer_page.of_artist(database_url, "Nova")} == {"Ann Lee", "Cy Tan"}
    assert {data["label"] for _, data in graph.of_artist(database_url, "Nova").nodes(data=True)} == {
        "Nova", "Ann Lee", "Cy Tan"}
    # And the changes since then name the new credit and the ended one, nothing for Ann
    assert {(row["kind"], row["producer"]) for row in changes} == {("new_credit", "Cy Tan"), ("new_producer", "Cy Tan"),
                                                                  ("ended_credit", "Bo Ray")}


def test_a_page_that_loses_every_producer_ends_every_credit_and_a_returning_one_is_new_again(database_url):
    given_a_track(database_url)
    identify(database_url, (1, "Ann Lee"))

    identify(database_url)  # Genius lists nobody now
    assert credited(database_url) == set()
    identify(database_url, (1, "Ann Lee"))  # and Ann again later

    assert credited(database_url) == {"Ann Lee"}
    with psycopg.connect(database_url) as conn:
        [(ended_at, first_seen_now)] = conn.execute(
            "SELECT e.ended_at, tp.created_at FROM ended_credits e, track_producers tp").fetchall()
    assert first_seen_now >= ended_at


def test_a_manual_merge_survives_the_recording_being_identified_again(database_url):
    # Given Ann (Genius 1) and "A. Lee" (Genius 9) credited on the recording, merged by hand
    given_a_track(database_url)
    identify(database_url, (1, "Ann Lee"), (9, "A. Lee"))
    with psycopg.connect(database_url) as conn, conn.transaction():
        ann, alias = (conn.execute("SELECT id FROM producers WHERE genius_id = %s", (gid,)).fetchone()[0] for gid in (1, 9))
        identity.lock(conn)
        identity.merge(conn, ann, alias, "merged by hand", manual=True)

    # When Genius lists both again, and later only "A. Lee"
    identify(database_url, (1, "Ann Lee"), (9, "A. Lee"))
    assert credited(database_url) == {"Ann Lee"}
    identify(database_url, (9, "A. Lee"))

    # Then the merged producer keeps the credit; nothing was split apart or ended
    assert credited(database_url) == {"Ann Lee"}
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM producers").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM ended_credits").fetchone()[0] == 0


def test_ended_credits_follow_a_merge(database_url):
    given_a_track(database_url)
    identify(database_url, (1, "Ann Lee"), (9, "A. Lee"))
    identify(database_url, (1, "Ann Lee"))  # "A. Lee" ended
    with psycopg.connect(database_url) as conn, conn.transaction():
        ann, alias = (conn.execute("SELECT id FROM producers WHERE genius_id = %s", (gid,)).fetchone()[0] for gid in (1, 9))
        identity.lock(conn)
        identity.merge(conn, ann, alias, "merged by hand", manual=True)
        assert conn.execute("SELECT producer_id FROM ended_credits").fetchall() == [(ann,)]


def recheck_days(database_url: str) -> float:
    with psycopg.connect(database_url) as conn:
        return round(conn.execute(
            "SELECT extract(epoch FROM recheck_at - identified_at) / 86400 FROM recordings WHERE recording_key = %s",
            (KEY,)).fetchone()[0], 3)


def test_an_uncredited_recording_is_checked_after_7_14_28_days_up_to_180_and_a_credited_one_after_90(database_url):
    given_a_track(database_url)
    empty = []
    for _ in range(7):
        identify(database_url)
        empty.append(recheck_days(database_url))
    identify(database_url, (1, "Ann Lee"))
    credited_days = recheck_days(database_url)
    identify(database_url)

    assert empty == [7, 14, 28, 56, 112, 180, 180]
    assert credited_days == 90
    assert recheck_days(database_url) == 7  # found nobody again: the count starts over
    assert [history.recheck_after_s(False, n) / 86400 for n in range(7)] == empty
    assert history.recheck_after_s(True, 3) / 86400 == 90


def test_a_social_handle_the_source_no_longer_lists_is_ended_and_one_found_again_keeps_its_first_seen(database_url):
    # Given Ann credited, her Instagram handle found by Genius a while ago
    given_a_track(database_url)
    identify(database_url, (1, "Ann Lee"))
    with psycopg.connect(database_url, autocommit=True) as conn:
        [ann] = conn.execute("SELECT id FROM producers").fetchone()
        store.upsert_social(conn, ann, "instagram", "genius", handle="ann.beats")
        conn.execute("UPDATE producer_socials SET handle_since = now() - interval '30 days'")
        [since] = conn.execute("SELECT handle_since FROM producer_socials").fetchone()

        # When enrichment finds it again, then another handle, then none
        store.upsert_social(conn, ann, "instagram", "genius", handle="ann.beats")
        kept = conn.execute("SELECT handle_since FROM producer_socials").fetchone()[0]
        store.upsert_social(conn, ann, "instagram", "genius", handle="annlee")
        store.upsert_social(conn, ann, "instagram", "genius", handle=None)
        full = history.with_history(conn, report.build(database_url, "Nova"))

    # Then the first keeps when it was first seen, and both ended handles are kept with why
    assert kept == since
    assert [(e["handle"], e["ended_because"]) for e in full["ended_socials"]] == [
        ("annlee", "genius no longer lists annlee"), ("ann.beats", "genius lists annlee instead of ann.beats")]
    assert full["ended_socials"][1]["first_seen"] == since.isoformat()
    assert full["producers"][0]["socials"]["instagram"] is None
