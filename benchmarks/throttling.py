"""Backpressure at scale: a generated catalog of many artists seeded at once against a tight
shared Spotify limit, with several processes per pool competing and few attempts allowed.

Starts the sandbox (with the same Spotify window as ours), beat and the five pools as real
processes on a fresh database and an empty Redis database number, seeds every artist at once,
waits until every queue is empty, and prints: dead letters, task outcomes, 429s, Spotify calls,
the bound the limit sets (calls / allowed rate), the run's time and their ratio. Usage:

    .venv/bin/python benchmarks/throttling.py [--artists 500] [--spotify 25/5] [--concurrency 3]
        [--max-attempts 2] [--by-id] [--pg-admin-url postgresql://postgres@localhost:5432/postgres]
        [--redis-base-url redis://localhost:6379]
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psycopg
import redis

from discovery.clients.ratelimit import SharedRateLimit, parse_rate_limits
from discovery.local.processes import DISCOVERY, Supervisor
from discovery.ops.demo import FAST_SCHEDULE
from discovery.pgmq import migrations
from discovery.sandbox.generator import generate_catalog
from discovery.sandbox.server import SandboxServer
from discovery.settings import QUEUES

ROOT = Path(__file__).resolve().parents[1]
# The test suite's marker on a Redis database number it uses: we claim ours the same way.
CLAIM_KEY = "discovery-tests:claimed-by"


def claim_redis(base_url: str) -> tuple[str, redis.Redis]:
    token = f"benchmark-{uuid.uuid4().hex}"
    for db in range(1, 16):
        client = redis.Redis.from_url(f"{base_url}/{db}")
        if client.dbsize() == 0 and client.set(CLAIM_KEY, token, nx=True):
            if client.dbsize() == 1:
                return f"{base_url}/{db}", client
            client.delete(CLAIM_KEY)
    raise SystemExit("no empty Redis database number to use")


def count(database_url: str, sql: str) -> dict[str, int]:
    with psycopg.connect(database_url) as conn:
        return {str(row[0]): int(row[1]) for row in conn.execute(sql)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artists", type=int, default=500)
    parser.add_argument("--spotify", default="25/5", help="the shared Spotify limit, N/SECONDS")
    parser.add_argument("--concurrency", type=int, default=3)
    parser.add_argument("--max-attempts", type=int, default=2)
    parser.add_argument("--by-id", action="store_true", help="seed by Spotify id instead of by name")
    parser.add_argument("--pg-admin-url", default="postgresql://postgres@localhost:5432/postgres")
    parser.add_argument("--redis-base-url", default="redis://localhost:6379")
    args = parser.parse_args()
    # Stopped with SIGTERM, still stop the processes and drop what we made (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    rate = parse_rate_limits(f"spotify={args.spotify}")["spotify"]
    catalog, truth = generate_catalog(artists=args.artists, albums=2, tracks=2, seed=500, long_album_tracks=0)
    names = [artist["name"] for artist in truth["artists"]]
    db_name = f"discovery_bench_{uuid.uuid4().hex[:8]}"
    database_url = args.pg_admin_url.rpartition("/")[0] + "/" + db_name
    redis_url, claimed = claim_redis(args.redis_base_url)
    sandbox = SandboxServer(catalog, spotify_mode="extended", rate={"spotify": (rate.requests, rate.per_s)}).start()
    env = {
        **dict(__import__("os").environ),
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DISCOVERY_API_BASE": sandbox.url,
        "SPOTIFY_CLIENT_ID": "bench",
        "SPOTIFY_CLIENT_SECRET": "bench",
        "GENIUS_ACCESS_TOKEN": "bench",
        "INSTAGRAM_API_KEY": "bench",
        "SPOTIFY_QUOTA_MODE": "extended",
        "DISCOVERY_SCHEDULE": FAST_SCHEDULE,
        "DISCOVERY_RATE_LIMITS": f"spotify={rate},genius=200/1,musicbrainz=200/1,instagram=200/1",
        "DISCOVERY_MAX_ATTEMPTS": str(args.max_attempts),
        "DISCOVERY_LOG_FORMAT": "text",
    }
    subprocess.run(DISCOVERY + ["migrate", "--create-db"], env=env, cwd=ROOT, check=True, capture_output=True)
    log_dir = Path(tempfile.mkdtemp(prefix="throttling-bench-"))
    procs = Supervisor(log_dir, env, cwd=ROOT)
    full_s = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal full_s
        limit = SharedRateLimit("spotify", rate, redis_url)
        while not stop.wait(0.5):
            if limit.used() >= rate.requests - 1:
                full_s += 0.5

    try:
        procs.beat()
        procs.all_pools(concurrency=args.concurrency)
        started = time.monotonic()
        with psycopg.connect(database_url, autocommit=True) as conn:
            for artist in truth["artists"]:
                if args.by_id:
                    conn.execute("SELECT start_artist_discovery_by_id(%s)", (artist["spotify_id"],))
                else:
                    conn.execute("SELECT start_artist_discovery(%s)", (artist["name"],))
        threading.Thread(target=sample, daemon=True).start()
        depth_sql = " UNION ALL ".join(f"SELECT '{q}', count(*) FROM pgmq.q_{q}" for q in QUEUES)
        while sum(count(database_url, depth_sql).values()) > 0:
            time.sleep(1)
        elapsed_s = time.monotonic() - started
        stop.set()
        stats = sandbox.stats()["spotify"]
        calls = int(stats["requests"]) - int(stats["endpoints"].get("token", {}).get("requests", 0))
        bound_s = calls / (rate.requests / rate.per_s)
        result = {
            "artists": len(names),
            "spotify_limit": str(rate),
            "pool_processes_per_worker_type": args.concurrency,
            "max_attempts": args.max_attempts,
            "dead_letters": count(database_url, " UNION ALL ".join(
                f"SELECT '{q}', count(*) FROM pgmq.q_{q}_dlq" for q in QUEUES)),
            "archived": count(database_url, " UNION ALL ".join(
                f"SELECT '{q}', count(*) FROM pgmq.a_{q}" for q in QUEUES)),
            "task_outcomes": count(database_url,
                                   "SELECT outcome, count(*) FROM queue_metrics WHERE kind = 'task' GROUP BY outcome"),
            "worker_issues": count(database_url, "SELECT error_type, count(*) FROM worker_issues GROUP BY error_type"),
            "spotify_calls": calls,
            "spotify_429": int(stats["429"]),
            "window_full_s": full_s,
            "bound_s": round(bound_s, 1),
            "elapsed_s": round(elapsed_s, 1),
            "ratio": round(elapsed_s / bound_s, 3),
        }
        print(json.dumps(result, indent=2))
    finally:
        stop.set()
        procs.stop()
        sandbox.stop()
        migrations.drop_database(database_url)  # and the roles its migrations made (0060)
        claimed.flushdb()
        print(f"logs: {log_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
