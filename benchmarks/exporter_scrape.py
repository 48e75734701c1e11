"""How long one exporter scrape takes over a long history, before and after the rollup.

Fills a fresh database (on DATABASE_URL's server, dropped afterwards) with `--metrics` queue_metrics
rows and `--issues` worker_issues rows spread over 90 days, times scrapes while every row is still
after the watermark (what every scrape cost before rollups), then rolls up and times again:

    .venv/bin/python benchmarks/exporter_scrape.py [--metrics 1000000] [--issues 200000]
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

import psycopg
from prometheus_client import generate_latest
from psycopg.conninfo import make_conninfo

from discovery.ops import exporter
from discovery.pgmq import migrations, retention
from discovery.settings import get_settings

FILL_METRICS = """
INSERT INTO queue_metrics (recorded_at, queue, kind, outcome, duration_ms)
SELECT now() - make_interval(secs => random() * 90 * 86400),
       (ARRAY['artist_discovery','album_discovery','track_discovery','producer_identification','social_enrichment'])[1 + n %% 5],
       (ARRAY['task','task','task','batch','pause'])[1 + n %% 5],
       (ARRAY['archived','retried','dead_lettered','dispatched','paused'])[1 + n %% 5], 10
FROM generate_series(1, %s) AS n
"""
FILL_ISSUES = """
INSERT INTO worker_issues (created_at, queue, msg_id, error_type, message, payload)
SELECT now() - make_interval(secs => random() * 90 * 86400), 'producer_identification', n,
       (ARRAY['UpstreamUnavailable','RateLimited','NotFound'])[1 + n %% 3], 'staged failure', '{"a": 1}'::jsonb
FROM generate_series(1, %s) AS n
"""


def scrape_s(database_url: str, times: int = 5) -> float:
    registry = exporter.registry(database_url)
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        generate_latest(registry)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--metrics", type=int, default=1_000_000)
    parser.add_argument("--issues", type=int, default=200_000)
    args = parser.parse_args()
    database_url = make_conninfo(get_settings().database_url, dbname=f"discovery_bench_{uuid.uuid4().hex[:8]}")
    migrations.migrate(database_url, create_db=True)
    try:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(FILL_METRICS, (args.metrics,))  # type: ignore[arg-type]
            conn.execute(FILL_ISSUES, (args.issues,))  # type: ignore[arg-type]
            conn.execute("ANALYZE")
        before = scrape_s(database_url)
        with psycopg.connect(database_url, autocommit=True) as conn:
            retention.rollup(conn, lag_s=60)
            conn.execute("ANALYZE")
        after = scrape_s(database_url)
    finally:
        migrations.drop_database(database_url)
    print(f"{args.metrics} metric rows, {args.issues} issue rows over 90 days")
    print(f"  scrape, every row after the watermark (as before rollups): {before * 1000:.0f} ms")
    print(f"  scrape, rolled up (totals + rows of the last minute):     {after * 1000:.0f} ms")


if __name__ == "__main__":
    main()
