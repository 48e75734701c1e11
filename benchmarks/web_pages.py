"""How fast each of the platform's pages answers at 100,000 producers: median and p95 over --runs
requests each, against a 100 ms ceiling.

The catalog is the producer-query benchmark's (benchmarks/producer_queries.py: 100,000
producers, 2,000 artists with 10 albums of 10 tracks, about 800,000 credits skewed so a few
producers hold thousands), made in a scratch database unless --database-url names one filled
already. `discovery web` runs as its own process (uvicorn, reading as discovery_reader); the
requests come one after another over one keep-alive HTTP connection, as a browser's would, and
time the whole answer (status, headers, body). Usage:

    .venv/bin/python benchmarks/web_pages.py [--producers 100000] [--runs 40] [--database-url URL]
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg

from discovery.pgmq.migrations import drop_database, migrate

sys.path.insert(0, str(Path(__file__).resolve().parent))
from producer_queries import FILL  # noqa: E402  (the same catalog as the producer-query figures)

CEILING_MS = 100.0
REPO_ROOT = Path(__file__).resolve().parents[1]


def fill(url: str, producers: int, artists: int) -> None:
    migrate(url)
    with psycopg.connect(url, autocommit=True) as conn:
        started = time.perf_counter()
        for statement in filter(str.strip, FILL.split(";\n")):
            conn.execute(statement, {"artists": artists, "producers": producers})  # type: ignore[arg-type]
        print(f"filled in {time.perf_counter() - started:.0f} s")


def pages(url: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(label, path) for each kind of page, with the producers and the artist it is shown for;
    and the pages of the next most credited producers, for their first views."""
    with psycopg.connect(url) as conn:
        heavy, most = conn.execute(
            "SELECT producer_id, count(*) FROM track_producers GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        ).fetchone()  # type: ignore[misc]
        typical, usual = conn.execute(
            "SELECT producer_id, n FROM (SELECT producer_id, count(*) n FROM track_producers GROUP BY 1) c"
            " ORDER BY n, producer_id OFFSET (SELECT count(DISTINCT producer_id) / 2 FROM track_producers) LIMIT 1"
        ).fetchone()  # type: ignore[misc]
        busiest = [row[0] for row in conn.execute(
            "SELECT producer_id FROM track_producers GROUP BY 1 ORDER BY count(*) DESC LIMIT 6 OFFSET 1"
        )]
        artist, tracks = conn.execute(
            "SELECT aa.artist_spotify_id, count(*) FROM album_artists aa JOIN tracks t ON t.album_spotify_id = aa.album_spotify_id"
            " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"
        ).fetchone()  # type: ignore[misc]
        counts = conn.execute("SELECT (SELECT count(*) FROM producers), (SELECT count(*) FROM track_producers)").fetchone()
    print(f"{counts[0]:,} producers, {counts[1]:,} credits; most credited producer {most:,} credits, "  # type: ignore[index]
          f"typical {usual}; the artist with most tracks has {tracks}")
    return [
        ("/ (search box, changes)", "/"),
        ("/search?q=kowals (1 in 20 names match)", "/search?q=kowals"),
        ("/search?q=Máya Thörne 1 (accents, case)", "/search?q=" + quote("Máya Thörne 1")),
        ("/search as you type (results only)", "/search?partial=1&q=kowals"),
        (f"/producers/{{id}}, a typical producer ({usual} credits)", f"/producers/{typical}"),
        (f"/producers/{{id}}, the most credited ({most:,} credits)", f"/producers/{heavy}"),
        ("/producers/{id}?page=20, the most credited", f"/producers/{heavy}?page=20"),
        (f"/artists/{{spotify_id}} ({tracks} tracks)", f"/artists/{artist}"),
        ("/seed (the form)", "/seed"),
    ], [f"/producers/{producer}" for producer in busiest]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url, "DISCOVERY_WEB_DATABASE_URL": "", "PYTHONPATH": str(REPO_ROOT)}
    web = subprocess.Popen([sys.executable, "-m", "discovery.cli", "web", "--port", str(port)], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return web
        except OSError:
            if web.poll() is not None:
                raise SystemExit(f"discovery web exited: {web.stderr.read().decode() if web.stderr else ''}") from None
            time.sleep(0.2)
    raise SystemExit("discovery web did not answer within 60 s")


def timed(connection: http.client.HTTPConnection, path: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        times.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}: {body[:300]!r}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--producers", type=int, default=100_000)
    parser.add_argument("--artists", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--database-url", help="A database filled by this benchmark already (kept afterwards).")
    args = parser.parse_args()
    server = os.environ.get("BENCH_SERVER_URL", "postgresql://postgres@localhost:5432")
    name = f"discovery_bench_{uuid.uuid4().hex[:8]}"
    url = args.database_url or f"{server}/{name}"
    if not args.database_url:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    web = None
    try:
        if not args.database_url:
            fill(url, args.producers, args.artists)
        cases, first_views = pages(url)
        port = free_port()
        web = serve(url, port)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        # A producer's counts are read on a first view; a costly one is then kept for 5 minutes.
        first = [timed(connection, path, 1)[0] for path in first_views]
        for _, path in cases:
            timed(connection, path, 2)  # warm the pool's connections and the server's caches
        print(f"\n{args.runs} requests per page, one after another; ceiling {CEILING_MS:.0f} ms; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the start\n")
        print("| page | median ms | p95 ms | ceiling / p95 |\n| --- | --- | --- | --- |")
        for label, path in cases:
            times = timed(connection, path, args.runs)
            p95 = statistics.quantiles(times, n=20)[18]
            print(f"| {label} | {statistics.median(times):.1f} | {p95:.1f} | {CEILING_MS / p95:.1f}x |")
        print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
        print(f"first view of the {len(first)} next most credited producers (their counts read, then kept): "
              + ", ".join(f"{ms:.0f}" for ms in first) + " ms")
    finally:
        if web is not None:
            web.terminate()
            web.wait(timeout=10)
        if not args.database_url:
            drop_database(f"{server}/{name}")  # and the roles its migrations made (0060)


if __name__ == "__main__":
    main()
