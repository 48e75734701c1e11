"""Real Celery processes (workers and beat) for integration tests, always stopped afterwards."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from discovery import processes
from discovery.processes import Supervisor

REPO_ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], Any], timeout_s: float, what: str, every_s: float = 0.1) -> Any:
    """Poll until `condition()` is truthy; fail the test naming `what` after `timeout_s`."""
    try:
        return processes.wait_for(condition, timeout_s, what, every_s)
    except TimeoutError as error:
        raise AssertionError(str(error)) from None


def service_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.update(overrides)
    return env


@contextmanager
def running(log_dir: Path, env: dict[str, str]) -> Iterator[Supervisor]:
    procs = Supervisor(log_dir, env, cwd=REPO_ROOT)
    try:
        yield procs
    except BaseException:
        print(procs.logs())
        raise
    finally:
        procs.stop()
