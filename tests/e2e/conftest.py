"""The whole pipeline as real processes (beat, bridges, five pools) against the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from discovery.catalog import report
from discovery.local.processes import Supervisor
from discovery.ops import progress, seeding
from discovery.pgmq import queues
from discovery.settings import QUEUES
from tests.support.processes import pipeline_env, running


@dataclass
class Pipeline:
    database_url: str
    redis_url: str
    sandbox: Any
    procs: Supervisor

    def discover(self, artists: list[str], timeout_s: float = 240) -> list[progress.Snapshot]:
        seeds = [progress.Seeded(seeding.start(self.database_url, name), name) for name in artists]
        with open(self.procs.log_dir / "follow.log", "a") as out:
            last = progress.follow(self.database_url, self.redis_url, seeds, out=out, poll_s=0.5, timeout_s=timeout_s)
        unfinished = [item.line() for item in last if item.stage != "done"]
        assert not unfinished, "\n".join(unfinished) + "\n" + self.procs.logs()[-20000:]
        return last

    def report(self, artist: str) -> dict[str, Any]:
        return report.build(self.database_url, artist)

    def dead_letters(self) -> list[tuple[str, object]]:
        """Every dead letter as (queue, message with its reason): empty is the healthy answer, and an
        assertion on it prints the reasons when it fails."""
        with psycopg.connect(self.database_url) as conn:
            return [(row.queue, row.message) for row in queues.dead_letters(conn, QUEUES)]

    def counts(self) -> dict[str, int]:
        tables = ("artists", "albums", "tracks", "producers", "track_producers", "producer_socials", "recordings")
        with psycopg.connect(self.database_url) as conn:
            return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}


@pytest.fixture
def start_pipeline(tmp_path: Path, database_url: str, redis_url: str, sandbox_factory) -> Iterator[Any]:
    """start_pipeline(catalog, quota_mode=..., env={...}, concurrency=2, **sandbox knobs) -> Pipeline;
    env overrides the processes' environment (DATABASE_URL too)."""
    stack = ExitStack()

    def start(
        catalog: dict | None,
        quota_mode: str = "auto",
        env: dict[str, str] | None = None,
        concurrency: int = 2,
        **knobs: Any,
    ) -> Pipeline:
        server = sandbox_factory(catalog, **knobs)
        environment = pipeline_env(database_url, redis_url, server.url, **({"SPOTIFY_QUOTA_MODE": quota_mode} | (env or {})))
        procs = stack.enter_context(running(tmp_path, environment))
        procs.beat()
        procs.all_pools(concurrency=concurrency)
        return Pipeline(environment["DATABASE_URL"], redis_url, server, procs)

    with stack:
        yield start
