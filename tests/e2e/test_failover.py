"""A Postgres failover mid-run: every backend of the project's database terminated. The catalog
still finishes, as the answer key says, within 1.5x the time of a clean run measured in the same
test run, side by side (tests/support/side_by_side), each with its own database, Redis pair and
sandbox."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from discovery.ops import seeding
from discovery.proving import answer_key, chaos
from discovery.proving.soak import wait_until_drained
from discovery.sandbox.generator import generate_catalog
from tests.support.processes import pipeline_env, running
from tests.support.side_by_side import side_by_side, wait_for_tracks

CATALOG = generate_catalog(artists=40, albums=2, tracks=4, seed=5, long_album_tracks=0)
# The fault comes once a third of the catalog's tracks are stored: every stage is busy then.
FAULT_AT_TRACKS = len(CATALOG[1]["tracks"]) // 3


def terminate_when_a_third_is_stored(database_url: str, deadline: float, fault: list[str]) -> None:
    wait_for_tracks(database_url, FAULT_AT_TRACKS, deadline)
    fault.append(chaos.terminate_every_connection(database_url))


def discover_catalog(log_dir: Path, database_url: str, redis_url: str, sandbox_url: str, with_fault: bool):
    """Run beat and the five pools on `database_url`, seed every artist, wait until drained;
    returns (seconds, what the fault did). With a fault, every backend is terminated a third in."""
    catalog, truth = CATALOG
    log_dir.mkdir()
    env = pipeline_env(
        database_url, redis_url, sandbox_url,
        # Both runs alike: a failed attempt comes back within a couple of seconds.
        DISCOVERY_RETRY_BASE_S="1",
        # (The sandbox in extended mode: in Development Mode the runs were shorter and a
        # recovery's fixed cost a larger share.)
    )
    fault: list[str] = []
    with running(log_dir, env) as procs:
        procs.beat()
        procs.all_pools(concurrency=2)
        started = time.monotonic()
        for artist in truth["artists"]:
            seeding.start(database_url, artist["name"])
        if with_fault:
            threading.Thread(target=terminate_when_a_third_is_stored, args=(database_url, started + 60, fault)).start()
        drained = wait_until_drained(database_url, started + 180, busy=lambda: with_fault and not fault,
                                     polls=2, poll_s=0.25)
        seconds = time.monotonic() - started
        assert drained, procs.logs()[-5000:]
    assert answer_key.differences(database_url, catalog, truth) == []
    return seconds, fault


def test_after_every_backend_is_terminated_mid_run_the_catalog_finishes_within_1_5x_a_clean_run(
    tmp_path, make_database, redis_url, second_redis_url, sandbox_factory
):
    catalog, _ = CATALOG
    # Given a clean run of the catalog and, beside it, the same catalog on a database of its own
    # whose every backend is terminated once a third of the tracks are stored
    clean_url, failover_url = make_database(), make_database()
    clean_api, failover_api = (sandbox_factory(catalog, spotify_mode="extended").url for _ in range(2))
    (clean_s, _), (failed_s, fault) = side_by_side(
        lambda: discover_catalog(tmp_path / "clean", clean_url, redis_url, clean_api, False),
        lambda: discover_catalog(tmp_path / "failover", failover_url, second_redis_url, failover_api, True),
    )

    # Then connections were cut, everything was found, and it cost at most half again the time
    assert fault and fault[0].startswith("terminated ") and not fault[0].startswith("terminated 0 ")
    print(f"clean run {clean_s:.1f}s; beside it, with every backend terminated ({fault[0]}): {failed_s:.1f}s")
    assert failed_s <= 1.5 * clean_s, f"clean {clean_s:.1f}s, after the failover {failed_s:.1f}s"
