"""Redis bytes per discovered artist: what stays in Redis (broker and cache servers together)
after a generated catalog is discovered, with every Spotify album and track carrying a realistic
185-country `available_markets`.

Runs the sandbox, beat and the five pools on redis-servers of its own, a fresh database on
DATABASE_URL's server (dropped afterwards), then sums MEMORY USAGE over every key. `--code DIR`
runs the pools from another checkout (e.g. the commit before the cache changes) to compare:

    .venv/bin/python benchmarks/redis_bytes_per_artist.py [--artists 20] [--code /tmp/before]
"""

from __future__ import annotations

import argparse
import itertools
import os
import string
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import redis
from psycopg.conninfo import make_conninfo

from discovery.local.processes import Supervisor, free_port, wait_for
from discovery.ops import seeding
from discovery.pgmq import migrations
from discovery.proving.soak import wait_until_drained
from discovery.sandbox.generator import generate_catalog
from discovery.sandbox.server import SandboxServer
from discovery.settings import QUEUES, get_settings

MARKETS = ["".join(pair) for pair in itertools.product(string.ascii_uppercase, repeat=2)][:185]


def with_real_markets(value: Any) -> Any:
    """Every available_markets in the catalog replaced by 185 country codes, as Spotify sends."""
    if isinstance(value, dict):
        return {k: (list(MARKETS) if k == "available_markets" else with_real_markets(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [with_real_markets(item) for item in value]
    return value


def redis_server(procs: Supervisor, name: str, directory: Path) -> str:
    port = free_port()
    directory.mkdir()
    procs.start(name, ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
                       "--save", "", "--appendonly", "no"])
    url = f"redis://127.0.0.1:{port}/0"
    wait_for(lambda: _answers(url), 30, name)
    return url


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url).ping())
    except redis.RedisError:
        return False


def key_bytes(url: str) -> tuple[int, int, Counter[str]]:
    """(keys, bytes, bytes by key prefix) over every database of one server, by MEMORY USAGE."""
    keys = total = 0
    by_prefix: Counter[str] = Counter()
    for db in range(16):
        client = redis.Redis.from_url(url.rsplit("/", 1)[0] + f"/{db}")
        for key in client.scan_iter(count=1000):
            size = int(client.memory_usage(key, samples=0) or 0)
            keys += 1
            total += size
            by_prefix[":".join(key.decode(errors="replace").split(":")[:3])] += size
    return keys, total, by_prefix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artists", type=int, default=20)
    parser.add_argument("--code", type=Path, default=None, help="checkout whose pools run (default: this one)")
    args = parser.parse_args()

    catalog, truth = generate_catalog(args.artists, 3, 6, seed=5, long_album_tracks=0)
    catalog = with_real_markets(catalog)
    database_url = make_conninfo(get_settings().database_url, dbname=f"discovery_bench_{uuid.uuid4().hex[:8]}")
    migrations.migrate(database_url, create_db=True)
    log_dir = Path(tempfile.mkdtemp(prefix="discovery-bench-"))
    procs = Supervisor(log_dir, dict(os.environ), cwd=args.code)
    sandbox = SandboxServer(catalog, spotify_mode="extended").start()
    try:
        broker = redis_server(procs, "redis-broker", log_dir / "broker")
        cache = redis_server(procs, "redis-cache", log_dir / "cache")
        procs.env.update(
            DATABASE_URL=database_url, REDIS_URL=broker, DISCOVERY_CACHE_URL=cache,
            DISCOVERY_API_BASE=sandbox.url, SPOTIFY_CLIENT_ID="bench", SPOTIFY_CLIENT_SECRET="bench",
            GENIUS_ACCESS_TOKEN="bench", INSTAGRAM_API_KEY="bench", SPOTIFY_QUOTA_MODE="extended",
            DISCOVERY_SCHEDULE=",".join(f"{queue}=1" for queue in QUEUES),
            DISCOVERY_RATE_LIMITS="spotify=1000/30,genius=200/1,musicbrainz=200/1,instagram=200/1",
        )
        if args.code:
            procs.env["PYTHONPATH"] = str(args.code)
        procs.beat()
        procs.all_pools(concurrency=2)
        started = time.monotonic()
        for artist in truth["artists"]:
            seeding.start(database_url, artist["name"])
        if not wait_until_drained(database_url, started + 900):
            sys.exit("the catalog did not drain; see " + str(log_dir))
        seconds = time.monotonic() - started
        # Measured with the pools idle, as the system stands between catalogs.
        rows = {name: key_bytes(url) for name, url in (("broker", broker), ("cache", cache))}
    finally:
        procs.stop()
        sandbox.stop()
        migrations.drop_database(database_url)
    total = sum(size for _, size, _ in rows.values())
    print(f"code: {args.code or 'this checkout'}; {args.artists} artists discovered in {seconds:.0f}s")
    for name, (keys, size, by_prefix) in rows.items():
        print(f"  {name} server: {keys} keys, {size} bytes")
        for prefix, part in by_prefix.most_common(6):
            print(f"    {prefix}: {part} bytes")
    print(f"  Redis bytes per discovered artist: {total / args.artists:,.0f}")


if __name__ == "__main__":
    main()
