"""The one file to run against the sandbox: `.env.example` copied to `.env` is all `honcho start`
and `discovery seed --follow` need to find an artist's producers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

from discovery.local.processes import Supervisor, free_port
from tests.support.processes import REPO_ROOT, service_env, wait_for

pytestmark = pytest.mark.integration

PROCESSES = ["sandbox", "beat", "artists", "albums", "tracks", "producers", "social", "flower"]


def copied_env_file(folder: Path, **own: str) -> Path:
    """.env.example as a user copies it, with this test's own database, Redis and ports."""
    lines = []
    for line in (REPO_ROOT / ".env.example").read_text().splitlines():
        key = line.split("=", 1)[0]
        lines.append(f"{key}={own.pop(key)}" if key in own else line)
    lines += [f"{key}={value}" for key, value in own.items()]
    path = folder / ".env"
    path.write_text("\n".join(lines) + "\n")
    return path


def sandbox_up(url: str) -> bool:
    try:
        return requests.get(url + "/_sandbox/stats", timeout=1).ok
    except requests.RequestException:
        return False


def test_honcho_with_the_example_env_file_finds_an_artists_producers(tmp_path, database_url, redis_url):
    honcho = shutil.which("honcho", path=str(Path(sys.executable).parent))
    assert honcho, "honcho is a test dependency"
    # Given .env.example copied to .env (only the database, Redis and ports made this test's own)
    port, flower_port = free_port(), free_port()
    env_file = copied_env_file(
        tmp_path,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SANDBOX_PORT=str(port),
        DISCOVERY_API_BASE=f"http://127.0.0.1:{port}",
        BEAT_SCHEDULE_FILE=str(tmp_path / "beat-schedule"),
        FLOWER_PORT=str(flower_port),
        FLOWER_BASIC_AUTH=f"ops:{uuid.uuid4().hex}",  # the example ships none: Flower would refuse
        **{f"{pool}_CONCURRENCY": "1" for pool in ("ARTISTS", "ALBUMS", "TRACKS", "PRODUCERS", "SOCIAL")},
    )
    env = service_env(PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    for key in ("DATABASE_URL", "REDIS_URL", "DISCOVERY_API_BASE", "SPOTIFY_CLIENT_ID", "DISCOVERY_SCHEDULE"):
        env.pop(key, None)  # everything comes from the file
    procs = Supervisor(tmp_path, env, cwd=REPO_ROOT)
    try:
        # When honcho starts the sandbox, beat and the pools from the checkout
        honcho_proc = procs.start("honcho", [honcho, "-e", str(env_file), "start", *PROCESSES])
        wait_for(lambda: sandbox_up(f"http://127.0.0.1:{port}") or honcho_proc.poll() is not None, 60, "the sandbox")
        wait_for(lambda: procs.log("honcho").count(" ready.") >= 5 or honcho_proc.poll() is not None, 90, "the pools")
        assert honcho_proc.poll() is None, procs.log("honcho")

        # (Flower started with the login the file gives, and asks for it)
        flower = f"http://127.0.0.1:{flower_port}/api/workers"
        wait_for(lambda: flower_status(flower) != 0, 60, "flower")
        login = dotenv_value(env_file, "FLOWER_BASIC_AUTH")
        assert (flower_status(flower), flower_status(flower, login)) == (401, 200)

        # and a user seeds an artist from the folder holding .env
        done = subprocess.run(
            [sys.executable, "-m", "discovery.cli", "seed", "Glass Season", "--follow"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
        )
    finally:
        procs.stop()

    # Then its producers come back
    assert done.returncode == 0, done.stdout + done.stderr + procs.log("honcho")[-5000:]
    assert "Glass Season — 2 albums, 4 tracks" in done.stdout
    assert "Priya Fischer" in done.stdout


def dotenv_value(path: Path, key: str) -> str:
    return next(line.split("=", 1)[1] for line in path.read_text().splitlines() if line.startswith(key + "="))


def flower_status(url: str, login: str | None = None) -> int:
    try:
        return requests.get(url, auth=tuple(login.split(":", 1)) if login else None, timeout=5).status_code
    except requests.RequestException:
        return 0
