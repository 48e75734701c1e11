"""Client test fixtures: an emulated upstream on a local port, settings pointing at it and at
this test's own Redis database, and a way to run client code in other OS processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from discovery.clients import reset_clients
from discovery.settings import Settings
from tests.clients.fake_upstream import FakeUpstream

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "spotify_client_id": "test-client-id",
    "spotify_client_secret": "s3cret-spotify-client-secret",
    "genius_access_token": "g3nius-access-token-value",
    "instagram_api_key": "1nstagram-api-key-value",
}


@pytest.fixture(autouse=True)
def _fresh_clients() -> Iterator[None]:
    reset_clients()
    yield
    reset_clients()


@pytest.fixture
def upstream() -> Iterator[FakeUpstream]:
    server = FakeUpstream().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def make_settings(upstream: FakeUpstream, redis_url: str) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "discovery_api_base": upstream.url,
            "redis_url": redis_url,
            "spotify_quota_mode": "auto",
            "discovery_rate_limits": "spotify=1000/1,genius=1000/1,musicbrainz=1000/1,instagram=1000/1",
            **SECRETS,
            **overrides,
        }
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes Settings() in another process equal to `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPOTIFY_", "DISCOVERY_"))}
    for name in (
        "discovery_api_base",
        "redis_url",
        "spotify_quota_mode",
        "discovery_rate_limits",
        *SECRETS,
    ):
        value = getattr(settings, name)
        env[name.upper()] = (
            value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
        )
    env["PYTHONPATH"] = str(ROOT)
    return env


def start_process(settings: Settings, code: str) -> subprocess.Popen[str]:
    """Run `code` in a new Python process with `settings` in its environment; the code prints
    one JSON line as its result."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=settings_env(settings),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def result_of(process: subprocess.Popen[str], timeout_s: float = 60) -> Any:
    out, err = process.communicate(timeout=timeout_s)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def run_process(settings: Settings, code: str) -> Any:
    return result_of(start_process(settings, code))
