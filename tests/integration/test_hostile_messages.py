"""Hostile messages on real PGMQ and Redis: one nested thousands deep, or megabytes long, goes to
its DLQ with a reason naming the bound, once, while its batch-mates are dispatched; what is
dispatched carries only its model's fields (unknown keys stay in PGMQ, out of the broker); and
any batch of JSON (hypothesis) is handed on or dead-lettered, none lost."""

from __future__ import annotations

import json

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discovery.pgmq.queues import Delivery
from discovery.runtime import bridge
from discovery.settings import Settings

pytestmark = pytest.mark.integration

STAGED = "artist_discovery=tests.support.workers:StagedArtistWorker"


def settings_for(database_url: str, redis_url: str) -> Settings:
    return Settings(
        database_url=database_url, redis_url=redis_url, discovery_workers=STAGED,
        discovery_batch_size=10, discovery_max_in_flight=100,
    )


def send_raw(database_url: str, texts: list[str]) -> list[int]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        return [
            conn.execute("SELECT * FROM pgmq.send('artist_discovery', %s::jsonb)", (text,)).fetchone()[0]
            for text in texts
        ]


def dead_letters(database_url: str) -> list[tuple[int, str, str]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT (message->>'source_msg_id')::bigint, message->>'error_type', message->>'reason'"
            " FROM pgmq.q_artist_discovery_dlq ORDER BY msg_id"
        ).fetchall()


def issues(database_url: str) -> list[tuple[int, str, int]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT msg_id, error_type, octet_length(payload::text) FROM worker_issues"
            " WHERE queue = 'artist_discovery' ORDER BY id"
        ).fetchall()


def nested(depth: int) -> str:
    return '{"artistName": "Deep", "x": ' + "[" * depth + "]" * depth + "}"


def test_a_message_nested_3000_deep_is_dead_lettered_while_its_batch_mates_are_dispatched(database_url, redis_url):
    # Given a message nested 3,000 deep between three real artists
    first, poison, *rest = send_raw(database_url, [
        '{"artistName": "Artist 1"}', nested(3000), '{"artistName": "Artist 2"}', '{"artistName": "Artist 3"}',
    ])
    dispatched: list[Delivery] = []

    # When the bridge runs once
    run = bridge.run("artist_discovery", settings_for(database_url, redis_url), dispatched.append)

    # Then the three artists are handed on and the poison message is in the DLQ, naming the bound
    assert sorted(d.msg_id for d in dispatched) == sorted([first, *rest])
    assert (run.read, run.dispatched, run.dead_lettered) == (4, 3, 1)
    [(source, error_type, reason)] = dead_letters(database_url)
    assert (source, error_type) == (poison, "InvalidMessage")
    assert "nests 3001 deep; at most 32" in reason and "DISCOVERY_MAX_MESSAGE_DEPTH" in reason
    # recorded once, without a copy of the message
    assert [(msg_id, kind) for msg_id, kind, _ in issues(database_url)] == [(poison, "InvalidMessage")]
    assert issues(database_url)[0][2] < 100
    # and a second run finds nothing: the queue is not stalled by it
    again = bridge.run("artist_discovery", settings_for(database_url, redis_url), dispatched.append)
    assert (again.read, len(dispatched)) == (0, 3)


def test_an_oversized_message_is_dead_lettered_and_unknown_keys_are_not_carried_to_the_broker(
    database_url, redis_url
):
    # Given a message with a 2 MB unknown key, and a small one with a small unknown key
    huge, small = send_raw(database_url, [
        json.dumps({"artistName": "Huge", "padding": "x" * 2_000_000}),
        json.dumps({"artistName": "Small", "note": "ignored"}),
    ])
    dispatched: list[Delivery] = []

    # When the bridge runs
    run = bridge.run("artist_discovery", settings_for(database_url, redis_url), dispatched.append)

    # Then the huge one is dead-lettered naming the byte bound, recorded once without its payload
    [(source, error_type, reason)] = dead_letters(database_url)
    assert (source, error_type) == (huge, "InvalidMessage")
    assert "at most 65536 are allowed (DISCOVERY_MAX_MESSAGE_BYTES)" in reason
    [(issue_msg_id, _, payload_bytes)] = issues(database_url)
    assert issue_msg_id == huge and payload_bytes < 100
    # and the small one is handed on with its model's fields only
    assert run.dispatched == 1
    [delivery] = dispatched
    assert (delivery.msg_id, delivery.message) == (small, {"artistName": "Small"})
    # while the original, unknown key and all, stays in PGMQ's archive once processed (not lost)
    with psycopg.connect(database_url) as conn:
        [(kept,)] = conn.execute("SELECT message FROM pgmq.a_artist_discovery WHERE msg_id = %s", (huge,)).fetchall()
    assert len(kept["padding"]) == 2_000_000


json_leaves = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(blacklist_characters="\x00"), max_size=30)
)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["artistName", "artistId", "x"]) | st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)
texts = json_values.map(json.dumps) | st.integers(1, 4000).map(nested) | st.just('{"artistName": "Real One"}')


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(texts, min_size=1, max_size=5))
def test_any_batch_of_json_is_each_dispatched_or_dead_lettered_and_none_is_lost(database_url, redis_url, batch):
    # Given any batch of JSON messages on the entry queue
    sent = send_raw(database_url, batch)
    dispatched: list[Delivery] = []

    # When the bridge runs
    bridge.run("artist_discovery", settings_for(database_url, redis_url), dispatched.append)

    # Then each message was handed on or dead-lettered, exactly one of the two, and none is left behind
    dead = {source for source, _, _ in dead_letters(database_url)} & set(sent)
    handed = {delivery.msg_id for delivery in dispatched} & set(sent)
    assert handed | dead == set(sent) and not handed & dead
    with psycopg.connect(database_url) as conn:
        visible = conn.execute(
            "SELECT count(*) FROM pgmq.q_artist_discovery WHERE msg_id = ANY(%s) AND vt <= clock_timestamp()", (sent,)
        ).fetchone()[0]
    assert visible == 0


def test_a_dead_lettered_message_nested_3000_deep_is_listed_with_its_reason_and_never_replayed(
    database_url, redis_url
):
    # Given the nested message dead-lettered by the bridge
    [poison] = send_raw(database_url, [nested(3000)])
    bridge.run("artist_discovery", settings_for(database_url, redis_url), lambda delivery: None)

    # When the operator lists and replays the DLQ
    from discovery.ops import dlq

    with psycopg.connect(database_url, autocommit=True) as conn:
        [letter] = dlq.list_dead(conn, "artist_discovery")
        replayed = dlq.replay(conn, "artist_discovery")

    # Then it is listed with its reason (its body held back), and stays in the DLQ rather than being
    # sent again to be refused again
    assert (letter.source_msg_id, letter.message) == (poison, None)
    assert "nests 3001 deep" in letter.reason
    assert [item.new_msg_id for item in replayed] == [None]
    assert [source for source, _, _ in dead_letters(database_url)] == [poison]
