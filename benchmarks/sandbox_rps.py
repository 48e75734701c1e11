"""Requests per second the API sandbox serves on one core.

The sandbox runs as `discovery sandbox` pinned to CPU 0 (taskset); load comes from separate
client processes on the other CPUs, each on one keep-alive connection asking for a Spotify
artist by id with a bearer token. Usage:

    .venv/bin/python benchmarks/sandbox_rps.py [--seconds 10] [--clients 4]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import time

from discovery.local.processes import free_port
from discovery.sandbox.catalog import load_demo_catalog

TARGET_RPS = 1500




def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the sandbox did not start")


def client(
    port: int, path: str, token: str, seconds: float, results: multiprocessing.Queue
) -> None:
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, set(range(1, os.cpu_count() or 2)))  # CPU 0 is the server's
    conn = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Authorization": "Bearer " + token}
    count, deadline = 0, time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            conn.request("GET", path, headers=headers)
            answer = conn.getresponse()
            answer.read()
            if answer.status != 200:
                raise RuntimeError(f"unexpected status {answer.status} for {path}")
            count += 1
    finally:
        results.put(count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()

    port = free_port()
    command = [sys.executable, "-m", "discovery.cli", "sandbox", "--port", str(port)]
    pinned = shutil.which("taskset") is not None and (os.cpu_count() or 1) > 1
    if pinned:
        command = ["taskset", "-c", "0", *command]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        wait_until_up(port)
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request(
            "POST",
            "/spotify/api/token",
            body="grant_type=client_credentials",
            headers={
                "Authorization": "Basic Y2xpZW50OnNlY3JldA==",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        token = json.loads(conn.getresponse().read())["access_token"]
        artist_id = load_demo_catalog()["spotify"]["artists"][0]["id"]
        path = f"/spotify/v1/artists/{artist_id}"
        results: multiprocessing.Queue = multiprocessing.Queue()
        workers = [
            multiprocessing.Process(target=client, args=(port, path, token, args.seconds, results))
            for _ in range(args.clients)
        ]
        started = time.monotonic()
        for worker in workers:
            worker.start()
        total = sum(results.get() for _ in workers)
        elapsed = time.monotonic() - started
        for worker in workers:
            worker.join()
    finally:
        server.terminate()
        server.wait(10)
    rps = total / elapsed
    where = "one core (taskset -c 0)" if pinned else "unpinned (no taskset or one CPU)"
    print(f"GET {path}: {total} requests in {elapsed:.1f}s from {args.clients} keep-alive clients")
    print(f"{rps:.0f} requests/second on {where}; {rps / TARGET_RPS:.2f}x the {TARGET_RPS} target")


if __name__ == "__main__":
    main()
