"""CPU, Redis commands and SQL statements per pipeline message, measured in one process.

    .venv/bin/python benchmarks/profile_messages.py [--artists 12 --albums 4 --tracks 8] [--profile 25]

The machine-wide figure of `discovery bench` counts every process on the machine, so it moves with
whatever else runs there. This measures what a message costs the worker code itself, robust to
other load: a generated catalog (the bench's throughput catalog by default) is served by the
sandbox in a process of its own, and this process runs the pipeline: the bridge of each queue
reads its batch as in a pool (`bridge.run`), and each delivery runs through the same task body a
pool process runs (`PROCESS_TASKS[queue]`: in-flight marks, the worker, the fast lane's bridge
runs after its commit), with the Celery hand-off replaced by a local list (Celery's own cost per
task is the bench's no-op ceiling). It reports, per queue and in all:

- CPU ms per message: this process's CPU time (user + system, `time.process_time`), so the
  sandbox's, Postgres's and Redis's sides are not in it;
- Redis round trips per message: requests this process sent to Redis (a pipeline or a script is
  one), counted at redis-py's connection;
- Redis commands per message: the delta of `INFO commandstats` of REDIS_URL's server, which counts
  the commands a script runs as well as the script (use a server of your own: every client of
  that server is counted);
- SQL statements per message: statements this process sent (psycopg cursors' execute calls);
- with `--profile N`, cProfile's top N entries by own time and by cumulative time.

Scratch database and Redis database numbers (proving/scratch); both are removed afterwards.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import redis

from discovery.ops.demo import FAST_SCHEDULE, SANDBOX_CREDENTIALS
from discovery.pgmq.queues import Delivery
from discovery.proving import scratch
from discovery.proving.bench_runs import NO_LIMITS, _archived
from discovery.proving.sandbox_process import SandboxProcess
from discovery.sandbox.generator import generate_catalog
from discovery.settings import QUEUE_POOLS, QUEUES, get_settings


class Tally:
    """CPU seconds, Redis commands and SQL statements, summed per label."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self.cpu_s: Counter[str] = Counter()
        self.redis: Counter[str] = Counter()
        self.sql: Counter[str] = Counter()
        self.trips: Counter[str] = Counter()
        self.count: Counter[str] = Counter()
        self.commands: Counter[str] = Counter()

    def redis_calls(self) -> Counter[str]:
        stats = self.client.info("commandstats")
        return Counter({name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in stats.items()})

    @contextmanager
    def measuring(self, label: str) -> Iterator[None]:
        before_cmds = self.redis_calls()
        before_sql, before_trips, before_cpu = _statements[0], _trips[0], time.process_time()
        try:
            yield
        finally:
            cpu = time.process_time() - before_cpu
            after_sql, after_trips = _statements[0], _trips[0]
            commands = self.redis_calls() - before_cmds
            commands["info"] -= 1  # the INFO that read the counts before
            commands = +commands
            self.cpu_s[label] += cpu
            self.sql[label] += after_sql - before_sql
            self.trips[label] += after_trips - before_trips
            self.redis[label] += sum(commands.values())
            self.commands.update(commands)
            self.count[label] += 1


_statements = [0]
_trips = [0]


def _count_round_trips() -> None:
    """Count every request this process sends to Redis (a measurement, as `_count_statements`)."""
    original = redis.connection.AbstractConnection.send_packed_command

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        _trips[0] += 1
        return original(self, *args, **kwargs)

    redis.connection.AbstractConnection.send_packed_command = counted  # type: ignore[method-assign]


def _count_statements() -> None:
    """Count every statement this process sends (a measurement, not a change of behaviour)."""
    for cls in (psycopg.Cursor, psycopg.ServerCursor):
        for name in ("execute", "executemany"):
            original: Callable[..., Any] = getattr(cls, name)

            def counted(self: Any, *args: Any, __original: Callable[..., Any] = original, **kwargs: Any) -> Any:
                _statements[0] += 1
                return __original(self, *args, **kwargs)

            setattr(cls, name, counted)


def drain(tally: Tally, database_url: str) -> None:
    """Run every queue's bridge and every delivery's task here until nothing is left."""
    from discovery.runtime import bridge, capacity, fastlane, tasks

    waiting: deque[Delivery] = deque()
    fastlane.dispatch = waiting.append  # type: ignore[assignment]  # the Celery hand-off, kept local
    settings = get_settings()
    # Announce the pools as a worker does (two processes each), so the bridges' ceilings are a pool's.
    client = redis.Redis.from_url(settings.redis_url)
    heartbeat = capacity.Heartbeat(client, sorted(set(QUEUE_POOLS.values())), "profile@here", 2).start()
    idle_rounds = 0
    while idle_rounds < 3:
        for queue in QUEUES:
            with tally.measuring("bridge (beat's ticks)"):
                bridge.run(queue, settings, waiting.append)
        if not waiting:
            idle_rounds += 1
            time.sleep(0.3)
            continue
        idle_rounds = 0
        while waiting:
            delivery = waiting.popleft()
            with tally.measuring(delivery.queue):
                tasks.PROCESS_TASKS[delivery.queue](delivery.msg_id, delivery.read_ct, delivery.message)
    heartbeat.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--artists", type=int, default=12)
    parser.add_argument("--albums", type=int, default=4)
    parser.add_argument("--tracks", type=int, default=8)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print cProfile's top N entries")
    parser.add_argument("--profile-out", type=Path, help="also save the profile's stats here")
    options = parser.parse_args()

    base = get_settings()
    catalog, truth = generate_catalog(options.artists, options.albums, options.tracks, seed=15)
    names = [artist["name"] for artist in truth["artists"]]
    log_dir = Path(tempfile.mkdtemp(prefix="discovery-profile-"))
    with scratch.database(base.database_url, "discovery_profile") as db, scratch.redis_database(
        base.redis_url
    ) as rd, SandboxProcess(catalog, log_dir) as sandbox:
        os.environ.update(
            DATABASE_URL=db, REDIS_URL=rd, DISCOVERY_API_BASE=sandbox.url, DISCOVERY_SCHEDULE=FAST_SCHEDULE,
            DISCOVERY_RATE_LIMITS=NO_LIMITS, **SANDBOX_CREDENTIALS,
        )
        get_settings.cache_clear()
        import logging

        from discovery.logs import configure_logging
        from discovery.ops import seeding

        configure_logging()  # as a pool process does (INFO, to stderr: sent to a file here)
        handler = logging.getLogger().handlers[-1]
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(open(log_dir / "pipeline.log", "w"))  # noqa: SIM115 - lives as long as the run
        _count_statements()
        import sys as _s; _s.path.insert(0, "/work/scratch"); import timing_patch; timing_patch.install()
        tally = Tally(redis.Redis.from_url(rd))
        tally.redis_calls()  # connected before the round trips are counted
        _count_round_trips()
        for name in names:
            seeding.start(db, name)
        # CPU time, not wall time: waits on other processes (and on a loaded machine) are not cost here.
        profiler = cProfile.Profile(time.process_time) if options.profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        drain(tally, db)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
        archived = _archived(db)
        requests = sandbox.stats()
    report(tally, archived, seconds, requests)
    import timing_patch; timing_patch.report(sum(tally.count[q] for q in QUEUES))
    if profiler:
        stats = pstats.Stats(profiler, stream=sys.stdout)
        if options.profile_out:
            stats.dump_stats(str(options.profile_out))
        total_tasks = sum(tally.count[q] for q in QUEUES)
        print(f"\ncProfile over the drain ({total_tasks} tasks; times include the profiler's overhead)")
        stats.sort_stats("tottime").print_stats(options.profile)
        stats.sort_stats("cumulative").print_stats(options.profile)
    print(f"logs: {log_dir}")


def report(tally: Tally, archived: int, seconds: float, requests: dict[str, Any]) -> None:
    messages = max(sum(tally.count[q] for q in QUEUES), 1)
    calls = sum(int(api.get("requests", 0)) for api in requests.values())
    print(f"{messages} tasks run ({archived} messages archived) in {seconds:.1f}s; {calls} API requests")
    print(f"{'':28} {'tasks':>6} {'CPU ms':>8} {'Redis trips':>11} {'Redis cmds':>10} {'SQL stmts':>10}   (each)")
    for label in [*QUEUES, "bridge (beat's ticks)"]:
        n = tally.count[label]
        if n:
            print(f"{label:28} {n:6} {1000 * tally.cpu_s[label] / n:8.2f} {tally.trips[label] / n:11.1f} "
                  f"{tally.redis[label] / n:10.1f} "
                  f"{tally.sql[label] / n:10.1f}")
    total_cpu = sum(tally.cpu_s.values())
    print(f"{'per message, everything':28} {messages:6} {1000 * total_cpu / messages:8.2f} "
          f"{sum(tally.trips.values()) / messages:11.1f} {sum(tally.redis.values()) / messages:10.1f} {sum(tally.sql.values()) / messages:10.1f}")
    top = ", ".join(f"{name} {count / messages:.1f}" for name, count in tally.commands.most_common(12))
    print(f"Redis commands per message, by command: {top}")


if __name__ == "__main__":
    main()
