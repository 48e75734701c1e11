"""A wrong GENIUS_ACCESS_TOKEN is a cluster-wide hold, not a message problem: nothing is
dead-lettered, `discovery status` fails naming Genius, and once the pools restart with the right
token the catalog finishes exactly as its answer key says."""

from __future__ import annotations

import json

import psycopg
import pytest
import redis

from discovery.clients.breakers import read_hold
from discovery.ops import progress, seeding
from tests.e2e.test_pipeline import check_against_truth, demo_files
from tests.ops.support import run_discovery
from tests.support.processes import running, wait_for

pytestmark = pytest.mark.integration

RIGHT_TOKEN = "the-right-genius-token"
RECHECK_S = 3


def waiting(database_url: str, queue: str) -> int:
    with psycopg.connect(database_url) as conn:
        return int(conn.execute(f"SELECT count(*) FROM pgmq.q_{queue}").fetchone()[0])


def genius_hold(redis_url: str) -> str | None:
    hold = read_hold(redis.Redis.from_url(redis_url), "genius")
    return None if hold is None else hold.kind


def test_a_wrong_genius_token_dead_letters_nothing_and_the_fixed_token_finishes_the_catalog(start_pipeline, tmp_path):
    catalog, truth = demo_files()
    pipeline = start_pipeline(
        None,
        credentials={"genius": {"token": RIGHT_TOKEN}},  # the sandbox accepts only the right one
        env={"GENIUS_ACCESS_TOKEN": "a-typo-in-the-token", "DISCOVERY_CREDENTIAL_RECHECK_S": str(RECHECK_S)},
    )
    names = [artist["name"] for artist in truth["artists"]]
    seeds = [progress.Seeded(seeding.start(pipeline.database_url, name), name) for name in names]

    # Given Genius refuses the token: the producers wait behind a credential hold
    wait_for(lambda: genius_hold(pipeline.redis_url) == "credential", 60, "the Genius credential hold")
    wait_for(lambda: waiting(pipeline.database_url, "producer_identification") > 0, 60, "producer work to wait")
    wait_for(lambda: "credential_refused" in pipeline.procs.logs() and pipeline.procs.logs().count("credential_refused") >= 2,
             4 * RECHECK_S + 30, "a recheck refused again")

    # Then nothing is dead-lettered, and status fails naming Genius and the setting to check
    assert pipeline.dead_letters() == []
    result = run_discovery(pipeline.database_url, pipeline.redis_url, "status", "--json")
    assert result.returncode == 1
    attention = json.loads(result.stdout)["attention"]
    assert any("Genius refused the access token: check GENIUS_ACCESS_TOKEN" in item for item in attention), attention
    assert "Genius refused the access token: check GENIUS_ACCESS_TOKEN" in pipeline.procs.logs()
    # and coverage counts every track found so far as not attempted yet, none as uncredited
    held = run_discovery(pipeline.database_url, pipeline.redis_url, "coverage", "--format", "json")
    tracks = json.loads(held.stdout)["tracks"]
    assert tracks and {track["outcome"] for track in tracks} == {"not_attempted"}, tracks

    # When the pools restart with the right token
    fixed_env = dict(pipeline.procs.env, GENIUS_ACCESS_TOKEN=RIGHT_TOKEN)
    pipeline.procs.stop()
    (tmp_path / "fixed").mkdir()
    with running(tmp_path / "fixed", fixed_env) as procs:
        procs.beat()
        procs.all_pools(concurrency=2)
        with open(tmp_path / "fixed" / "follow.log", "a") as out:
            last = progress.follow(pipeline.database_url, pipeline.redis_url, seeds, out=out, poll_s=0.5, timeout_s=120)

        # Then the catalog finishes as its answer key says, with nothing dead-lettered
        assert [item.stage for item in last] == ["done"] * len(names), [item.line() for item in last]
        check_against_truth(pipeline, catalog, truth)
        assert pipeline.dead_letters() == []
        assert genius_hold(pipeline.redis_url) is None
        healthy = run_discovery(pipeline.database_url, pipeline.redis_url, "status", "--json")
        assert not any("refused" in item for item in json.loads(healthy.stdout)["attention"])
