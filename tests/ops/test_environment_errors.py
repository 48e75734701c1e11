"""An environment problem (Postgres or Redis unreachable, a database not migrated) ends every
command with one line naming what to fix and a non-zero exit, never a traceback."""

from __future__ import annotations

import pytest

from discovery.ops.processes import free_port
from tests.ops.support import run_discovery

pytestmark = pytest.mark.integration

NEEDS_POSTGRES = [
    ("migrate",),
    ("seed", "Nova"),
    ("seed", "Nova", "--follow"),
    ("report", "--artist", "Nova"),
    ("artists",),
    ("dlq", "list"),
    ("status",),
    ("demo", "--no-embedded"),
    ("exporter", "--port", "0"),
]
NEEDS_REDIS = [("seed", "Nova", "--follow"), ("status",), ("demo", "--no-embedded")]


def one_line_error(result) -> str:
    output = (result.stdout + result.stderr).strip()
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    assert len(output.splitlines()) == 1, output
    return output


@pytest.mark.parametrize("args", NEEDS_POSTGRES, ids=" ".join)
def test_a_wrong_database_url_is_one_line_and_a_non_zero_exit(args, redis_url):
    closed = f"postgresql://127.0.0.1:{free_port()}/discovery"

    line = one_line_error(run_discovery(closed, redis_url, *args, timeout_s=30))

    assert "Postgres" in line and "DATABASE_URL" in line, line


@pytest.mark.parametrize("args", NEEDS_REDIS, ids=" ".join)
def test_redis_down_is_one_line_and_a_non_zero_exit(args, database_url):
    closed = f"redis://127.0.0.1:{free_port()}/0"

    line = one_line_error(run_discovery(database_url, closed, *args, timeout_s=30))

    assert "Redis" in line and "REDIS_URL" in line, line


@pytest.mark.parametrize("args", [("report", "--artist", "Nova"), ("artists",), ("seed", "Nova")], ids=" ".join)
def test_a_database_without_the_schema_says_to_migrate(args, empty_database_url, redis_url):
    line = one_line_error(run_discovery(empty_database_url, redis_url, *args, timeout_s=30))

    assert "discovery migrate" in line, line
