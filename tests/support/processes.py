"""Real Celery processes (workers and beat) for integration tests, always stopped afterwards."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
CELERY = [sys.executable, "-m", "celery", "-A", "discovery"]


def wait_for(condition: Callable[[], Any], timeout_s: float, what: str, every_s: float = 0.1) -> Any:
    """Poll until `condition()` is truthy; fail naming `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
        time.sleep(every_s)


def service_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.update(overrides)
    return env


class Processes:
    """Started processes, each in its own session so a whole tree can be stopped."""

    def __init__(self, log_dir: Path, env: dict[str, str]) -> None:
        self.log_dir = log_dir
        self.env = env
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        log = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            args, cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.started.append((name, proc))
        return proc

    def worker(self, pool: str, concurrency: int = 2) -> subprocess.Popen[bytes]:
        proc = self.start(
            f"worker-{pool}",
            CELERY + ["worker", "-Q", pool, "-n", f"{pool}@%h", "-P", "prefork", "-c", str(concurrency),
                      "--loglevel", "INFO", "--without-mingle", "--without-gossip"],
        )
        wait_for(lambda: "ready" in self.log(f"worker-{pool}") or proc.poll() is not None, 60, f"{pool} worker")
        assert proc.poll() is None, self.log(f"worker-{pool}")
        return proc

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

    def stop(self) -> None:
        for _, proc in self.started:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for _, proc in self.started:
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of the tree
            except ProcessLookupError:
                pass
            proc.wait()


@contextmanager
def running(log_dir: Path, env: dict[str, str]) -> Iterator[Processes]:
    procs = Processes(log_dir, env)
    try:
        yield procs
    except BaseException:
        print(procs.logs())
        raise
    finally:
        procs.stop()
