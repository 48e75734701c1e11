"""Start and stop the system's own processes (sandbox, beat, the five pools) for the demo and
for tests: each in its own session, logged to a file, always stopped as a whole tree."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from discovery.settings import QUEUE_POOLS

CELERY = [sys.executable, "-m", "celery", "-A", "discovery"]
DISCOVERY = [sys.executable, "-m", "discovery.cli"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (free when asked)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], Any], timeout_s: float, what: str, every_s: float = 0.1) -> Any:
    """Poll until `condition()` is truthy; raise TimeoutError naming `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout_s}s waiting for {what}")
        time.sleep(every_s)


class Supervisor:
    """Processes started with one environment, stopped together."""

    def __init__(self, log_dir: Path, env: dict[str, str], cwd: Path | None = None) -> None:
        self.log_dir = log_dir
        self.env = env
        self.cwd = cwd
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        # A Ctrl-C while the child is being made waits until it is recorded, so that stop() finds
        # it: in its own session, a child missed here would outlive us.
        with open(self.log_dir / f"{name}.log", "wb") as log, _ctrl_c_deferred():
            proc = subprocess.Popen(
                args, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
            self.started.append((name, proc))
        return proc

    def worker(self, pool: str, concurrency: int = 2, wait: bool = True) -> subprocess.Popen[bytes]:
        name = f"worker-{pool}"
        proc = self.start(
            name,
            CELERY + ["worker", "-Q", pool, "-n", f"{pool}@%h", "-P", "prefork", "-c", str(concurrency),
                      "--loglevel", "INFO", "--without-mingle", "--without-gossip"],
        )
        if wait:
            self.wait_ready(name, proc)
        return proc

    def wait_ready(self, name: str, proc: subprocess.Popen[bytes], timeout_s: float = 60, word: str = "ready") -> None:
        """Until `name`'s log says `word` (a worker's "ready")."""
        wait_for(lambda: word in self.log(name) or proc.poll() is not None, timeout_s, name)
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with status {proc.returncode}:\n{self.log(name)}")

    def all_pools(self, concurrency: int = 2) -> None:
        procs = [(f"worker-{pool}", self.worker(pool, concurrency, wait=False)) for pool in QUEUE_POOLS.values()]
        for name, proc in procs:
            self.wait_ready(name, proc)

    def beat(self) -> subprocess.Popen[bytes]:
        return self.start(
            "beat",
            CELERY + ["beat", "--loglevel", "INFO", "-s", str(self.log_dir / "beat-schedule"),
                      "--pidfile", str(self.log_dir / "beat.pid")],
        )

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        return "\n".join(f"===== {name} =====\n{self.log(name)}" for name, _ in self.started)

    def stop(self, grace_s: float = 15) -> None:
        """SIGTERM every process group, wait up to `grace_s`, then SIGKILL what is left."""
        for _, proc in self.started:
            if proc.poll() is None:
                _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        for _, proc in self.started:
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(proc, signal.SIGKILL)  # whatever is left of the tree
            proc.wait()
        self.started.clear()


@contextmanager
def _ctrl_c_deferred() -> Iterator[None]:
    """SIGINT arriving inside is delivered (to the handler there was) when the block ends."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread receives signals
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        signal.raise_signal(signal.SIGINT)


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass
