"""Backpressure end to end: a generated catalog seeded at once against a Spotify limit tight
enough that the shared window stays full for more than 30 s, while three pool processes per
worker type compete, with DISCOVERY_MAX_ATTEMPTS=2. Waiting on the limiter is not failure:
every message is archived, nothing is dead-lettered, no attempt is spent on throttling, the
upstream almost never answers 429, and the run takes little longer than the limit itself
allows (calls needed / allowed rate)."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from discovery.clients.ratelimit import Rate, SharedRateLimit
from discovery.ops import progress, seeding
from discovery.sandbox.generator import generate_catalog
from discovery.settings import QUEUES
from tests.e2e.test_pipeline import check_against_truth

pytestmark = pytest.mark.integration

SPOTIFY = Rate(10, 5)  # requests per seconds: 2 per second
SAMPLE_EVERY_S = 0.25


class WindowSampler(threading.Thread):
    """Seconds during which the shared Spotify window was full (all but one slot taken)."""

    def __init__(self, redis_url: str) -> None:
        super().__init__(daemon=True)
        self.limit = SharedRateLimit("spotify", SPOTIFY, redis_url)
        self.full_s = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_EVERY_S):
            if self.limit.used() >= SPOTIFY.requests - 1:
                self.full_s += SAMPLE_EVERY_S


def counts(database_url: str, sql: str) -> dict[str, int]:
    with psycopg.connect(database_url) as conn:
        return {row[0]: int(row[1]) for row in conn.execute(sql)}


def test_a_full_rate_window_for_30_seconds_dead_letters_nothing_and_costs_only_the_wait(start_pipeline):
    catalog, truth = generate_catalog(artists=16, albums=2, tracks=4, seed=11, long_album_tracks=0)
    pipeline = start_pipeline(
        catalog,
        # (Spotify's Development Mode, the sandbox's default: auto mode switches itself)
        concurrency=3,
        # the upstream's own window is the same as ours
        rate={"spotify": (SPOTIFY.requests, SPOTIFY.per_s)},
        env={
            "DISCOVERY_RATE_LIMITS": f"spotify={SPOTIFY},genius=200/1,musicbrainz=200/1,instagram=200/1",
            "DISCOVERY_MAX_ATTEMPTS": "2",
        },
    )
    names = [artist["name"] for artist in truth["artists"]]
    sampler = WindowSampler(pipeline.redis_url)

    # When every artist is seeded at once
    started = time.monotonic()
    seeds = [progress.Seeded(seeding.start(pipeline.database_url, name), name) for name in names]
    sampler.start()
    with open(pipeline.procs.log_dir / "follow.log", "a") as out:
        last = progress.follow(pipeline.database_url, pipeline.redis_url, seeds, out=out, poll_s=0.5, timeout_s=150)
    elapsed_s = time.monotonic() - started
    sampler.done.set()

    # Then every artist is done, exactly as the answer key says, and nothing is dead-lettered
    assert [item.stage for item in last] == ["done"] * len(names), [item.line() for item in last]
    check_against_truth(pipeline, catalog, truth)
    dead = {queue: n for queue, n in counts(
        pipeline.database_url,
        " UNION ALL ".join(f"SELECT '{q}', count(*) FROM pgmq.q_{q}_dlq" for q in QUEUES),
    ).items() if n}
    assert dead == {}
    waiting = counts(pipeline.database_url, " UNION ALL ".join(f"SELECT '{q}', count(*) FROM pgmq.q_{q}" for q in QUEUES))
    assert sum(waiting.values()) == 0, waiting

    # The window was full for at least 30 s, and throttled tasks went back without spending attempts
    assert sampler.full_s >= 30, f"the window was full for only {sampler.full_s:.1f}s"
    outcomes = counts(pipeline.database_url, "SELECT outcome, count(*) FROM queue_metrics WHERE kind = 'task' GROUP BY outcome")
    issues = counts(pipeline.database_url, "SELECT error_type || ': ' || message, count(*) FROM worker_issues GROUP BY 1")
    assert outcomes.get("retried", 0) == 0 and outcomes.get("dead_lettered", 0) == 0, (outcomes, issues)
    assert all(issue.startswith("AmbiguousArtist") for issue in issues), issues
    # every read of every message was either its one attempt (archived) or a throttled give-back
    reads = sum(counts(pipeline.database_url, " UNION ALL ".join(
        f"SELECT '{q}', coalesce(sum(read_ct), 0) FROM pgmq.a_{q}" for q in QUEUES)).values())
    assert reads == outcomes["archived"] + outcomes.get("throttled", 0), (reads, outcomes)

    # The upstream answered 429 to at most 1% of the requests
    spotify = pipeline.sandbox.stats()["spotify"]
    calls = int(spotify["requests"]) - int(spotify["endpoints"].get("token", {}).get("requests", 0))
    assert int(spotify["429"]) <= 0.01 * calls, spotify

    # And the run took at most 1.3x what the limit allows for the calls it needed
    bound_s = calls / (SPOTIFY.requests / SPOTIFY.per_s)
    print(f"\nspotify calls {calls}, bound {bound_s:.1f}s, run {elapsed_s:.1f}s "
          f"({elapsed_s / bound_s:.2f}x), window full {sampler.full_s:.1f}s, outcomes {outcomes}, "
          f"429s {spotify['429']}")
    assert elapsed_s <= 1.3 * bound_s, f"{elapsed_s:.1f}s for {calls} calls (bound {bound_s:.1f}s)"
