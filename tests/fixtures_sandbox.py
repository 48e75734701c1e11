"""Sandbox fixtures: API sandbox servers on real sockets, and the shared reference material."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from discovery.sandbox.server import SandboxServer


def reference_dir() -> Path:
    """../shared/reference beside the repository: recorded API responses and the OpenAPI specs."""
    return Path(__file__).resolve().parents[1].parent / "shared" / "reference"


@pytest.fixture
def reference() -> Path:
    folder = reference_dir()
    if not folder.is_dir():
        pytest.skip(f"the shared reference material is absent ({folder})")
    return folder


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[..., SandboxServer]]:
    """make(catalog=None, **knobs) -> a started SandboxServer; all are stopped afterwards."""
    started: list[SandboxServer] = []

    def make(catalog: dict[str, Any] | None = None, **knobs: Any) -> SandboxServer:
        server = SandboxServer(catalog, **knobs).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def sandbox(sandbox_factory: Callable[..., SandboxServer]) -> SandboxServer:
    """A started sandbox on the bundled demo catalog."""
    return sandbox_factory()


def spotify_session(server: SandboxServer, mode: str | None = None) -> requests.Session:
    """A requests session carrying a bearer token the sandbox issued (client credentials)."""
    if mode:
        server.configure(spotify_mode=mode)
    session = requests.Session()
    answer = session.post(
        server.url + "/spotify/api/token",
        data={"grant_type": "client_credentials"},
        auth=("client", "secret"),
        timeout=5,
    )
    answer.raise_for_status()
    session.headers["Authorization"] = "Bearer " + answer.json()["access_token"]
    return session


def reference_json(relative: str) -> Any:
    """One recorded response from ../shared/reference; skips the test when it is absent."""
    import json

    path = reference_dir() / relative
    if not path.exists():
        pytest.skip(f"the recorded reference file {path} is absent (../shared/reference not here)")
    return json.loads(path.read_text(encoding="utf-8"))
