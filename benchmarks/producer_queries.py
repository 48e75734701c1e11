"""How fast search_producers, producer_credits and producer_collaborations answer at 100,000
producers, with the indexes of migration 0012 and without them.

Makes a scratch database (migrated like any other), fills it with generated rows in SQL
(100,000 producers; 2,000 artists with 10 albums of 10 tracks each, a fifth of the albums joint;
400,000 credits, a few producers credited far more than most), then times each function as the
median of --runs calls, drops the two indexes and times them again. The database is dropped
at the end. Usage:

    .venv/bin/python benchmarks/producer_queries.py [--producers 100000] [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid

import psycopg

from discovery.pgmq.migrations import drop_database, migrate

FILL = """
INSERT INTO artists (spotify_id, name)
SELECT 'artist' || i, 'Artist ' || i FROM generate_series(1, %(artists)s) i;

INSERT INTO albums (spotify_id, artist_spotify_id, name)
SELECT 'album' || i, 'artist' || (1 + i %% %(artists)s), 'Album ' || i FROM generate_series(1, %(artists)s * 10) i;

INSERT INTO album_artists (album_spotify_id, artist_spotify_id, position)
SELECT 'album' || i, 'artist' || (1 + i %% %(artists)s), 1 FROM generate_series(1, %(artists)s * 10) i
UNION ALL
SELECT 'album' || i, 'artist' || (1 + (i + 1) %% %(artists)s), 2 FROM generate_series(1, %(artists)s * 10) i WHERE i %% 5 = 0;

INSERT INTO tracks (spotify_id, album_spotify_id, name, track_number, recording_key)
SELECT 'track' || i, 'album' || (1 + i / 10), 'Track ' || i, 1 + i %% 10, 'isrc:' || i
FROM generate_series(0, %(artists)s * 100 - 1) i;

INSERT INTO producers (name, normalized_name, genius_id)
SELECT n, lower(n), i FROM (
    SELECT i, (ARRAY['Aaron','Bianca','Caleb','Dana','Elliot','Farah','Gideon','Hana','Isaac','Jonas',
                     'Kira','Leon','Maya','Nico','Olive','Priya','Quentin','Rosa','Silas','Tara'])[1 + i %% 20]
              || ' ' ||
              (ARRAY['Alvarez','Brandt','Castillo','Dorsey','Ekwueme','Fontaine','Garvey','Holloway','Ibarra',
                     'Jansen','Kowalski','Lindqvist','Mbeki','Navarro','Okafor','Petrov','Quinlan','Rinaldi',
                     'Sato','Thorne'])[1 + (i / 20) %% 20]
              || ' ' || i AS n
    FROM generate_series(1, %(producers)s) i
) named;

-- Four credits per track on average; producer ids skewed so some are credited thousands of times.
INSERT INTO track_producers (track_id, producer_id, source, role, confidence)
SELECT DISTINCT ON (t.id, p.id) t.id, p.id, 'genius', 'producer', 0.95
FROM tracks t
CROSS JOIN generate_series(1, 4) k
CROSS JOIN LATERAL (SELECT (1 + floor(power(random(), 3) * %(producers)s))::bigint + 0 * k + 0 * t.id AS id) p
ON CONFLICT DO NOTHING;
ANALYZE;
"""


def timed(conn: psycopg.Connection, statement: str, params: tuple, runs: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        rows = len(conn.execute(statement, params).fetchall())  # type: ignore[arg-type]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), rows


def measure(conn: psycopg.Connection, heavy: int, typical: int, runs: int) -> list[tuple[str, float, int]]:
    cases = [
        ("search_producers('kowals')  (partial, 1 in 20 names)", "SELECT * FROM search_producers(%s)", ("kowals",)),
        ("search_producers('Máya Thörne 1')  (accents, case)", "SELECT * FROM search_producers(%s)", ("Máya Thörne 1",)),
        ("producer_credits(most credited producer)", "SELECT * FROM producer_credits(%s)", (heavy,)),
        ("producer_credits(a typical producer)", "SELECT * FROM producer_credits(%s)", (typical,)),
        ("producer_collaborations(most credited producer)", "SELECT * FROM producer_collaborations(%s)", (heavy,)),
        ("producer_collaborations(a typical producer)", "SELECT * FROM producer_collaborations(%s)", (typical,)),
    ]
    return [(label, *timed(conn, statement, params, runs)) for label, statement, params in cases]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--producers", type=int, default=100_000)
    parser.add_argument("--artists", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    server = os.environ.get("BENCH_SERVER_URL", "postgresql://postgres@localhost:5432")
    name = f"discovery_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"{server}/{name}"
        migrate(url)
        with psycopg.connect(url, autocommit=True) as conn:
            started = time.perf_counter()
            for statement in filter(str.strip, FILL.split(";\n")):
                conn.execute(statement, {"artists": args.artists, "producers": args.producers})  # type: ignore[arg-type]
            counts = conn.execute(
                "SELECT (SELECT count(*) FROM producers), (SELECT count(*) FROM tracks),"
                " (SELECT count(*) FROM track_producers)"
            ).fetchone()
            heavy, most = conn.execute(
                "SELECT producer_id, count(*) FROM track_producers GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
            ).fetchone()  # type: ignore[misc]
            typical, usual = conn.execute(
                "SELECT producer_id, n FROM (SELECT producer_id, count(*) n FROM track_producers GROUP BY 1) c"
                " ORDER BY n, producer_id OFFSET (SELECT count(DISTINCT producer_id) / 2 FROM track_producers) LIMIT 1"
            ).fetchone()  # type: ignore[misc]
            print(f"filled in {time.perf_counter() - started:.0f} s: {counts[0]:,} producers, {counts[1]:,} tracks, "
                  f"{counts[2]:,} credits; most credited producer {most:,} credits, typical {usual}")
            with_indexes = measure(conn, heavy, typical, args.runs)
            print("\nplan of the search's scan (inside search_producers):")
            for (line,) in conn.execute(
                "EXPLAIN SELECT id FROM producers WHERE normalized_name LIKE %s", ("%kowals%",)
            ):
                print("    " + line)
            conn.execute("DROP INDEX producers_normalized_name_trgm_idx, track_producers_producer_idx")
            conn.execute("ANALYZE")
            without = measure(conn, heavy, typical, max(3, args.runs // 5))
        print("\n| call | rows | median ms, with the indexes | median ms, without | ratio |\n| --- | --- | --- | --- | --- |")
        for (label, fast, rows), (_, slow, _) in zip(with_indexes, without, strict=True):
            print(f"| {label} | {rows:,} | {fast:.1f} | {slow:.1f} | {slow / fast:.0f}x |")
    finally:
        drop_database(f"{server}/{name}")  # and the roles its migrations made (0060)


if __name__ == "__main__":
    main()
