"""Flower, as the Procfile starts it: its API answers with basic auth and refuses without."""

from __future__ import annotations

import base64
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from discovery.local.processes import Supervisor, free_port
from tests.ops.test_deployment_files import procfile
from tests.support.processes import REPO_ROOT, service_env, wait_for

pytestmark = pytest.mark.integration

CREDENTIALS = "ops:s3cret"


def get(url: str, credentials: str | None = None) -> int:
    request = urllib.request.Request(url)
    if credentials:
        request.add_header(
            "Authorization", "Basic " + base64.b64encode(credentials.encode()).decode()
        )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, ConnectionError):
        return 0


@pytest.fixture
def flower(tmp_path: Path, database_url: str, redis_url: str) -> Iterator[str]:
    """The Procfile's own `flower` line, run by a shell as honcho runs it."""
    port = free_port()
    env = service_env(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        FLOWER_BASIC_AUTH=CREDENTIALS,
        FLOWER_PORT=str(port),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    procs = Supervisor(tmp_path, env, cwd=REPO_ROOT)
    proc = procs.start("flower", ["bash", "-c", procfile()["flower"].strip()])
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(
            lambda: get(base + "/healthcheck") != 0 or proc.poll() is not None,
            60,
            "flower to listen",
        )
        assert proc.poll() is None, procs.log("flower")
        yield base
    finally:
        procs.stop()


def test_flower_api_refuses_without_basic_auth_and_answers_with_it(flower: str) -> None:
    assert get(flower + "/api/workers") == 401
    assert get(flower + "/api/workers", "ops:wrong") == 401
    assert get(flower + "/api/workers", CREDENTIALS) == 200
    assert get(flower + "/", CREDENTIALS) == 200


def test_flower_credentials_are_on_no_command_line(flower: str) -> None:
    # Given Flower answering (started with the credentials in its environment only)
    assert get(flower + "/api/workers", CREDENTIALS) == 200

    # Then no process of this user shows them in its command line (what `ps` prints)
    shown = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "flower" in text:
            shown.append(text)
    assert shown, "flower's process was not found"
    assert not [text for text in shown if "s3cret" in text], shown
