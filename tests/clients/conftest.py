"""Client test fixtures: the project's sandbox on a local port (a small catalog, checking our
credentials), settings pointing at it and at this test's own Redis database, and a way to run
client code in other OS processes, released together on a signal."""

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
from discovery.sandbox.gate import Gate
from discovery.sandbox.knobs import Knobs
from discovery.sandbox.server import SandboxServer
from discovery.settings import Settings
from tests.sandbox.catalogs import small_catalog

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "spotify_client_id": "test-client-id",
    "spotify_client_secret": "s3cret-spotify-client-secret",
    "genius_access_token": "g3nius-access-token-value",
    "instagram_api_key": "1nstagram-api-key-value",
}
# The sandbox accepts exactly these credentials (and, with REFUSED, none of ours).
ACCEPTED = {
    "spotify": {
        "client_id": SECRETS["spotify_client_id"],
        "client_secret": SECRETS["spotify_client_secret"],
    },
    "genius": {"token": SECRETS["genius_access_token"]},
    "instagram": {"key": SECRETS["instagram_api_key"]},
}
REFUSED = {
    "spotify": {"client_id": "someone-else", "client_secret": "another-secret"},
    "genius": {"token": "another-token"},
    "instagram": {"key": "another-key"},
}
# Our own limiter out of the way, unless a test is about it.
GENEROUS_RATE_LIMITS = "spotify=1000/1,genius=1000/1,musicbrainz=1000/1,instagram=1000/1"


@pytest.fixture(autouse=True)
def _fresh_clients() -> Iterator[None]:
    reset_clients()
    yield
    reset_clients()


@pytest.fixture
def server(sandbox_factory: Callable[..., SandboxServer]) -> SandboxServer:
    """The sandbox on the small test catalog, in development mode, checking our credentials."""
    return sandbox_factory(small_catalog(), credentials=ACCEPTED)


def client_settings(base_url: str, redis_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "discovery_api_base": base_url,
        "redis_url": redis_url,
        "spotify_quota_mode": "auto",
        "discovery_rate_limits": GENEROUS_RATE_LIMITS,
        **SECRETS,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def make_settings(server: SandboxServer, redis_url: str) -> Callable[..., Settings]:
    """make(**overrides) -> Settings pointing every client at the sandbox and this test's Redis."""

    def make(**overrides: Any) -> Settings:
        return client_settings(server.url, redis_url, **overrides)

    return make


def fault_seed(api: str, status: int) -> int:
    """A seed whose first draw, at fault_rate 1.0, makes the sandbox answer `status` for `api`
    (asked of the sandbox's own gate, so it stays right if the draws change)."""
    for seed in range(1000):
        if Gate(Knobs(fault_rate={api: 1.0}, seed=seed)).admit(api).status == status:
            return seed
    raise AssertionError(f"no seed gives {status} for {api}")


def endpoint_requests(server: SandboxServer, api: str, endpoint: str) -> int:
    """Requests the sandbox received at one endpoint (refused ones included)."""
    return int(server.stats()[api]["endpoints"][endpoint]["requests"])


def api_requests(server: SandboxServer, api: str) -> int:
    """Requests the sandbox received for one API, the Spotify token endpoint left out."""
    stats = server.stats()[api]
    return int(stats["requests"]) - int(stats["endpoints"].get("token", {}).get("requests", 0))


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
    """Run `code` in a new Python process with `settings` in its environment. The code prints
    one JSON line as its result; it may wait for `release` with `sys.stdin.readline()`."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=settings_env(settings),
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_ready(processes: list[subprocess.Popen[str]]) -> None:
    """Wait until each process has printed "ready" on stderr (its imports and client are done)."""
    for process in processes:
        assert process.stderr is not None
        said = []
        while (line := process.stderr.readline()) and line.strip() != "ready":
            said.append(line)
        assert line, "the process ended before it was ready:\n" + "".join(said)


def release(processes: list[subprocess.Popen[str]]) -> None:
    """Let every waiting process go on at once."""
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()


def result_of(process: subprocess.Popen[str], timeout_s: float = 60) -> Any:
    out, err = process.communicate(timeout=timeout_s)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def run_process(settings: Settings, code: str) -> Any:
    return result_of(start_process(settings, code))


# Code for a process that builds its client, says "ready", and waits for `release`.
READY_THEN_WAIT = """
import json, sys
print("ready", file=sys.stderr, flush=True)
sys.stdin.readline()
"""
