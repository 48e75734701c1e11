"""An environment problem (Postgres or Redis unreachable, a database not migrated) ends every
command with one line naming what to fix and a non-zero exit, never a traceback.

The commands run in-process through click's test runner (the same `discovery` group, exit codes
and output as the console script; a subprocess per case would cost a second each)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from discovery.cli import cli
from discovery.local.processes import free_port
from discovery.settings import get_settings
from tests.conftest import PG_ADMIN_URL

pytestmark = pytest.mark.integration


class Result:
    def __init__(self, returncode: int, output: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, output, ""


def run_discovery(database_url: str, redis_url: str, *args: str, timeout_s: float = 30) -> Result:
    get_settings.cache_clear()
    try:
        done = CliRunner().invoke(cli, list(args), env={"DATABASE_URL": database_url, "REDIS_URL": redis_url})
    finally:
        get_settings.cache_clear()
    assert not isinstance(done.exception, AssertionError | NameError | TypeError), done.output
    return Result(done.exit_code, done.output)

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


@pytest.mark.parametrize("args", [("migrate",), ("dlq", "list"), ("report", "--artist", "Nova")], ids=" ".join)
def test_a_database_that_does_not_exist_says_to_create_it(args, redis_url):
    missing = PG_ADMIN_URL.rpartition("/")[0] + "/discovery_never_created_here"

    line = one_line_error(run_discovery(missing, redis_url, *args))

    assert "does not exist" in line and "discovery migrate --create-db" in line, line
