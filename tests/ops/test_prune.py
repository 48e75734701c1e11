"""Retention: `discovery prune` removes what is old, keeps the DLQs and what status and the
exporter show; the exporter's and status's queries use an index at any age."""

from __future__ import annotations

import psycopg
import pytest
from prometheus_client import generate_latest

from discovery.ops import exporter
from discovery.pgmq import queues, records, retention
from discovery.pgmq.sql import queries, query
from tests.ops.support import count, dead_letter, run_discovery

pytestmark = pytest.mark.integration

OLD = "now() - interval '40 days'"


def stage_history(conn: psycopg.Connection) -> int:
    """Old and recent metrics, issues and archived messages, and one old dead letter; returns
    the dead letter's DLQ msg_id."""
    conn.execute(
        f"INSERT INTO queue_metrics (recorded_at, queue, kind, outcome, duration_ms) "
        f"SELECT {OLD}, 'artist_discovery', 'task', 'archived', 10 FROM generate_series(1, 50)"
    )
    conn.execute(
        f"INSERT INTO queue_metrics (recorded_at, queue, kind, outcome, read_count, dispatched) "
        f"SELECT {OLD}, 'artist_discovery', 'batch', 'drained', 3, 3 FROM generate_series(1, 20)"
    )
    records.record_task(conn, queue="artist_discovery", outcome="archived", msg_id=1, duration_ms=5)
    conn.execute(
        f"INSERT INTO worker_issues (created_at, queue, msg_id, error_type, message) "
        f"SELECT {OLD}, 'album_discovery', n, 'UpstreamUnavailable', 'old 5xx' FROM generate_series(1, 30) n"
    )
    for _ in range(3):
        msg_id = queues.send(conn, "album_discovery", {"artistId": "a" * 22, "offset": 0})
        queues.archive(conn, "album_discovery", msg_id)
    conn.execute(f"UPDATE pgmq.a_album_discovery SET archived_at = {OLD}")
    recent = queues.send(conn, "album_discovery", {"artistId": "b" * 22, "offset": 0})
    queues.archive(conn, "album_discovery", recent)
    dlq_id = dead_letter(conn, "track_discovery", {"albumId": "h" * 22}, error_type="NotFound", failures=2)
    conn.execute(f"UPDATE worker_issues SET created_at = {OLD} WHERE queue = 'track_discovery'")
    conn.execute(f"UPDATE pgmq.q_track_discovery_dlq SET enqueued_at = {OLD}")
    conn.execute(f"UPDATE pgmq.a_track_discovery SET archived_at = {OLD}")
    return dlq_id


def counters(database_url: str) -> list[str]:
    text = generate_latest(exporter.registry(database_url)).decode()
    wanted = ("discovery_tasks_total", "discovery_bridge_messages", "discovery_worker_issues_total")
    return sorted(line for line in text.splitlines() if line.startswith(wanted))


def test_prune_removes_old_archives_metrics_and_issues_and_keeps_dead_letters_and_totals(
    database_url, redis_url
):
    # Given 40-day-old history, a recent task and archive, and a 40-day-old dead letter
    with psycopg.connect(database_url, autocommit=True) as conn:
        dlq_id = stage_history(conn)
    before = counters(database_url)
    assert 'discovery_tasks_total{lane="interactive",outcome="archived",queue="artist_discovery"} 51.0' in before

    # When the operator prunes what is older than 30 days
    done = run_discovery(database_url, redis_url, "prune", "--older-than", "30d")

    # Then the old rows are gone, the recent ones stay
    assert done.returncode == 0, done.stderr
    assert "removed" in done.stdout and "dead letters in the DLQs are kept" in done.stdout
    with psycopg.connect(database_url, autocommit=True) as conn:
        assert count(conn, "SELECT count(*) FROM queue_metrics") == 1
        assert count(conn, "SELECT count(*) FROM worker_issues WHERE queue = 'album_discovery'") == 0
        assert count(conn, "SELECT count(*) FROM pgmq.a_album_discovery") == 1
        # And the dead letter waits in its DLQ with the issues that explain it
        assert [row.msg_id for row in queues.dead_letters(conn, ["track_discovery"])] == [dlq_id]
        assert count(conn, "SELECT count(*) FROM worker_issues WHERE queue = 'track_discovery'") == 2
    # And the exporter's all-time counters are what they were
    assert counters(database_url) == before


def test_a_dry_run_counts_what_would_go_and_removes_nothing(database_url, redis_url):
    with psycopg.connect(database_url, autocommit=True) as conn:
        stage_history(conn)

    done = run_discovery(database_url, redis_url, "prune", "--older-than", "30d", "--dry-run")

    assert done.returncode == 0, done.stderr
    assert "queue_metrics: would remove 70" in done.stdout
    assert "worker_issues: would remove 30" in done.stdout
    assert "pgmq.a_album_discovery: would remove 3" in done.stdout
    with psycopg.connect(database_url, autocommit=True) as conn:
        assert count(conn, "SELECT count(*) FROM queue_metrics") == 71
        assert count(conn, "SELECT count(*) FROM worker_issues") == 32


def test_prune_refuses_to_take_the_last_hour_that_status_reads(database_url, redis_url):
    done = run_discovery(database_url, redis_url, "prune", "--older-than", "30m")

    assert done.returncode != 0
    assert "keep at least 1h" in done.stderr


def plan(conn: psycopg.Connection, statement: str, params: dict) -> str:
    rows = conn.execute("EXPLAIN " + statement, params).fetchall()
    return "\n".join(row[0] for row in rows)


def test_the_scrape_and_status_queries_use_an_index_over_a_long_history(database_url):
    # Given a long history, all of it rolled up, and a few rows since
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO queue_metrics (recorded_at, queue, kind, outcome) "
            "SELECT now() - make_interval(secs => n * 60), 'track_discovery', 'task', 'archived' "
            "FROM generate_series(61, 60060) n"
        )
        conn.execute(
            "INSERT INTO worker_issues (created_at, queue, error_type, message) "
            "SELECT now() - make_interval(secs => n * 60), 'track_discovery', 'NotFound', 'x' "
            "FROM generate_series(61, 30060) n"
        )
        mark = retention.rollup(conn, lag_s=3600)
        records.record_task(conn, queue="track_discovery", outcome="archived", msg_id=1, duration_ms=1)
        conn.execute("ANALYZE queue_metrics")
        conn.execute("ANALYZE worker_issues")

        # When the planner plans a scrape's queries and status's last hour
        scrape = plan(conn, queries("retention.sql")["metric_totals_since"], {"watermark": mark})
        issues = plan(conn, queries("retention.sql")["issue_totals_since"], {"watermark": mark})
        status = plan(conn, query("ops_task_outcomes_since"), {"window_s": 3600})

    # Then each reads an index range, not the whole table
    for found in (scrape, issues, status):
        assert "Seq Scan" not in found, found
        assert "Index" in found, found
    assert "recorded_at_idx" in scrape and "created_at_idx" in issues


def test_the_beat_tasks_roll_up_and_prune_when_run_by_a_pool(tmp_path, database_url, redis_url):
    from celery import Celery

    from discovery.runtime.schedule import PRUNE_TASK, ROLLUP_TASK, UPKEEP_POOL
    from tests.support.processes import running, service_env, wait_for

    # Given 40-day-old history and the pool that runs the upkeep
    with psycopg.connect(database_url, autocommit=True) as conn:
        stage_history(conn)
    env = service_env(DATABASE_URL=database_url, REDIS_URL=redis_url, DISCOVERY_RETENTION_S=str(30 * 86400))
    sender = Celery("test-upkeep", broker=redis_url, set_as_current=False)
    with running(tmp_path, env) as procs:
        procs.worker(UPKEEP_POOL, concurrency=1)

        # When beat's two upkeep tasks arrive
        sender.send_task(ROLLUP_TASK, queue=UPKEEP_POOL)
        sender.send_task(PRUNE_TASK, queue=UPKEEP_POOL)

        # Then the old rows go and the totals count them
        def pruned() -> bool:
            with psycopg.connect(database_url, autocommit=True) as conn:
                return count(conn, "SELECT count(*) FROM queue_metrics") == 1

        wait_for(pruned, 60, "the upkeep pool to prune")
    sender.close()
    with psycopg.connect(database_url, autocommit=True) as conn:
        assert count(conn, "SELECT sum(events) FROM queue_metric_totals WHERE kind = 'task'") == 50
        assert count(conn, "SELECT count(*) FROM pgmq.a_album_discovery") == 1
