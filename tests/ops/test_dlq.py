"""`discovery dlq list / replay / purge` against the real PGMQ: nothing is ever deleted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from discovery.exceptions import RateLimited, TransientError
from discovery.ops import dlq
from discovery.settings import Settings
from tests.ops.support import count, dead_letter, run_discovery
from tests.ops.test_status_attempts import deliver
from tests.support.processes import running, staged_artist_env, wait_for
from tests.support.workers import CREATE_EFFECTS_TABLE

pytestmark = pytest.mark.integration

MESSAGE = {"artistId": "c" * 22, "offset": 0}


@pytest.fixture
def db(database_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        yield conn


def in_work_queue(db: psycopg.Connection, queue: str) -> list[dict]:
    return [row[0] for row in db.execute(f"SELECT message FROM pgmq.q_{queue}").fetchall()]


def test_list_shows_message_reason_attempts_and_first_and_last_failure(
    db: psycopg.Connection, database_url: str, redis_url: str
) -> None:
    dead_letter(
        db, "album_discovery", MESSAGE, error_type="NotFound", reason="artist gone", failures=3
    )
    dead_letter(db, "track_discovery", {"albumId": "d" * 22})

    [found] = dlq.list_dead(db, "album_discovery")
    assert found.message == MESSAGE
    assert (found.error_type, found.reason) == ("NotFound", "artist gone")
    assert found.attempts == 0  # dead-lettered straight from the queue, never read
    assert found.first_failure_at is not None and found.last_failure_at is not None
    assert found.first_failure_at <= found.last_failure_at
    assert len(dlq.list_dead(db)) == 2

    result = run_discovery(database_url, redis_url, "dlq", "list", "album_discovery", "--json")
    assert result.returncode == 0, result.stderr
    [listed] = json.loads(result.stdout)
    assert listed["message"] == MESSAGE and listed["reason"] == "artist gone"
    text = run_discovery(database_url, redis_url, "dlq", "list")
    assert "NotFound: artist gone" in text.stdout and "track_discovery" in text.stdout


def test_list_shows_the_attempts_spent_not_counting_reads_given_back_while_throttled(
    db: psycopg.Connection, database_url: str, redis_url: str
) -> None:
    # Given an artist message read four times: throttled, failed, throttled, failed again, with
    # DISCOVERY_MAX_ATTEMPTS=2, so its fourth read was its second attempt and dead-lettered it
    settings = Settings(
        database_url=database_url, redis_url=redis_url, discovery_max_attempts=2, discovery_retry_base_s=0.01
    )
    msg_id = count(db, "SELECT start_artist_discovery('Throttled Twice')")
    outcomes = [
        deliver(db, settings, msg_id, error)
        for error in (RateLimited("spotify", 1), TransientError("first 503"), RateLimited("spotify", 1),
                      TransientError("second 503"))
    ]
    assert outcomes == ["throttled", "retried", "throttled", "dead_lettered"]
    assert count(db, "SELECT (message->>'read_ct')::int FROM pgmq.q_artist_discovery_dlq") == 4

    # Then `dlq list` shows 2 attempts, not its 4 reads
    [found] = dlq.list_dead(db, "artist_discovery")
    assert found.attempts == 2
    assert found.reason == "gave up after 2 attempts; last error: TransientError: second 503"
    result = run_discovery(database_url, redis_url, "dlq", "list", "artist_discovery", "--json")
    assert result.returncode == 0, result.stderr
    [listed] = json.loads(result.stdout)
    assert listed["attempts"] == 2
    text = run_discovery(database_url, redis_url, "dlq", "list", "artist_discovery")
    assert "2 attempt(s)" in text.stdout


def test_replaying_twice_sends_the_message_back_once_and_archives_the_dead_letter(
    db: psycopg.Connection, database_url: str, redis_url: str
) -> None:
    # Given a dead letter
    dlq_id = dead_letter(db, "album_discovery", MESSAGE)

    # When it is replayed twice, by the command
    first = run_discovery(
        database_url, redis_url, "dlq", "replay", "album_discovery", "--id", str(dlq_id)
    )
    second = run_discovery(
        database_url, redis_url, "dlq", "replay", "album_discovery", "--id", str(dlq_id)
    )

    # Then the work queue holds it once, unread (attempts reset), and the DLQ archive keeps it
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "replayed to album_discovery as msg" in first.stdout
    assert "already replayed or purged" in second.stdout
    assert in_work_queue(db, "album_discovery") == [MESSAGE]
    assert count(db, "SELECT count(*) FROM pgmq.q_album_discovery WHERE read_ct = 0") == 1
    assert count(db, "SELECT count(*) FROM pgmq.q_album_discovery_dlq") == 0
    assert (
        count(db, "SELECT count(*) FROM pgmq.a_album_discovery_dlq WHERE msg_id = %s", dlq_id) == 1
    )


def test_replay_all_sends_every_dead_letter_of_that_queue_only(db: psycopg.Connection) -> None:
    dead_letter(db, "album_discovery", {"artistId": "e" * 22, "offset": 0})
    dead_letter(db, "album_discovery", {"artistId": "f" * 22, "offset": 0})
    dead_letter(db, "track_discovery", {"albumId": "g" * 22})

    replayed = dlq.replay(db, "album_discovery")
    again = dlq.replay(db, "album_discovery")

    assert len(replayed) == 2 and all(r.new_msg_id for r in replayed)
    assert again == []
    assert len(in_work_queue(db, "album_discovery")) == 2
    assert count(db, "SELECT count(*) FROM pgmq.q_track_discovery_dlq") == 1


def test_replay_needs_ids_or_all(database_url: str, redis_url: str) -> None:
    result = run_discovery(database_url, redis_url, "dlq", "replay", "album_discovery")
    assert result.returncode == 2 and "--id" in result.stderr
    unknown = run_discovery(database_url, redis_url, "dlq", "replay", "nope", "--all")
    assert unknown.returncode == 2 and "unknown queue" in unknown.stderr


def test_purge_archives_only_dead_letters_older_than_asked(
    db: psycopg.Connection, database_url: str, redis_url: str
) -> None:
    old = dead_letter(db, "social_enrichment", {"producerId": 1})
    recent = dead_letter(db, "social_enrichment", {"producerId": 2})
    db.execute(
        "UPDATE pgmq.q_social_enrichment_dlq SET enqueued_at = now() - interval '8 days' "
        "WHERE msg_id = %s",
        (old,),
    )

    result = run_discovery(
        database_url, redis_url, "dlq", "purge", "social_enrichment", "--older-than", "7d"
    )

    assert result.returncode == 0, result.stderr
    assert "archived 1 dead letter" in result.stdout
    assert [d.msg_id for d in dlq.list_dead(db, "social_enrichment")] == [recent]
    assert (
        count(db, "SELECT count(*) FROM pgmq.a_social_enrichment_dlq WHERE msg_id = %s", old) == 1
    )
    assert in_work_queue(db, "social_enrichment") == []


def test_a_replayed_message_whose_cause_was_fixed_is_processed_once(
    tmp_path: Path, db: psycopg.Connection, database_url: str, redis_url: str
) -> None:
    # Given an artist message dead-lettered for a cause since fixed, replayed twice
    db.execute(CREATE_EFFECTS_TABLE)
    dlq_id = dead_letter(
        db, "artist_discovery", {"artistName": "Fixed Artist"}, error_type="UpstreamUnavailable"
    )
    dlq.replay(db, "artist_discovery", [dlq_id])
    dlq.replay(db, "artist_discovery", [dlq_id])

    # When the pipeline runs
    env = staged_artist_env(database_url, redis_url)
    with running(tmp_path, env) as procs:
        procs.worker("artists", concurrency=2)
        procs.beat()
        wait_for(
            lambda: count(db, "SELECT count(*) FROM pgmq.q_artist_discovery") == 0,
            60,
            "the replay done",
        )

    # Then it had one effect
    assert count(db, "SELECT count(*) FROM test_effects WHERE name = 'Fixed Artist'") == 1
