"""One producer across their names, on the real schema: links with reasons, aliases, merges that
later credits follow, and splits that no rule undoes."""

from __future__ import annotations

import psycopg
import pytest

from discovery.catalog import identity, store
from discovery.catalog.credits import Credit

pytestmark = pytest.mark.integration

GENIUS = Credit("Gus Okafor", "producer", "genius", genius_id=501)
MB_SAME_NAME = Credit("Gus Okafor", "producer", "musicbrainz", musicbrainz_id="mb-gus")
MB_OTHER_NAME = Credit("G. Okafor", "producer", "musicbrainz", musicbrainz_id="mb-g")


def producer_of(database_url: str, credit: Credit) -> int:
    with psycopg.connect(database_url) as conn, conn.transaction():
        return store.upsert_producer(conn, credit)


def links(database_url: str, producer_id: int) -> list[dict]:
    with psycopg.connect(database_url) as conn:
        return identity.producer_aliases(conn, producer_id)["links"]


def test_the_same_identity_is_the_same_producer_and_the_first_link_says_where_it_came_from(database_url):
    first = producer_of(database_url, GENIUS)

    again = producer_of(database_url, GENIUS)

    assert first == again
    [link] = links(database_url, first)
    assert (link["source"], link["external_id"]) == ("genius", "501")
    assert link["reason"] == "first credited by Genius as 'Gus Okafor'"


def test_musicbrainz_under_the_same_name_links_to_the_genius_producer_and_says_why(database_url):
    genius = producer_of(database_url, GENIUS)

    musicbrainz = producer_of(database_url, MB_SAME_NAME)

    assert musicbrainz == genius
    reasons = {link["source"]: link["reason"] for link in links(database_url, genius)}
    assert reasons["musicbrainz"] == "same name as the Genius artist 'Gus Okafor'"


def test_a_genius_alternate_name_links_a_musicbrainz_artist_credited_under_it(database_url):
    genius = producer_of(database_url, GENIUS)
    with psycopg.connect(database_url) as conn, conn.transaction():
        identity.record_aliases(conn, genius, "genius", "501", ["G. Okafor"])

    musicbrainz = producer_of(database_url, MB_OTHER_NAME)

    assert musicbrainz == genius
    reasons = {link["source"]: link["reason"] for link in links(database_url, genius)}
    assert reasons["musicbrainz"] == "'G. Okafor' is a Genius alternate name of 'Gus Okafor'"


def test_aliases_learnt_later_merge_two_producers_and_the_credits_follow(database_url):
    # Given a Genius producer and a MusicBrainz producer under another name, each with a credit
    genius, musicbrainz = producer_of(database_url, GENIUS), producer_of(database_url, MB_OTHER_NAME)
    assert genius != musicbrainz
    with psycopg.connect(database_url) as conn, conn.transaction():
        # When MusicBrainz says the Genius name is an alias of its artist
        identity.lock(conn)
        identity.record_aliases(conn, musicbrainz, "musicbrainz", "mb-g", ["Gus Okafor"])
        merged = identity.link_by_names(conn, musicbrainz)
        survivor = identity.resolve(conn, musicbrainz)

    # Then they are one producer (the Genius one, where the socials come from), and say why
    assert merged == [musicbrainz] and survivor == genius
    reasons = {link["source"]: link["reason"] for link in links(database_url, genius)}
    assert reasons["musicbrainz"] == "MusicBrainz alias 'Gus Okafor' = Genius name 'Gus Okafor'"
    # And a later MusicBrainz credit of that artist goes to the one producer
    assert producer_of(database_url, MB_OTHER_NAME) == genius


def test_two_genius_artists_with_a_shared_alias_stay_two_people(database_url):
    first = producer_of(database_url, GENIUS)
    second = producer_of(database_url, Credit("Augustus Okafor", "producer", "genius", genius_id=502))
    with psycopg.connect(database_url) as conn, conn.transaction():
        identity.lock(conn)
        identity.record_aliases(conn, second, "genius", "502", ["Gus Okafor"])

        assert identity.link_by_names(conn, second) == []
        assert identity.resolve(conn, first) == first and identity.resolve(conn, second) == second


def test_a_split_separates_the_identities_and_no_rule_links_them_again(database_url):
    # Given a producer linked by name across sources
    genius = producer_of(database_url, GENIUS)
    assert producer_of(database_url, MB_SAME_NAME) == genius
    with psycopg.connect(database_url) as conn, conn.transaction():
        # When a person splits it
        identity.lock(conn)
        [separated] = identity.split(conn, genius)

    # Then the MusicBrainz identity is its own producer, and stays so when credited again
    assert producer_of(database_url, MB_SAME_NAME) == separated != genius
    with psycopg.connect(database_url) as conn, conn.transaction():
        identity.lock(conn)
        assert identity.link_by_names(conn, genius) == []
    [link] = links(database_url, separated)
    assert link["manual"] and link["reason"] == "split by hand from 'Gus Okafor'"


def test_a_manual_merge_moves_links_and_later_credits_follow_it(database_url):
    first = producer_of(database_url, GENIUS)
    other = producer_of(database_url, Credit("Someone Else", "producer", "musicbrainz", musicbrainz_id="mb-x"))
    with psycopg.connect(database_url) as conn, conn.transaction():
        identity.lock(conn)
        identity.merge(conn, first, other, "merged by hand: 'Someone Else' into 'Gus Okafor'", manual=True)

    assert producer_of(database_url, Credit("Someone Else", "producer", "musicbrainz", musicbrainz_id="mb-x")) == first
    with psycopg.connect(database_url) as conn:
        assert identity.resolve(conn, other) == first
    reasons = {link["source"]: (link["reason"], link["manual"]) for link in links(database_url, first)}
    assert reasons["musicbrainz"] == ("merged by hand: 'Someone Else' into 'Gus Okafor'", True)


def test_a_genius_identity_joining_a_musicbrainz_producer_by_alias_gives_it_the_genius_name(database_url):
    # Given a MusicBrainz producer whose aliases include the Genius name
    musicbrainz = producer_of(database_url, MB_OTHER_NAME)
    with psycopg.connect(database_url) as conn, conn.transaction():
        identity.record_aliases(conn, musicbrainz, "musicbrainz", "mb-g", ["Gus Okafor"])

    # When Genius credits that name
    genius = producer_of(database_url, GENIUS)

    # Then it is the same producer, now under the Genius name
    assert genius == musicbrainz
    with psycopg.connect(database_url) as conn:
        assert identity.producer_name(conn, genius) == "Gus Okafor"
    reasons = {link["source"]: link["reason"] for link in links(database_url, genius)}
    assert reasons["genius"] == "'Gus Okafor' is a MusicBrainz alias of 'G. Okafor'"


def test_a_credit_writer_waits_for_a_merge_before_it_takes_its_names_lock(database_url):
    import threading
    import time

    merging = psycopg.connect(database_url)
    identity.lock(merging)  # a merge holds the identity lock alone
    writer = psycopg.connect(database_url)
    written: list[int] = []
    thread = threading.Thread(target=lambda: written.append(store.upsert_producer(writer, GENIUS)))
    try:
        thread.start()
        time.sleep(0.5)
        with psycopg.connect(database_url, autocommit=True) as watcher:
            held = watcher.execute(
                "SELECT granted, mode FROM pg_locks WHERE locktype = 'advisory' AND pid = %s",
                (writer.info.backend_pid,),
            ).fetchall()
        # Waiting for the shared identity lock, and nothing else taken yet (not its name's lock).
        assert held == [(False, "ShareLock")]
    finally:
        merging.commit()
        thread.join(timeout=10)
        writer.commit()
        merging.close()
        writer.close()
    assert written and written[0] > 0
