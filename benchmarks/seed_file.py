"""`discovery seed --file` on 100,000 lines: the issue asks at most 30 s.

Writes a file of LINES lines (names 60%, Spotify ids 20%, open.spotify.com artist URLs 10%,
repeats of earlier lines 5%, blank or too-long lines 5%), migrates a scratch database, and times
the command as an operator runs it (a process of its own, through the CLI), twice: the first run
queues, the second finds everything queued already. Usage:

    .venv/bin/python benchmarks/seed_file.py [--lines 100000]
        [--database-url postgresql://postgres@localhost:5432/postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from discovery.local.processes import DISCOVERY
from discovery.proving import scratch

ROOT = Path(__file__).resolve().parents[1]


def write_file(path: Path, lines: int) -> None:
    rng = random.Random(100_000)
    alphabet = string.ascii_letters + string.digits
    written: list[str] = []
    with path.open("w", encoding="utf-8") as handle:
        for n in range(lines):
            roll = rng.random()
            if roll < 0.60:
                line = f"Artist Number {n}"
            elif roll < 0.80:
                line = "".join(rng.choice(alphabet) for _ in range(22))
            elif roll < 0.90:
                line = "https://open.spotify.com/artist/" + "".join(rng.choice(alphabet) for _ in range(22)) + "?si=x"
            elif roll < 0.95 and written:
                line = rng.choice(written)
            else:
                line = "" if rng.random() < 0.5 else "x" * 250
            written.append(line)
            handle.write(line + "\n")


def timed_seed(env: dict[str, str], path: Path) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run(DISCOVERY + ["seed", "--file", str(path)], env=env, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return elapsed, done.stdout.splitlines()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--database-url", default="postgresql://postgres@localhost:5432/postgres")
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp(prefix="seed-file-bench-")) / "artists.txt"
    write_file(path, args.lines)
    with scratch.database(args.database_url, "discovery_seed_bench") as database_url:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url}
        first_s, first = timed_seed(env, path)
        second_s, second = timed_seed(env, path)
        with psycopg.connect(database_url) as conn:
            queued = conn.execute("SELECT count(*) FROM pgmq.q_artist_discovery_bulk").fetchone()[0]  # type: ignore[index]
    print(json.dumps({
        "lines": args.lines,
        "first_run_s": round(first_s, 1),
        "first_run": first,
        "second_run_s": round(second_s, 1),
        "second_run": second,
        "queued_in_bulk": queued,
        "bound_s": 30,
        "ratio": round(max(first_s, second_s) / 30, 2),
        "load_average": os.getloadavg(),
    }, indent=2))


if __name__ == "__main__":
    main()
