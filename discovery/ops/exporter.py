"""`discovery exporter`: Prometheus metrics for what Flower cannot see, read from Postgres on
every scrape (a custom collector), except the coverage counts: they read every track, so they are
read at most once per COVERAGE_EVERY_S and reused in between, and a scraper (or anyone who can
reach the port: it has no login and listens on 127.0.0.1 by default) cannot load the database
faster than that.

- every PGMQ queue's and DLQ's depth, visible messages, oldest message age, messages ever sent;
- bridge batch throughput (batches, messages read, dispatched, dead-lettered, time spent);
- task outcomes (archived, retried, dead_lettered, superseded) and the time they took;
- failures recorded in worker_issues, by kind of error; bridge ticks paused by an API;
- tracks per outcome (catalog/outcomes.py), credits and credited tracks per source, recordings
  per cross-check verdict (`discovery coverage` over every artist).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any
from wsgiref.simple_server import WSGIServer

import psycopg
from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from discovery.catalog import coverage
from discovery.pgmq import queues, retention
from discovery.runtime.schedule import DEFAULT_INTERVALS_S, STALL_TICKS
from discovery.settings import DLQ_SUFFIX, QUEUES

logger = logging.getLogger(__name__)

DEFAULT_PORT = 9808
DEFAULT_HOST = "127.0.0.1"
CONNECT_TIMEOUT_S = 5
COVERAGE_EVERY_S = 60.0


class QueueCollector(Collector):
    """Reads PGMQ's metrics, queue_metrics and worker_issues on each scrape."""

    def __init__(
        self, database_url: str, ticks_s: dict[str, float] | None = None, coverage_every_s: float = COVERAGE_EVERY_S
    ) -> None:
        self.database_url = database_url
        self.ticks_s = ticks_s if ticks_s is not None else dict(DEFAULT_INTERVALS_S)
        self.coverage_every_s = coverage_every_s
        self._coverage: tuple[float, dict[str, Any]] | None = None
        self._coverage_lock = threading.Lock()

    def _coverage_totals(self, conn: psycopg.Connection) -> dict[str, Any]:
        """coverage.totals, read again only once the last reading is coverage_every_s old."""
        with self._coverage_lock:
            now = time.monotonic()
            if self._coverage is None or now - self._coverage[0] >= self.coverage_every_s:
                self._coverage = (now, coverage.totals(conn))
            return self._coverage[1]

    def collect(self) -> Iterator[Any]:
        up = GaugeMetricFamily("discovery_exporter_up", "1 when Postgres answered this scrape")
        try:
            with psycopg.connect(
                self.database_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S
            ) as conn:
                families = [
                    *_families(conn), *_waiting_families(conn, self.ticks_s),
                    *_coverage_families(self._coverage_totals(conn)),
                ]
        except psycopg.Error as error:
            logger.warning(
                "exporter could not read Postgres: %s",
                error,
                extra={"action": "exporter_scrape_failed"},
            )
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families


def _families(conn: psycopg.Connection) -> Iterator[Any]:
    yield from _queue_families(queues.metrics(conn).values())
    totals = retention.metric_totals(conn)
    yield from _batch_families(
        [(queue, t) for (queue, kind, _), t in sorted(totals.items()) if kind == "batch"]
    )
    yield from _task_families(
        [(queue, outcome, t) for (queue, kind, outcome), t in sorted(totals.items()) if kind == "task"]
    )
    pauses = CounterMetricFamily(
        "discovery_bridge_pauses",
        "Bridge ticks that left a queue alone: an API was paused",
        labels=["queue"],
    )
    paused: dict[str, int] = {}
    for (queue, kind, _), found in totals.items():
        if kind == "pause":
            paused[queue] = paused.get(queue, 0) + found.events
    for queue, count in sorted(paused.items()):
        pauses.add_metric([queue], count)
    yield pauses
    issues = CounterMetricFamily(
        "discovery_worker_issues",
        "Failures recorded (worker_issues rows)",
        labels=["queue", "error_type"],
    )
    for (queue, error_type), count in sorted(retention.issue_totals(conn).items()):
        issues.add_metric([queue, error_type], count)
    yield issues


def _coverage_families(totals: dict[str, Any]) -> Iterator[Any]:
    outcomes = GaugeMetricFamily("discovery_track_outcomes", "Tracks per outcome (why they have producers or not)",
                                 labels=["outcome"])
    for outcome, count in sorted(totals["outcomes"].items()):
        outcomes.add_metric([outcome], int(count))
    yield outcomes
    credits = GaugeMetricFamily("discovery_credits", "Credits per source", labels=["source"])
    credited = GaugeMetricFamily("discovery_credited_tracks", "Tracks with at least one credit, per source",
                                 labels=["source"])
    for source, (credit_count, track_count) in sorted(totals["credits"].items()):
        credits.add_metric([source], int(credit_count))
        credited.add_metric([source], int(track_count))
    yield credits
    yield credited
    verdicts = GaugeMetricFamily("discovery_cross_check", "Recordings per cross-check verdict (Genius vs MusicBrainz)",
                                 labels=["verdict"])
    for verdict, count in sorted(totals["cross_check"].items()):
        verdicts.add_metric([verdict], int(count))
    yield verdicts


def _waiting_families(conn: psycopg.Connection, ticks_s: dict[str, float]) -> Iterator[Any]:
    """What `discovery status` calls a stall, as gauges: alert on discovery_queue_stalled == 1."""
    age = GaugeMetricFamily(
        "discovery_queue_oldest_visible_age_seconds",
        "How long a work queue's longest-waiting readable message has been ready (0 when none)",
        labels=["queue"],
    )
    tick = GaugeMetricFamily(
        "discovery_queue_tick_seconds", "Seconds between a queue's bridge ticks", labels=["queue"]
    )
    stalled = GaugeMetricFamily(
        "discovery_queue_stalled",
        f"1 when a readable message waited more than {STALL_TICKS}x the queue's tick "
        "(beat down or no pool; status also rules out a paused API and a full pool)",
        labels=["queue"],
    )
    for queue in QUEUES:
        waited = queues.oldest_visible_age_s(conn, queue) or 0
        seconds = ticks_s.get(queue, DEFAULT_INTERVALS_S.get(queue, 0.0))
        age.add_metric([queue], float(waited))
        tick.add_metric([queue], seconds)
        stalled.add_metric([queue], 1.0 if seconds and waited > STALL_TICKS * seconds else 0.0)
    yield from (age, tick, stalled)


def _queue_families(rows: Iterable[queues.QueueMetrics]) -> Iterator[Any]:
    depth = GaugeMetricFamily(
        "discovery_queue_depth",
        "Messages in a PGMQ queue, visible or not (DLQs included)",
        labels=["queue"],
    )
    visible = GaugeMetricFamily(
        "discovery_queue_visible", "Messages in a PGMQ queue ready to be read", labels=["queue"]
    )
    oldest = GaugeMetricFamily(
        "discovery_queue_oldest_message_age_seconds",
        "Age of a queue's oldest message (0 when empty)",
        labels=["queue"],
    )
    sent = CounterMetricFamily(
        "discovery_queue_sent", "Messages ever sent to a PGMQ queue", labels=["queue"]
    )
    dlq = GaugeMetricFamily(
        "discovery_dlq_depth", "Dead letters waiting in a work queue's DLQ", labels=["queue"]
    )
    for row in rows:
        depth.add_metric([row.queue], row.length)
        visible.add_metric([row.queue], row.visible)
        oldest.add_metric([row.queue], float(row.oldest_age_s or 0))
        sent.add_metric([row.queue], row.total_sent)
        work_queue = row.queue.removesuffix(DLQ_SUFFIX)
        if row.queue.endswith(DLQ_SUFFIX) and work_queue in QUEUES:
            dlq.add_metric([work_queue], row.length)
    yield from (depth, visible, oldest, sent, dlq)


def _batch_families(rows: list[tuple[str, retention.MetricTotals]]) -> Iterator[Any]:
    batches = CounterMetricFamily(
        "discovery_bridge_batches", "Batches the bridge read", labels=["queue"]
    )
    read = CounterMetricFamily(
        "discovery_bridge_messages_read", "Messages the bridge read", labels=["queue"]
    )
    dispatched = CounterMetricFamily(
        "discovery_bridge_messages_dispatched",
        "Messages the bridge handed to Celery",
        labels=["queue"],
    )
    dead = CounterMetricFamily(
        "discovery_bridge_messages_dead_lettered",
        "Messages the bridge dead-lettered",
        labels=["queue"],
    )
    seconds = CounterMetricFamily(
        "discovery_bridge_batch_duration_seconds", "Time spent on bridge batches", labels=["queue"]
    )
    per_queue: dict[str, retention.MetricTotals] = {}
    for queue, found in rows:
        per_queue.setdefault(queue, retention.MetricTotals()).add(
            found.events, found.read_count, found.dispatched, found.dead_lettered, found.duration_ms
        )
    for queue, found in per_queue.items():
        batches.add_metric([queue], found.events)
        read.add_metric([queue], found.read_count)
        dispatched.add_metric([queue], found.dispatched)
        dead.add_metric([queue], found.dead_lettered)
        seconds.add_metric([queue], found.duration_ms / 1000)
    yield from (batches, read, dispatched, dead, seconds)


def _task_families(rows: list[tuple[str, str, retention.MetricTotals]]) -> Iterator[Any]:
    tasks = CounterMetricFamily(
        "discovery_tasks",
        "Task outcomes (archived, retried, dead_lettered, superseded)",
        labels=["queue", "outcome"],
    )
    seconds = CounterMetricFamily(
        "discovery_task_duration_seconds",
        "Time spent in tasks, by outcome",
        labels=["queue", "outcome"],
    )
    for queue, outcome, found in rows:
        tasks.add_metric([queue, outcome], found.events)
        seconds.add_metric([queue, outcome], found.duration_ms / 1000)
    yield from (tasks, seconds)


def registry(database_url: str, ticks_s: dict[str, float] | None = None) -> CollectorRegistry:
    """A registry holding only this project's metrics (bridge ticks: the defaults unless given)."""
    found = CollectorRegistry(auto_describe=False)
    found.register(QueueCollector(database_url, ticks_s))
    return found


def serve(
    database_url: str,
    port: int = DEFAULT_PORT,
    host: str = DEFAULT_HOST,
    ticks_s: dict[str, float] | None = None,
) -> tuple[WSGIServer, threading.Thread]:
    """Serve /metrics in a daemon thread; port 0 picks a free port (see server.server_port)."""
    server, thread = start_http_server(port, addr=host, registry=registry(database_url, ticks_s))
    logger.info(
        "exporter listening on %s:%s",
        host,
        server.server_port,
        extra={"action": "exporter_started", "port": server.server_port},
    )
    return server, thread
