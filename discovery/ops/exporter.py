"""`discovery exporter`: Prometheus metrics for what Flower cannot see, read from Postgres on
every scrape (a custom collector), except the coverage counts: they read every track, so they are
read at most once per COVERAGE_EVERY_S and reused in between, and a scraper (or anyone who can
reach the port: it has no login and listens on 127.0.0.1 by default) cannot load the database
faster than that.

- every PGMQ queue's and DLQ's depth, visible messages, oldest message age, messages ever sent;
  a lane's queue is labelled with its stage and `lane` (pgmq/lanes): {queue="album_discovery",
  lane="bulk"} is album_discovery_bulk, {queue="album_discovery_dlq", lane="bulk"} its DLQ;
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
from discovery.pgmq import lanes, queues, retention
from discovery.pgmq.lanes import all_queues
from discovery.runtime.schedule import DEFAULT_INTERVALS_S, STALL_TICKS
from discovery.settings import DLQ_SUFFIX

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
        labels=["queue", "lane", "error_type"],
    )
    per_lane: dict[tuple[str, str, str], int] = {}
    for (queue, error_type), count in retention.issue_totals(conn).items():
        key = (*queue_and_lane(queue), error_type)
        per_lane[key] = per_lane.get(key, 0) + count
    for key, count in sorted(per_lane.items()):
        issues.add_metric(list(key), count)
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
        labels=["queue", "lane"],
    )
    tick = GaugeMetricFamily(
        "discovery_queue_tick_seconds", "Seconds between a queue's bridge ticks", labels=["queue", "lane"]
    )
    stalled = GaugeMetricFamily(
        "discovery_queue_stalled",
        f"1 when a readable message waited more than {STALL_TICKS}x the queue's tick "
        "(beat down or no pool; status also rules out a paused API and a full pool)",
        labels=["queue", "lane"],
    )
    for queue in all_queues():
        labels = list(queue_and_lane(queue))
        waited = queues.oldest_visible_age_s(conn, queue) or 0
        seconds = ticks_s.get(labels[0], DEFAULT_INTERVALS_S.get(labels[0], 0.0))
        age.add_metric(labels, float(waited))
        tick.add_metric(labels, seconds)
        stalled.add_metric(labels, 1.0 if seconds and waited > STALL_TICKS * seconds else 0.0)
    yield from (age, tick, stalled)


def queue_and_lane(name: str) -> tuple[str, str]:
    """The labels of a PGMQ queue: its stage (with `_dlq` for a DLQ) and its lane; a queue that
    is no lane of a stage keeps its name, with the lane "interactive"."""
    work = name.removesuffix(DLQ_SUFFIX)
    try:
        stage, lane = lanes.stage_and_lane(work)
    except lanes.UnknownLane:
        return name, lanes.INTERACTIVE
    return (stage + DLQ_SUFFIX if work != name else stage), lane


def _queue_families(rows: Iterable[queues.QueueMetrics]) -> Iterator[Any]:
    labels = ["queue", "lane"]
    depth = GaugeMetricFamily(
        "discovery_queue_depth", "Messages in a PGMQ queue, visible or not (DLQs included)", labels=labels
    )
    visible = GaugeMetricFamily("discovery_queue_visible", "Messages in a PGMQ queue ready to be read", labels=labels)
    oldest = GaugeMetricFamily(
        "discovery_queue_oldest_message_age_seconds", "Age of a queue's oldest message (0 when empty)", labels=labels
    )
    sent = CounterMetricFamily("discovery_queue_sent", "Messages ever sent to a PGMQ queue", labels=labels)
    dlq = GaugeMetricFamily("discovery_dlq_depth", "Dead letters waiting in a work queue's DLQ", labels=labels)
    for row in rows:
        queue, lane = queue_and_lane(row.queue)
        depth.add_metric([queue, lane], row.length)
        visible.add_metric([queue, lane], row.visible)
        oldest.add_metric([queue, lane], float(row.oldest_age_s or 0))
        sent.add_metric([queue, lane], row.total_sent)
        if row.queue.endswith(DLQ_SUFFIX) and row.queue.removesuffix(DLQ_SUFFIX) in all_queues():
            dlq.add_metric([queue.removesuffix(DLQ_SUFFIX), lane], row.length)
    yield from (depth, visible, oldest, sent, dlq)


def _batch_families(rows: list[tuple[str, retention.MetricTotals]]) -> Iterator[Any]:
    labels = ["queue", "lane"]
    batches = CounterMetricFamily("discovery_bridge_batches", "Batches the bridge read", labels=labels)
    read = CounterMetricFamily("discovery_bridge_messages_read", "Messages the bridge read", labels=labels)
    dispatched = CounterMetricFamily(
        "discovery_bridge_messages_dispatched", "Messages the bridge handed to Celery", labels=labels
    )
    dead = CounterMetricFamily(
        "discovery_bridge_messages_dead_lettered", "Messages the bridge dead-lettered", labels=labels
    )
    seconds = CounterMetricFamily(
        "discovery_bridge_batch_duration_seconds", "Time spent on bridge batches", labels=labels
    )
    per_queue: dict[tuple[str, str], retention.MetricTotals] = {}
    for queue, found in rows:
        per_queue.setdefault(queue_and_lane(queue), retention.MetricTotals()).add(
            found.events, found.read_count, found.dispatched, found.dead_lettered, found.duration_ms
        )
    for key, found in sorted(per_queue.items()):
        batches.add_metric(list(key), found.events)
        read.add_metric(list(key), found.read_count)
        dispatched.add_metric(list(key), found.dispatched)
        dead.add_metric(list(key), found.dead_lettered)
        seconds.add_metric(list(key), found.duration_ms / 1000)
    yield from (batches, read, dispatched, dead, seconds)


def _task_families(rows: list[tuple[str, str, retention.MetricTotals]]) -> Iterator[Any]:
    labels = ["queue", "lane", "outcome"]
    tasks = CounterMetricFamily(
        "discovery_tasks", "Task outcomes (archived, retried, dead_lettered, superseded)", labels=labels
    )
    seconds = CounterMetricFamily("discovery_task_duration_seconds", "Time spent in tasks, by outcome", labels=labels)
    per_lane: dict[tuple[str, str, str], retention.MetricTotals] = {}
    for queue, outcome, found in rows:
        per_lane.setdefault((*queue_and_lane(queue), outcome), retention.MetricTotals()).add(
            found.events, found.read_count, found.dispatched, found.dead_lettered, found.duration_ms
        )
    for key, found in sorted(per_lane.items()):
        tasks.add_metric(list(key), found.events)
        seconds.add_metric(list(key), found.duration_ms / 1000)
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
