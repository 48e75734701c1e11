"""The faults the soak injects, each one an action a real deployment suffers: a worker process
killed, a Redis restart, every Postgres connection terminated, beat restarted, an API's 429
burst or spent quota. Each returns a line saying what it did; the kills, restarts and the
termination say too whether they touched anything (`Injected`)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import redis

from discovery.local.processes import Supervisor, wait_for
from discovery.pgmq.sql import queries
from discovery.sandbox.server import SandboxServer


@dataclass(frozen=True)
class Injected:
    """What a fault did: a line saying so, and whether it had an effect (a kill that found no
    process, or a termination of no connection, had none)."""

    line: str
    effective: bool


def children(pid: int) -> list[int]:
    """The living direct children of process `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields[0] is the state: a zombie (Z) is dead already, waiting to be reaped.
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def kill_random_worker_process(procs: Supervisor, rng: random.Random) -> Injected:
    """SIGKILL one random prefork child of one random pool (Celery starts a new one)."""
    pools = [(name, proc) for name, proc in procs.started if name.startswith("worker-") and proc.poll() is None]
    rng.shuffle(pools)
    for name, proc in pools:
        pids = children(proc.pid)
        if pids:
            victim = rng.choice(pids)
            try:
                os.kill(victim, signal.SIGKILL)
            except ProcessLookupError:
                continue
            return Injected(f"SIGKILL worker process {victim} of {name}", True)
    return Injected("no worker process to kill", False)


class RedisServer:
    """A redis-server of the soak's own (so it may be restarted), persisted with an append-only
    file like the broker in docker-compose.yml, or bounded with an LRU like the cache."""

    def __init__(self, procs: Supervisor, name: str, port: int, directory: Path, extra: list[str]) -> None:
        self.procs, self.name, self.port, self.directory, self.extra = procs, name, port, directory, extra
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.proc = self.procs.start(
            self.name,
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--save", "", *self.extra],
        )
        wait_for(self._answers, 30, self.name)
        return self

    def _answers(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def restart(self) -> Injected:
        """Stop the server (it writes its append-only file) and start it again; effective when
        it was running (a server that had exited already is only started)."""
        assert self.proc is not None
        started = time.monotonic()
        was_running = self.proc.poll() is None
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.procs.started = [(n, p) for n, p in self.procs.started if p is not self.proc]
        self.start()
        if not was_running:
            return Injected(f"{self.name} had exited already; started it again", False)
        return Injected(f"restarted {self.name} (down {time.monotonic() - started:.1f}s)", True)

    def info(self, section: str) -> dict[str, Any]:
        return dict(redis.Redis.from_url(self.url).info(section))


def terminate_every_connection(database_url: str) -> str:
    """pg_terminate_backend on every other connection to the project's database."""
    return terminate_connections(database_url).line


def terminate_connections(database_url: str) -> Injected:
    """The same, effective when it terminated at least one connection."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(queries("soak.sql")["terminate_backends"]).fetchone()
    count = row[0] if row else 0
    return Injected(f"terminated {count} Postgres connection(s)", count > 0)


def restart_beat(procs: Supervisor) -> Injected:
    """SIGKILL beat (no goodbye) and start a new one; effective when a running beat was killed."""
    killed = 0
    for name, proc in list(procs.started):
        if name == "beat" and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            procs.started.remove((name, proc))
            killed += 1
    procs.beat()
    if not killed:
        return Injected("no beat was running; started one", False)
    return Injected("killed beat with SIGKILL and started a new one", True)


def burst_429(sandbox: SandboxServer, apis: tuple[str, ...], seconds: float) -> str:
    """One request per `seconds` on each of `apis` (then lifted by the caller): every further call
    in the burst is answered 429, whichever stage of the pipeline is busy when it comes."""
    sandbox.configure(rate={api: [1, seconds] for api in apis})
    return f"429 burst on {', '.join(apis)} for {seconds:.0f}s"


def spend_spotify_quota(sandbox: SandboxServer, reset_s: int) -> str:
    """Spotify answers 429 QUOTA_EXCEEDED (Retry-After reset_s) from now until lifted."""
    sandbox.configure(quota={"spotify": 0}, quota_retry_after_s=reset_s)
    return f"Spotify quota spent (QUOTA_EXCEEDED, reset in {reset_s}s)"


def lift(sandbox: SandboxServer, what: str) -> str:
    sandbox.configure(**{what: {}})
    return f"lifted {what}"


def restart_exited_pools(procs: Supervisor, concurrency: int) -> list[str]:
    """What a restart policy (docker's `unless-stopped`, systemd's `Restart=always`) does: start
    again a pool whose main process exited. Returns a line per pool restarted."""
    lines = []
    for name, proc in list(procs.started):
        if name.startswith("worker-") and proc.poll() is not None:
            procs.started.remove((name, proc))
            procs.worker(name.removeprefix("worker-"), concurrency, wait=False)
            lines.append(f"{name} exited with status {proc.returncode}; restarted (restart policy)")
    return lines
