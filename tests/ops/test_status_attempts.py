"""`discovery status` counts a waiting message as retrying by the attempts it spent (our count,
pgmq/attempts), not by PGMQ's read_ct: reads given back while an API was held are no failure."""

from __future__ import annotations

import json
from typing import ClassVar

import psycopg
import pytest

from discovery.exceptions import RateLimited, TransientError
from discovery.ops import status
from discovery.pgmq import queues
from discovery.pgmq.messages import ArtistDiscovery
from discovery.settings import Settings
from discovery.workers.base import BaseWorker, Transaction, process
from tests.ops.support import count, run_discovery

pytestmark = pytest.mark.integration

QUEUE = "artist_discovery"


class Raises(BaseWorker[ArtistDiscovery, str]):
    """Every delivery raises `error`."""

    queue = QUEUE
    error: ClassVar[BaseException] = TransientError("unset")

    def fetch(self, message: ArtistDiscovery) -> str:
        raise Raises.error

    def write(self, tx: Transaction, message: ArtistDiscovery, fetched: str) -> None:
        raise AssertionError("never reached")


def deliver(conn: psycopg.Connection, settings: Settings, msg_id: int, error: BaseException) -> str:
    """Read `msg_id` alone (the others stay hidden) and run it through a worker raising `error`."""
    conn.execute(f"UPDATE pgmq.q_{QUEUE} SET vt = now() + interval '1 hour' WHERE msg_id <> %s", (msg_id,))
    conn.execute(f"UPDATE pgmq.q_{QUEUE} SET vt = now() WHERE msg_id = %s", (msg_id,))
    [delivery] = queues.read(conn, QUEUE, 30, 1)
    assert delivery.msg_id == msg_id
    Raises.error = error
    return process(Raises, delivery, settings).status


def test_throttled_reads_are_not_retrying_and_one_real_failure_is(database_url: str, redis_url: str) -> None:
    settings = Settings(
        database_url=database_url, redis_url=redis_url, discovery_max_attempts=5, discovery_retry_base_s=0.01
    )
    with psycopg.connect(database_url, autocommit=True) as conn:
        held = int(conn.execute("SELECT start_artist_discovery('Held Four Times')").fetchone()[0])
        failed = int(conn.execute("SELECT start_artist_discovery('Held Then Failed')").fetchone()[0])

        # Given a waiting message read four times, each given back while Spotify's window was full
        for _ in range(4):
            assert deliver(conn, settings, held, RateLimited("spotify", 5)) == "throttled"
        assert count(conn, f"SELECT read_ct FROM pgmq.q_{QUEUE} WHERE msg_id = %s", held) == 4

        # Then status counts no message retrying: none spent an attempt
        assert status.collect(settings).queues[QUEUE].retrying == 0

        # Given another read twice while held, then once more with a real failure
        for _ in range(2):
            assert deliver(conn, settings, failed, RateLimited("spotify", 5)) == "throttled"
        assert deliver(conn, settings, failed, TransientError("upstream 503")) == "retried"

        # Then that one alone is retrying: both still wait, read 4 and 3 times; one spent an attempt
        assert count(conn, f"SELECT count(*) FROM pgmq.q_{QUEUE} WHERE msg_id IN (%s, %s)", held, failed) == 2
        assert status.collect(settings).queues[QUEUE].retrying == 1

    # and the command's JSON says the same
    result = run_discovery(database_url, redis_url, "status", "--json")
    assert result.stdout, result.stderr
    assert json.loads(result.stdout)["queues"][QUEUE]["retrying"] == 1
