"""A pool without the credentials its APIs need says so in one line as it starts, and exits,
instead of retrying every message into tracebacks."""

from __future__ import annotations

import pytest

from discovery.local.processes import CELERY, free_port
from tests.support.processes import running, service_env, wait_for

pytestmark = pytest.mark.integration


def test_a_pool_missing_a_credential_names_the_setting_and_exits(tmp_path, database_url, redis_url):
    # Given no Spotify client id
    env = service_env(DATABASE_URL=database_url, REDIS_URL=redis_url, SPOTIFY_CLIENT_ID="")
    with running(tmp_path, env) as procs:
        # When the artists pool starts
        proc = procs.start("worker-artists", CELERY + ["worker", "-Q", "artists", "-n", "artists@%h", "-c", "1"])
        wait_for(lambda: proc.poll() is not None, 60, "the pool to exit")
        log = procs.log("worker-artists")

    # Then it exits with EX_CONFIG, naming the setting once, and no traceback
    assert proc.returncode == 78, log
    named = [line for line in log.splitlines() if "missing setting SPOTIFY_CLIENT_ID" in line]
    assert len(named) == 1 and "artist_discovery" in named[0], log
    assert "SPOTIFY_CLIENT_SECRET" not in log and "Traceback" not in log, log


def test_a_pool_that_would_call_the_real_musicbrainz_without_a_contact_names_the_setting_and_exits(
    tmp_path, database_url, redis_url
):
    # Given the real APIs (no sandbox) and MUSICBRAINZ_CONTACT left at a placeholder
    env = service_env(DATABASE_URL=database_url, REDIS_URL=redis_url, MUSICBRAINZ_CONTACT="discovery@example.org")
    env.pop("DISCOVERY_API_BASE", None)
    with running(tmp_path, env) as procs:
        # When the producers pool (Genius, MusicBrainz, Spotify) starts
        proc = procs.start("worker-producers", CELERY + ["worker", "-Q", "producers", "-n", "producers@%h", "-c", "1"])
        wait_for(lambda: proc.poll() is not None, 60, "the pool to exit")
        log = procs.log("worker-producers")

    # Then it exits with EX_CONFIG, in one line naming the setting and the queue, no traceback
    assert proc.returncode == 78, log
    named = [line for line in log.splitlines() if "set MUSICBRAINZ_CONTACT" in line]
    assert len(named) == 1 and "producer_identification" in named[0] and "placeholder" in named[0], log
    assert "Traceback" not in log, log


def test_a_pool_whose_apis_need_no_missing_credential_starts(tmp_path, database_url, redis_url):
    # Given no Spotify credentials at all, but the social pool calls Genius, MusicBrainz and
    # Instagram only
    env = service_env(DATABASE_URL=database_url, REDIS_URL=redis_url, SPOTIFY_CLIENT_ID="", SPOTIFY_CLIENT_SECRET="")
    with running(tmp_path, env) as procs:
        procs.worker("social", concurrency=1)  # waits for "ready", fails if it exited

        assert "missing setting" not in procs.log("worker-social")


def test_a_pool_with_postgres_unreachable_says_so_and_exits(tmp_path, redis_url):
    closed = f"postgresql://127.0.0.1:{free_port()}/discovery"
    env = service_env(DATABASE_URL=closed, REDIS_URL=redis_url)
    with running(tmp_path, env) as procs:
        proc = procs.start("worker-albums", CELERY + ["worker", "-Q", "albums", "-n", "albums@%h", "-c", "1"])
        wait_for(lambda: proc.poll() is not None, 60, "the pool to exit")
        log = procs.log("worker-albums")

    assert proc.returncode == 78, log
    assert "cannot reach Postgres (DATABASE_URL)" in log and "Traceback" not in log, log


def test_beat_with_redis_down_says_so_and_exits(tmp_path, database_url):
    closed = f"redis://127.0.0.1:{free_port()}/0"
    env = service_env(DATABASE_URL=database_url, REDIS_URL=closed)
    with running(tmp_path, env) as procs:
        proc = procs.beat()
        wait_for(lambda: proc.poll() is not None, 60, "beat to exit")
        log = procs.log("beat")

    assert proc.returncode == 78, log
    assert "cannot reach Redis (REDIS_URL)" in log and "Traceback" not in log, log


def test_a_pool_on_a_database_without_the_schema_says_to_migrate(tmp_path, empty_database_url, redis_url):
    env = service_env(DATABASE_URL=empty_database_url, REDIS_URL=redis_url)
    with running(tmp_path, env) as procs:
        proc = procs.start("worker-social", CELERY + ["worker", "-Q", "social", "-n", "social@%h", "-c", "1"])
        wait_for(lambda: proc.poll() is not None, 60, "the pool to exit")
        log = procs.log("worker-social")

    assert proc.returncode == 78, log
    assert "run `discovery migrate`" in log and "Traceback" not in log, log
