"""The measurements behind `discovery bench`, each on scratch resources of its own (proving/scratch):
ceilings (PGMQ, Celery), the pipeline against them, the bridge at depth, a worker's memory."""

from __future__ import annotations

import math
import os
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import redis

from discovery.local.processes import CELERY, Supervisor, wait_for
from discovery.ops.demo import FAST_SCHEDULE, SANDBOX_CREDENTIALS
from discovery.pgmq import lanes, queues
from discovery.proving import scratch
from discovery.runtime import bridge
from discovery.runtime.inflight import InFlight
from discovery.settings import QUEUE_POOLS, QUEUES, Settings

NO_LIMITS = "spotify=100000/1,genius=100000/1,musicbrainz=100000/1,instagram=100000/1"


@dataclass
class Place:
    """Where one measurement runs: its own database and Redis, logs under `log_dir`."""

    database_url: str
    redis_url: str
    log_dir: Path

    def env(self, **overrides: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(DATABASE_URL=self.database_url, REDIS_URL=self.redis_url, **overrides)
        return env


@contextmanager
def place(settings: Settings, log_dir: Path, name: str) -> Iterator[Place]:
    folder = log_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    with scratch.database(settings.database_url, "discovery_bench") as db, scratch.redis_database(
        settings.redis_url
    ) as rd:
        yield Place(db, rd, folder)


def pgmq_read_archive_per_s(where: Place, messages: int, batch: int) -> float:
    """PGMQ's ceiling for our access pattern: batch reads, then one archive per message."""
    with psycopg.connect(where.database_url, autocommit=True) as conn:
        for start in range(0, messages, 1000):
            queues.send_batch(conn, "album_discovery", [{"artistId": f"a{n}", "offset": 0} for n in range(start, min(start + 1000, messages))])
        started = time.perf_counter()
        done = 0
        while True:
            deliveries = queues.read(conn, "album_discovery", 30, batch)
            if not deliveries:
                break
            for delivery in deliveries:
                with conn.transaction():
                    queues.archive(conn, delivery.queue, delivery.msg_id)
            done += len(deliveries)
        return done / (time.perf_counter() - started)


def celery_noop(where: Place, tasks: int, concurrency: int) -> Ceiling:
    """Celery's ceiling: no-op tasks through one pool started like the workers' pools."""
    from discovery.runtime.app import app
    from discovery.runtime.noop import NOOP_TASK

    counter = "bench:noop-done"
    procs = Supervisor(where.log_dir, where.env())
    try:
        name = "worker-bench"
        proc = procs.start(
            name,
            CELERY + ["worker", "-Q", "bench", "-n", "bench@%h", "-P", "prefork", "-c", str(concurrency),
                      "-I", "discovery.runtime.noop", "--loglevel", "INFO", "--without-mingle",
                      "--without-gossip"],
        )
        procs.wait_ready(name, proc)
        client = redis.Redis.from_url(where.redis_url)
        with app.connection_for_write(where.redis_url) as connection:
            started, cpu_started = time.perf_counter(), busy_cpu_s()
            for _ in range(tasks):
                app.send_task(NOOP_TASK, args=(counter,), queue="bench", connection=connection)
            wait_for(lambda: int(client.get(counter) or 0) >= tasks, 600, "the no-op tasks")
        return Ceiling(tasks, time.perf_counter() - started, busy_cpu_s() - cpu_started)
    finally:
        procs.stop()


def busy_cpu_s() -> float:
    """Busy CPU seconds of the whole machine so far (every process: pools, beat, sandbox, Postgres,
    Redis, the bench), from /proc/stat; NaN where there is none."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return math.nan
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


@dataclass
class Ceiling:
    """`count` things done in `seconds`, costing the machine `cpu_s` busy CPU seconds."""

    count: int
    seconds: float
    cpu_s: float

    @property
    def per_s(self) -> float:
        return self.count / self.seconds

    @property
    def cpu_ms_each(self) -> float:
        return 1000 * self.cpu_s / self.count


@dataclass
class PipelineRun:
    seconds: float
    messages: int
    sandbox: dict[str, Any] = field(default_factory=dict)
    cpu_s: float = math.nan
    sandbox_cpu_s: float = math.nan
    bench_cpu_s: float = math.nan  # the bench process's own (seeding, polling until drained)

    @property
    def per_s(self) -> float:
        return self.messages / self.seconds

    @property
    def cpu_ms_each(self) -> float:
        return 1000 * self.cpu_s / self.messages

    @property
    def sandbox_cpu_ms_each(self) -> float:
        return 1000 * self.sandbox_cpu_s / self.messages

    @property
    def bench_cpu_ms_each(self) -> float:
        return 1000 * self.bench_cpu_s / self.messages

    def cpu_bound_per_s(self, cores: int) -> float:
        """The most messages a second these cores could do at this run's CPU cost per message."""
        return cores * 1000 / self.cpu_ms_each

    def requests(self, api: str) -> int:
        return int(self.sandbox.get(api, {}).get("requests", 0))

    def answered_429(self) -> int:
        return sum(int(api.get("429", 0)) for api in self.sandbox.values())

    def total_requests(self) -> int:
        return sum(int(api.get("requests", 0)) for api in self.sandbox.values())


def run_catalog(
    where: Place,
    catalog: dict[str, Any],
    names: list[str],
    *,
    concurrency: int,
    workers_per_pool: int = 1,
    env: dict[str, str] | None = None,
    timeout_s: float = 900,
    **sandbox_knobs: Any,
) -> PipelineRun:
    """Seed `names` at once against the sandbox serving `catalog`; time it until all is done."""
    from discovery.ops import seeding
    from discovery.proving.sandbox_process import SandboxProcess

    with SandboxProcess(catalog, where.log_dir, **sandbox_knobs) as server:
        process_env = where.env(
            DISCOVERY_API_BASE=server.url,
            DISCOVERY_SCHEDULE=FAST_SCHEDULE,
            DISCOVERY_RATE_LIMITS=NO_LIMITS,
            **SANDBOX_CREDENTIALS,
        )
        process_env.update(env or {})
        procs = Supervisor(where.log_dir, process_env)
        try:
            started_pools = []
            for pool in QUEUE_POOLS.values():
                for index in range(workers_per_pool):
                    name = f"worker-{pool}-{index}"
                    started_pools.append(
                        (name, procs.start(name, CELERY + ["worker", "-Q", pool, "-n", f"{pool}{index}@%h",
                                                            "-P", "prefork", "-c", str(concurrency),
                                                            "--loglevel", "INFO", "--without-mingle",
                                                            "--without-gossip"]))
                    )
            for name, proc in started_pools:
                procs.wait_ready(name, proc)
            # Beat's start (its imports, its schedule file) is not the pipeline's work: the clock
            # starts once it runs its schedule, as in a deployment where beat is always up.
            beat = procs.beat()
            procs.wait_ready("beat", beat, word="beat: Starting")
            server.reset()
            started, cpu_started, sandbox_started = time.perf_counter(), busy_cpu_s(), server.cpu_s()
            own_cpu_started = time.process_time()
            for name in names:
                seeding.start(where.database_url, name)
            # A message is archived in the transaction that sends what follows it, so all queues
            # empty is all done; one statement a poll keeps the bench's own share of the CPU small.
            with psycopg.connect(where.database_url, autocommit=True) as conn:
                wait_for(lambda: _drained(conn), timeout_s, "every queue to drain", every_s=0.1)
            seconds, cpu_s = time.perf_counter() - started, busy_cpu_s() - cpu_started
            return PipelineRun(seconds, _archived(where.database_url), server.stats(), cpu_s,
                               server.cpu_s() - sandbox_started, time.process_time() - own_cpu_started)
        finally:
            procs.stop()


def _drained(conn: psycopg.Connection) -> bool:
    """No message left in any lane of the five work queues (one cheap statement a poll)."""
    return not queues.holding(conn, lanes.all_queues(), only_readable=False)


def _archived(database_url: str) -> int:
    """Messages that went through the five work queues (sent, and no longer there)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        found = queues.metrics(conn)
    return sum(found[queue].total_sent - found[queue].length for queue in QUEUES if queue in found)


def bridge_batch_ms(where: Place, queued: int, batch: int, batches: int) -> float:
    """The bridge's median time per batch with `queued` messages waiting."""
    settings = Settings(
        database_url=where.database_url,
        redis_url=where.redis_url,
        discovery_batch_size=batch,
        discovery_max_in_flight=batch,
        discovery_bridge_max_per_tick=batch,
    )
    with psycopg.connect(where.database_url, autocommit=True) as conn:
        for start in range(0, queued, 10_000):
            size = min(10_000, queued - start)
            queues.send_batch(conn, "artist_discovery", [{"artistName": f"Bench {start + n}"} for n in range(size)])
        # Measure a settled queue (as one that has been deep for a while), not the bulk load's
        # aftermath: its autovacuum and checkpoint would be timed instead of the bridge.
        queues.vacuum_analyze(conn, "artist_discovery")
        conn.execute("CHECKPOINT")
    client = redis.Redis.from_url(where.redis_url)
    times_ms = []
    for _ in range(batches):
        client.delete(InFlight(client, "artist_discovery").key)
        started = time.perf_counter()
        run = bridge.run("artist_discovery", settings, lambda delivery: None)
        times_ms.append((time.perf_counter() - started) * 1000)
        assert run.read == batch, run
    return statistics.median(times_ms)


@dataclass
class Memory:
    peak_mb: float
    half_mb: float
    end_mb: float

    @property
    def growth(self) -> float:
        return (self.end_mb - self.half_mb) / self.half_mb


def worker_memory(where: Place, catalog: dict[str, Any], ids: list[str], messages: int, concurrency: int) -> Memory:
    """Resident memory of the artists pool's processes over `messages` lookups of artists `ids`."""
    from discovery.sandbox.server import SandboxServer

    with SandboxServer(catalog) as server:
        env = where.env(
            DISCOVERY_API_BASE=server.url,
            DISCOVERY_SCHEDULE=FAST_SCHEDULE,
            DISCOVERY_RATE_LIMITS=NO_LIMITS,
            **SANDBOX_CREDENTIALS,
        )
        procs = Supervisor(where.log_dir, env)
        try:
            worker = procs.worker("artists", concurrency=concurrency)
            procs.beat()
            with psycopg.connect(where.database_url, autocommit=True) as conn:
                for start in range(0, messages, 1000):
                    size = min(1000, messages - start)
                    queues.send_batch(conn, "artist_discovery", [{"artistId": ids[(start + n) % len(ids)]} for n in range(size)])
                samples: list[tuple[int, float]] = []
                while True:
                    done = _archived_of(conn, "artist_discovery")
                    samples.append((done, _tree_rss_mb(worker.pid)))
                    if done >= messages:
                        break
                    time.sleep(0.5)
        finally:
            procs.stop()
    half = min(samples, key=lambda sample: abs(sample[0] - messages / 2))[1]
    return Memory(max(rss for _, rss in samples), half, samples[-1][1])


def _archived_of(conn: psycopg.Connection, queue: str) -> int:
    found = queues.metrics(conn)[queue]
    return found.total_sent - found.length


def _tree_rss_mb(pid: int) -> float:
    """The largest resident set among a process and its children (the pool's processes), in MB."""
    pids = [pid, *_children(pid)]
    return max((_rss_kb(p) for p in pids), default=0) / 1024


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    found = [int(child) for child in text.split()]
    return found + [grand for child in found for grand in _children(child)]


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
