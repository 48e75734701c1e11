"""`discovery sandbox` serves in the foreground with knobs from the command line."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import requests

from tests.sandbox.catalogs import small_catalog


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_command_serves_a_catalog_with_its_knobs(tmp_path):
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(small_catalog()))
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "discovery.cli",
        "sandbox",
        "--catalog",
        str(catalog),
        "--port",
        str(port),
        "--rate",
        "genius=1/60",
        "--spotify-mode",
        "extended",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(url + "/_sandbox/stats", timeout=1)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, process.stdout and process.stdout.read1()
                time.sleep(0.1)
        headers = {"Authorization": "Bearer t"}

        first = requests.get(url + "/genius/songs/1", headers=headers)
        second = requests.get(url + "/genius/songs/1", headers=headers)

        assert first.status_code == 200
        assert second.status_code == 429 and second.headers["Retry-After"] == "60"
    finally:
        process.terminate()
        process.wait(10)
