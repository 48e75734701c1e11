"""Adding a worker type takes the four steps docs/architecture.md names, and nothing else.

On a copy of the source tree, the test takes exactly those steps for a toy sixth worker type
(`lyrics_lookup`, pool `lyrics`), then runs migrate, beat and the new pool as real processes from
that copy, and sends it one good and one malformed message. Then `discovery dlq list` and
`discovery status`, run from that copy too, show the new queue, its DLQ and its pool: both read
the list of queues, nothing names the five.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from discovery.local.processes import DISCOVERY, Supervisor
from tests.support.processes import REPO_ROOT, running, service_env, wait_for

pytestmark = pytest.mark.integration


def add(path: Path, text: str) -> None:
    path.write_text(path.read_text() + textwrap.dedent(text))


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name} no longer has {old!r}: update docs/architecture.md"
    path.write_text(text.replace(old, new))


def take_the_four_steps(tree: Path) -> None:
    # 1. Create its queue (and the table it writes), in a migration of its own.
    (tree / "sql" / "migrations" / "9001_lyrics_lookup.sql").write_text(
        "SELECT pgmq.create('lyrics_lookup');\n"
        "SELECT pgmq.create('lyrics_lookup_dlq');\n"
        "SELECT discovery_grant_queue('lyrics_lookup');\n"
        "CREATE TABLE lyrics_seen (track_id text PRIMARY KEY, seen_at timestamptz NOT NULL DEFAULT now());\n"
    )
    # 2. Give its messages a shape.
    messages = tree / "discovery" / "pgmq" / "messages.py"
    replace_once(messages, "MODELS: dict[str, type[_Message]] = {", 'MODELS: dict[str, type[_Message]] = {\n    "lyrics_lookup": LyricsLookup,')
    replace_once(
        messages,
        "\n\nMODELS: dict",
        '\n\nclass LyricsLookup(_Message):\n    trackId: str = Field(min_length=1, max_length=64)\n\n\nMODELS: dict',
    )
    # 3. Subclass BaseWorker.
    (tree / "discovery" / "workers" / "lyrics.py").write_text(
        textwrap.dedent(
            '''
            """A toy worker type: records that it saw a track."""

            from discovery.pgmq.messages import LyricsLookup
            from discovery.workers.base import BaseWorker, Transaction


            class LyricsWorker(BaseWorker[LyricsLookup, str]):
                queue = "lyrics_lookup"
                apis = ()

                def fetch(self, message: LyricsLookup) -> str:
                    return message.trackId

                def write(self, tx: Transaction, message: LyricsLookup, fetched: str) -> None:
                    tx.conn.execute(
                        "INSERT INTO lyrics_seen (track_id) VALUES (%s) ON CONFLICT DO NOTHING", (fetched,)
                    )
            '''
        )
    )
    # 4. Register it, with its schedule: one line in settings.PIPELINE.
    replace_once(
        tree / "discovery" / "settings.py",
        "PIPELINE: tuple[Stage, ...] = (",
        'PIPELINE: tuple[Stage, ...] = (\n    Stage("lyrics_lookup", "lyrics", "discovery.workers.lyrics:LyricsWorker", 1),',
    )


@pytest.fixture
def extended_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(REPO_ROOT / "discovery", tree / "discovery", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO_ROOT / "sql", tree / "sql")
    shutil.copy(REPO_ROOT / "celeryconfig.py", tree / "celeryconfig.py")
    take_the_four_steps(tree)
    return tree


@pytest.fixture
def pool_of_the_new_type(
    tmp_path: Path, extended_tree: Path, empty_database_url: str, redis_url: str
) -> Iterator[Supervisor]:
    env = service_env(
        PYTHONPATH=str(extended_tree),
        DATABASE_URL=empty_database_url,
        REDIS_URL=redis_url,
        DISCOVERY_SCHEDULE="artist_discovery=3600,album_discovery=3600,track_discovery=3600,"
        "producer_identification=3600,social_enrichment=3600",
        DISCOVERY_KICK_BRIDGES="false",
    )
    with running(tmp_path, env, cwd=extended_tree) as procs:
        migrate = procs.start("migrate", [*DISCOVERY, "migrate"])
        assert migrate.wait(timeout=120) == 0, procs.logs()
        procs.worker("lyrics", concurrency=1)
        procs.beat()
        yield procs


def test_a_sixth_worker_type_added_in_four_steps_processes_its_messages(
    pool_of_the_new_type: Supervisor, empty_database_url: str
) -> None:
    with psycopg.connect(empty_database_url, autocommit=True) as db:
        good = db.execute("SELECT pgmq.send('lyrics_lookup', '{\"trackId\": \"t-1\"}')").fetchone()[0]
        bad = db.execute("SELECT pgmq.send('lyrics_lookup', '{\"trackId\": 7}')").fetchone()[0]

        wait_for(
            lambda: db.execute("SELECT count(*) FROM pgmq.q_lyrics_lookup").fetchone()[0] == 0,
            60,
            "the lyrics pool to empty its queue",
        )

        assert db.execute("SELECT track_id FROM lyrics_seen").fetchall() == [("t-1",)]
        [(dead,)] = db.execute("SELECT message FROM pgmq.q_lyrics_lookup_dlq").fetchall()
        assert dead["source_msg_id"] == bad
        assert "trackId" in dead["reason"]
        archived = {row[0] for row in db.execute("SELECT msg_id FROM pgmq.a_lyrics_lookup")}
        assert archived == {good, bad}  # the good one done, the bad one moved to its DLQ

    dead_letters = run_json(pool_of_the_new_type, "dlq", "list", "--json")
    [listed] = [dead for dead in dead_letters if dead["queue"] == "lyrics_lookup"]
    assert listed["dlq"] == "lyrics_lookup_dlq"
    assert listed["source_msg_id"] == bad
    assert "trackId" in listed["reason"]

    # Exit 1: the other five pools have no worker here, and the new DLQ just received a message.
    status = run_json(pool_of_the_new_type, "status", "--json", "--timeout", "5", exit_code=1)
    queue = status["queues"]["lyrics_lookup"]
    assert (queue["pool"], queue["visible"], queue["dlq_size"]) == ("lyrics", 0, 1)
    assert queue["processed_last_hour"] == 1  # the good one
    assert status["pools"]["lyrics"]["online"] is True
    assert any(line.startswith("lyrics_lookup_dlq holds 1 message(s)") for line in status["attention"])


def run_json(procs: Supervisor, *args: str, exit_code: int = 0) -> Any:
    """Run `discovery ARGS` from the extended tree, with the pool's environment; its JSON output."""
    done = subprocess.run(
        [*DISCOVERY, *args], env=procs.env, cwd=procs.cwd, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == exit_code, done.stdout + done.stderr
    return json.loads(done.stdout)
