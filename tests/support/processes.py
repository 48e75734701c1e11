"""Real Celery processes (workers and beat) for integration tests, always stopped afterwards."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from discovery.local import processes
from discovery.local.processes import Supervisor

REPO_ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], Any], timeout_s: float, what: str, every_s: float = 0.1) -> Any:
    """Poll until `condition()` is truthy; fail the test naming `what` after `timeout_s`."""
    try:
        return processes.wait_for(condition, timeout_s, what, every_s)
    except TimeoutError as error:
        raise AssertionError(str(error)) from None


# Pools refuse to start without the credentials their APIs need (runtime/startup.py); tests
# that start pools get placeholders unless they set their own (or "" to have none).
PLACEHOLDER_CREDENTIALS = {
    "SPOTIFY_CLIENT_ID": "test-client",
    "SPOTIFY_CLIENT_SECRET": "test-secret",
    "GENIUS_ACCESS_TOKEN": "test-token",
    "INSTAGRAM_API_KEY": "test-key",
    # Pools that would call the real musicbrainz.org refuse to start without a real contact.
    "MUSICBRAINZ_CONTACT": "tests@discovery.invalid",
}


def service_env(**overrides: str) -> dict[str, str]:
    env = {**PLACEHOLDER_CREDENTIALS, **os.environ}
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.update(overrides)
    return env


# The pipeline's limits in tests: generous, so that only a test's own limits bind.
TEST_RATE_LIMITS = "spotify=1000/30,genius=200/1,musicbrainz=200/1,instagram=200/1"


def pipeline_env(database_url: str, redis_url: str, api_base: str, **overrides: str) -> dict[str, str]:
    """Environment for beat and the five pools against the sandbox at `api_base`: placeholder
    credentials (over any in the environment), Spotify in extended quota mode, every bridge
    ticking each second, generous limits; `overrides` win."""
    from discovery.ops.demo import FAST_SCHEDULE

    settings = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DISCOVERY_API_BASE": api_base,
        **PLACEHOLDER_CREDENTIALS,
        "SPOTIFY_QUOTA_MODE": "extended",
        "DISCOVERY_SCHEDULE": FAST_SCHEDULE,
        "DISCOVERY_RATE_LIMITS": TEST_RATE_LIMITS,
    }
    return service_env(**(settings | overrides))


@contextmanager
def running(log_dir: Path, env: dict[str, str], cwd: Path = REPO_ROOT) -> Iterator[Supervisor]:
    procs = Supervisor(log_dir, env, cwd=cwd)
    try:
        yield procs
    except BaseException:
        print(procs.logs())
        raise
    finally:
        procs.stop()


def staged_artist_env(database_url: str, redis_url: str, **overrides: str) -> dict[str, str]:
    """Environment for beat + the artists pool running the StagedArtistWorker, the artist bridge
    ticking every second and the others (which have no pool running) left alone."""
    return service_env(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DISCOVERY_WORKERS="artist_discovery=tests.support.workers:StagedArtistWorker",
        DISCOVERY_SCHEDULE="artist_discovery=1,album_discovery=3600,track_discovery=3600,"
        "producer_identification=3600,social_enrichment=3600",
        DISCOVERY_KICK_BRIDGES="false",
        **overrides,
    )


@contextmanager
def staged_artists_pool(log_dir: Path, database_url: str, redis_url: str, **overrides: str) -> Iterator[Supervisor]:
    """Beat and an artists pool of 2 running the StagedArtistWorker (staged_artist_env)."""
    env = staged_artist_env(database_url, redis_url, TEST_MARKER_DIR=str(log_dir), **overrides)
    with running(log_dir, env) as procs:
        procs.worker("artists", concurrency=2)
        procs.beat()
        yield procs
