"""`discovery bench --quick` measures every figure and writes them down (the figures themselves
are for BENCHMARKS.md, measured on a quiet machine: here only that the bench works)."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pytest

from discovery.local.processes import DISCOVERY
from tests.conftest import PG_ADMIN_URL
from tests.support.processes import service_env

pytestmark = pytest.mark.integration

QUICK_FIGURES = [
    "ceiling: PGMQ batch read + archive",
    "ceiling: Celery no-op tasks (one pool, -c 1)",
    "CPU per Celery no-op task",
    "seed-to-done, 2×3 artist, documented schedule, fast lane on",
    "bridge time per batch, 1,000 queued",
    "bridge time per batch, 5,000 queued",
    "worker peak resident memory over 100 messages",
    "worker memory growth over the second half",
]


def run_bench(args: list[str], env: dict[str, str], cwd: Path, timeout_s: float = 240) -> tuple[int, str, str]:
    """Run the bench; if it overruns (or the test is stopped), interrupt it as Ctrl-C would, so it
    stops the pools and servers it started (killed outright, it would leave them running)."""
    proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout_s)
    except BaseException:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
        raise
    return proc.returncode, stdout, stderr


@pytest.fixture
def postgres_reachable() -> None:
    import psycopg

    from tests.conftest import service_missing

    try:
        psycopg.connect(PG_ADMIN_URL).close()
    except psycopg.OperationalError as error:
        service_missing("Postgres", error)


def test_the_quick_bench_measures_every_figure_and_writes_a_markdown_section(
    tmp_path: Path, postgres_reachable: None, redis_url: str
) -> None:
    # The bench's own Celery client uses the test's Redis database; each measurement claims
    # another empty one (and Postgres databases of its own) and removes them.
    markdown = tmp_path / "BENCHMARKS.md"
    env = service_env(DATABASE_URL=PG_ADMIN_URL, REDIS_URL=redis_url)

    returncode, stdout, stderr = run_bench(
        [*DISCOVERY, "bench", "--quick", "--concurrency", "1", "--markdown", str(markdown), "--json"], env, tmp_path
    )

    assert returncode == 0, stdout[-5000:] + stderr[-5000:]
    printed = json.loads(stdout)  # stdout holds the JSON alone; the progress lines went to stderr
    assert "ceiling: Celery no-op tasks" in stderr
    figures = printed["figures"]
    assert printed["noop_cpu_ms"] == figures[2]["value"]
    assert [figure["name"] for figure in figures] == QUICK_FIGURES
    assert all(figure["value"] is not None and figure["value"] >= 0 for figure in figures)
    assert figures[0]["value"] > 0 and figures[1]["value"] > 0
    table = markdown.read_text()
    assert "| figure | value | target | met | note |" in table
    assert all(name in table for name in QUICK_FIGURES)
