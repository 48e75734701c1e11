"""The in-flight ceiling follows the workers online: adding a worker adds capacity."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from discovery.local.processes import CELERY
from discovery.runtime import capacity
from discovery.settings import Settings
from tests.support.processes import running, service_env, wait_for

pytestmark = pytest.mark.integration


def start_artists_worker(procs, node: str, concurrency: int):  # type: ignore[no-untyped-def]
    name = f"worker-{node}"
    proc = procs.start(
        name,
        CELERY + ["worker", "-Q", "artists", "-n", f"{node}@%h", "-c", str(concurrency),
                  "--loglevel", "INFO", "--without-mingle", "--without-gossip"],
    )
    procs.wait_ready(name, proc)
    return proc


def test_a_second_worker_doubles_the_ceiling_and_a_stopped_one_gives_it_back(
    tmp_path: Path, database_url: str, redis_url: str
) -> None:
    settings = Settings(database_url=database_url, redis_url=redis_url)
    client = redis.Redis.from_url(redis_url)
    ceiling = lambda: capacity.max_in_flight(client, "artist_discovery", settings)  # noqa: E731
    env = service_env(DATABASE_URL=database_url, REDIS_URL=redis_url)

    with running(tmp_path, env) as procs:
        assert ceiling() == 0  # nobody to run the work: the bridge hands nothing out

        first = start_artists_worker(procs, "artists-a", concurrency=2)
        assert ceiling() == 2 * settings.discovery_in_flight_per_process

        start_artists_worker(procs, "artists-b", concurrency=3)
        assert ceiling() == 5 * settings.discovery_in_flight_per_process
        assert capacity.max_in_flight(client, "album_discovery", settings) == 0  # other pools unchanged

        first.terminate()
        first.wait(timeout=30)
        wait_for(lambda: ceiling() == 3 * settings.discovery_in_flight_per_process, 10, "the ceiling to drop")


def test_a_fixed_ceiling_overrides_the_workers_online(redis_url: str) -> None:
    settings = Settings(redis_url=redis_url, discovery_max_in_flight=7)
    assert capacity.max_in_flight(redis.Redis.from_url(redis_url), "artist_discovery", settings) == 7
