"""`discovery bench [--quick]`: the system's figures against their ceilings, measured in one run on
one machine, each on a scratch database and Redis database number of its own.

Every figure that has a target is a ratio to something measured in the same run (a ceiling or a
bound), so a slower machine moves both sides. `--quick` runs every measurement small: it shows
that the bench works, not the figures.
"""

from __future__ import annotations

import json
import logging
import math
import os
import platform
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from discovery.proving import bench_runs as runs
from discovery.settings import Settings, parse_pairs


@dataclass
class Figure:
    name: str
    value: float | None
    unit: str
    target: str = ""
    met: bool | None = None
    note: str = ""
    key: str = ""  # a short machine name for the figures a script reads (`--json`)


@dataclass(frozen=True)
class Sizes:
    pgmq_messages: int
    noop_tasks: int
    throughput_catalog: tuple[int, int, int]
    artist_catalog: tuple[int, int, int]
    limited_catalog: tuple[int, int, int]
    bridge_depths: tuple[int, int]
    memory_messages: int
    schedule_off_timeout_s: float | None
    # The quick run skips the measurements that only repeat another's code with other settings.
    full: bool = True


FULL = Sizes(20_000, 3_000, (12, 4, 8), (1, 10, 10), (3, 3, 8), (1_000, 1_000_000), 10_000, 330)
QUICK = Sizes(300, 60, (2, 2, 3), (1, 2, 3), (1, 1, 3), (1_000, 5_000), 100, None, full=False)

LIMITS = "spotify=50/30,genius=10/1"
LATENCY_MS = 50


ONLY = ("throughput",)
# Targets of the throughput part (issue 26): a message's CPU against a no-op task's, and what a
# second process per pool buys where tasks wait on the APIs.
CPU_MS_TARGET = 8.0
CPU_TO_NOOP_TARGET = 4.0
THROUGHPUT_TO_NOOP_TARGET = 0.25
SECOND_PROCESS_TARGET = 1.6


def run(
    settings: Settings,
    quick: bool,
    concurrency: int,
    out: TextIO,
    log_dir: Path | None = None,
    only: str | None = None,
) -> list[Figure]:
    """Measure everything (or `only` one part: "throughput", the Celery ceiling and the pipeline
    against it); prints each figure as it comes and returns them all."""
    sizes = QUICK if quick else FULL
    if only is not None and only not in ONLY:
        raise ValueError(f"unknown part {only!r}; known: {', '.join(ONLY)}")
    logging.getLogger("discovery").setLevel(logging.WARNING)  # the figures, not the bridge's lines
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="discovery-bench-"))
    figures: list[Figure] = []

    def note(figure: Figure) -> Figure:
        figures.append(figure)
        mark = {True: "met", False: "NOT met", None: ""}[figure.met]
        value = "-" if figure.value is None else f"{figure.value:,.2f}"
        print(f"{figure.name}: {value} {figure.unit}  {figure.target} {mark} {figure.note}".rstrip(), file=out, flush=True)
        return figure

    def at(name: str) -> Any:
        return runs.place(settings, log_dir, name)

    if only is None:
        with at("pgmq") as where:
            pgmq = runs.pgmq_read_archive_per_s(where, sizes.pgmq_messages, settings.discovery_batch_size)
        note(Figure("ceiling: PGMQ batch read + archive", pgmq, "msg/s"))
    with at("noop") as where:
        ceiling = runs.celery_noop(where, sizes.noop_tasks, concurrency)
    note(Figure(f"ceiling: Celery no-op tasks (one pool, -c {concurrency})", ceiling.per_s, "tasks/s",
                key="noop_per_s"))

    note(Figure("CPU per Celery no-op task", ceiling.cpu_ms_each, "ms", key="noop_cpu_ms",
                note="busy CPU across the machine per task"))
    if sizes.full or only == "throughput":
        _throughput(at, note, concurrency, ceiling, sizes.throughput_catalog)
    if only == "throughput":
        print(f"logs: {log_dir}", file=out)
        return figures

    catalog, truth = _catalog(*sizes.artist_catalog, long_album_tracks=0)
    names = [truth["artists"][0]["name"]]
    with at("seed-to-done") as where:
        documented = runs.run_catalog(where, catalog, names, concurrency=concurrency,
                                      env={"DISCOVERY_SCHEDULE": ""}, latency_ms={api: LATENCY_MS for api in _APIS})
    albums, tracks = sizes.artist_catalog[1:]
    note(Figure(f"seed-to-done, {albums}×{tracks} artist, documented schedule, fast lane on",
                documented.seconds, "s", "≤ 15 s", documented.seconds <= 15,
                f"{LATENCY_MS} ms a call, no limits; {documented.messages} messages ({documented.per_s:.1f}/s)"))
    if sizes.schedule_off_timeout_s is not None:
        note(_fast_lane_off(settings, log_dir, catalog, names, concurrency, sizes.schedule_off_timeout_s))

    if sizes.full:
        catalog, truth = _catalog(*sizes.limited_catalog)
        names = [artist["name"] for artist in truth["artists"]]
        with at("rate-limited") as where:
            limited = runs.run_catalog(where, catalog, names, concurrency=concurrency,
                                       env={"DISCOVERY_RATE_LIMITS": LIMITS, "DISCOVERY_SCHEDULE": ""},
                                       rate=parse_pairs(LIMITS, "limits"))
        bound_s = _bound_s(limited, LIMITS)
        share_429 = limited.answered_429() / max(limited.total_requests(), 1)
        note(Figure("rate-limited catalog, documented schedule, against the limits' bound", limited.seconds / bound_s, "× bound",
                    "≤ 1.2× and ≤ 1% 429", limited.seconds <= 1.2 * bound_s and share_429 <= 0.01,
                    f"{limited.seconds:.1f}s, bound {bound_s:.1f}s ({LIMITS}); 429: {share_429:.2%}"))

    shallow, deep = sizes.bridge_depths
    with at("bridge-shallow") as where:
        shallow_ms = runs.bridge_batch_ms(where, shallow, settings.discovery_batch_size, 40)
    with at("bridge-deep") as where:
        deep_ms = runs.bridge_batch_ms(where, deep, settings.discovery_batch_size, 40)
    note(Figure(f"bridge time per batch, {shallow:,} queued", shallow_ms, "ms"))
    note(Figure(f"bridge time per batch, {deep:,} queued", deep_ms, "ms", "≤ 1.5× the shallow one",
                deep_ms <= 1.5 * shallow_ms, f"ratio {deep_ms / shallow_ms:.2f}"))

    catalog, truth = _catalog(*sizes.throughput_catalog)
    with at("memory") as where:
        memory = runs.worker_memory(where, catalog, [a["spotify_id"] for a in truth["artists"]],
                                    sizes.memory_messages, concurrency)
    note(Figure(f"worker peak resident memory over {sizes.memory_messages:,} messages", memory.peak_mb, "MB",
                "≤ 200 MB", memory.peak_mb <= 200))
    note(Figure("worker memory growth over the second half", memory.growth * 100, "%", "≤ 10%",
                memory.growth <= 0.10, f"{memory.half_mb:.0f} MB at half, {memory.end_mb:.0f} MB at the end"))
    print(f"logs: {log_dir}", file=out)
    return figures


_APIS = ("spotify", "genius", "musicbrainz", "instagram")


def _throughput(
    at: Any, note: Callable[[Figure], Figure], concurrency: int, ceiling: runs.Ceiling, size: tuple[int, int, int]
) -> None:
    """The pipeline against the Celery ceiling and the machine's CPU: 1 and 2 processes per pool,
    without latency and with LATENCY_MS a call."""
    noop = ceiling.per_s
    catalog, truth = _catalog(*size)
    names = [artist["name"] for artist in truth["artists"]]
    with at("throughput-1") as where:
        one = runs.run_catalog(where, catalog, names, concurrency=concurrency)
    note(Figure("pipeline throughput, 1 worker per pool", one.per_s, "msg/s",
                f"≥ {THROUGHPUT_TO_NOOP_TARGET} × no-op ceiling", one.per_s >= THROUGHPUT_TO_NOOP_TARGET * noop,
                f"{one.messages} messages in {one.seconds:.1f}s; ratio {one.per_s / noop:.2f}", key="throughput_1"))
    note(Figure("pipeline throughput against the no-op ceiling", one.per_s / noop, "×", key="throughput_to_noop"))
    cpu_target = min(CPU_MS_TARGET, CPU_TO_NOOP_TARGET * ceiling.cpu_ms_each)
    note(Figure("busy CPU per pipeline message", one.cpu_ms_each, "ms",
                f"≤ {CPU_MS_TARGET:g} and ≤ {CPU_TO_NOOP_TARGET:g}× the no-op's", one.cpu_ms_each <= cpu_target,
                f"{one.sandbox_cpu_ms_each:.1f} ms of it the sandbox's, {one.bench_cpu_ms_each:.1f} ms the bench's; "
                f"the no-op: {ceiling.cpu_ms_each:.2f} ms a "
                f"task; ratio {one.cpu_ms_each / ceiling.cpu_ms_each:.1f}", key="cpu_ms_per_message"))
    cores = os.cpu_count() or 1
    note(Figure("pipeline throughput against the CPU it costs", one.per_s / one.cpu_bound_per_s(cores), "× CPU bound",
                note=f"{cores} cores at {one.cpu_ms_each:.1f} ms a message: {one.cpu_bound_per_s(cores):.0f} msg/s; "
                     f"busy CPU {one.cpu_s / one.seconds / cores:.0%} of {cores} cores", key="throughput_to_cpu_bound"))
    with at("throughput-2") as where:
        two = runs.run_catalog(where, catalog, names, concurrency=concurrency, workers_per_pool=2)
    note(Figure("pipeline throughput, 2 workers per pool", two.per_s, "msg/s", "raises throughput",
                two.per_s > one.per_s, f"ratio to 1 worker {two.per_s / one.per_s:.2f}", key="throughput_2"))
    # Real APIs answer in tens to hundreds of milliseconds: there, tasks wait rather than compute.
    latency = {api: LATENCY_MS for api in _APIS}
    with at("latency-1") as where:
        waiting_one = runs.run_catalog(where, catalog, names, concurrency=concurrency, latency_ms=latency)
    with at("latency-2") as where:
        waiting_two = runs.run_catalog(where, catalog, names, concurrency=concurrency, workers_per_pool=2,
                                       latency_ms=latency)
    ratio = waiting_two.per_s / waiting_one.per_s
    note(Figure(f"pipeline throughput, {LATENCY_MS} ms a call, 2 workers per pool", waiting_two.per_s, "msg/s",
                f"≥ {SECOND_PROCESS_TARGET}× 1 worker per pool", ratio >= SECOND_PROCESS_TARGET,
                f"1 worker per pool: {waiting_one.per_s:.1f} msg/s; ratio {ratio:.2f}", key="latency_2"))
    note(Figure(f"pipeline throughput, {LATENCY_MS} ms a call, 1 worker per pool", waiting_one.per_s, "msg/s",
                key="latency_1"))
    note(Figure(f"second worker per pool at {LATENCY_MS} ms a call", ratio, "×", key="latency_second_worker"))


def _catalog(artists: int, albums: int, tracks: int, **options: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    from discovery.sandbox.generator import generate_catalog

    return generate_catalog(artists, albums, tracks, seed=15, **options)


def _bound_s(result: runs.PipelineRun, limits: str) -> float:
    """The time the limits allow for the calls the run needed (calls not refused), slowest API."""
    bounds = []
    for api, text in parse_pairs(limits, "limits").items():
        allowed, _, window = text.partition("/")
        needed = result.requests(api) - int(result.sandbox.get(api, {}).get("429", 0))
        # A moving window lets `allowed` through at once, then `allowed` per window.
        bounds.append(max(needed - int(allowed), 0) / (int(allowed) / float(window)))
    return max(bounds) or math.nan


def _fast_lane_off(
    settings: Settings, log_dir: Path, catalog: dict[str, Any], names: list[str], concurrency: int, timeout_s: float
) -> Figure:
    with runs.place(settings, log_dir, "seed-to-done-off") as where:
        started = time.perf_counter()
        try:
            result = runs.run_catalog(where, catalog, names, concurrency=concurrency, timeout_s=timeout_s,
                                      env={"DISCOVERY_SCHEDULE": "", "DISCOVERY_FAST_LANE": "0"},
                                      latency_ms={api: LATENCY_MS for api in _APIS})
            return Figure("seed-to-done, same artist, documented schedule, fast lane off", result.seconds, "s")
        except (TimeoutError, AssertionError):
            waited = time.perf_counter() - started
            return Figure("seed-to-done, same artist, documented schedule, fast lane off", None, "s",
                          note=f"not done after {waited:.0f}s (the schedule's ticks: 2/5/5/10/60 min)")


def as_markdown(figures: list[Figure], quick: bool, concurrency: int, seconds: float) -> str:
    """The figures as a BENCHMARKS.md section: command, machine, date, table."""

    lines = [
        f"## `discovery bench{' --quick' if quick else ''}` — {datetime.now(UTC):%Y-%m-%d}",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
        f"pools at concurrency {concurrency}; the whole bench took {seconds / 60:.1f} min.",
        "",
        "| figure | value | target | met | note |",
        "|---|---|---|---|---|",
    ]
    for figure in figures:
        value = "—" if figure.value is None else f"{figure.value:,.2f} {figure.unit}"
        met = {True: "yes", False: "**no**", None: ""}[figure.met]
        lines.append(f"| {figure.name} | {value} | {figure.target} | {met} | {figure.note} |")
    return "\n".join(lines) + "\n"


def as_json(figures: list[Figure]) -> str:
    """The keyed figures' values at the top (`cpu_ms_per_message`, `noop_cpu_ms`, ...), then
    every figure in full under "figures"."""
    values: dict[str, Any] = {figure.key: figure.value for figure in figures if figure.key}
    return json.dumps({**values, "figures": [asdict(figure) for figure in figures]}, indent=2)


