"""Is what the commands need around them there? Postgres reachable and migrated, Redis reachable,
settings that parse. Each problem becomes one line naming what to fix, never a traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING

import psycopg
import redis
from psycopg.conninfo import conninfo_to_dict

from discovery.exceptions import ConfigurationError, EnvironmentProblem
from discovery.pgmq.sql import migration_files

if TYPE_CHECKING:
    from discovery.settings import Settings

CONNECT_TIMEOUT_S = 3
INVALID_CATALOG_NAME = "3D000"
START_ONE = "start it, or run `discovery dev up` for a local one"


def where_postgres(url: str) -> str:
    """host:port/database of a Postgres URL, without credentials."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "(an unreadable URL)"
    return f"{params.get('host', 'localhost')}:{params.get('port', 5432)}/{params.get('dbname', '')}"


def where_redis(url: str) -> str:
    """host:port/db of a Redis URL, without credentials."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}{parts.path or '/0'}"


def postgres_problem(url: str) -> str | None:
    """None when Postgres answers at `url`; else one line saying so."""
    try:
        with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as error:
        if getattr(error, "sqlstate", None) == INVALID_CATALOG_NAME or "does not exist" in str(error):
            return f"the database {where_postgres(url)} (DATABASE_URL) does not exist; run `discovery migrate --create-db`"
        return f"cannot reach Postgres at {where_postgres(url)} (DATABASE_URL): {_first_line(error)}; {START_ONE}"
    return None


def redis_problem(url: str) -> str | None:
    """None when Redis answers at `url`; else one line saying so."""
    try:
        client = redis.Redis.from_url(url, socket_timeout=CONNECT_TIMEOUT_S, socket_connect_timeout=CONNECT_TIMEOUT_S)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, ValueError) as error:
        return f"cannot reach Redis at {where_redis(url)} (REDIS_URL): {_first_line(error)}; {START_ONE}"
    return None


def migration_problem(url: str) -> str | None:
    """None when every migration in sql/migrations has been applied to the database at `url`."""
    with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('discovery_migrations')").fetchone() == (None,):
            return f"the database {where_postgres(url)} has no schema yet; run `discovery migrate --create-db`"
        done = {row[0] for row in conn.execute("SELECT version FROM discovery_migrations")}
    missing = [path.stem for path in migration_files() if path.stem not in done]
    if missing:
        return f"the database {where_postgres(url)} lacks migration(s) {', '.join(missing)}; run `discovery migrate`"
    return None


def require(settings: Settings, *, postgres: bool = True, migrated: bool = True, redis_too: bool = False) -> None:
    """Raise EnvironmentProblem naming the first thing missing."""
    problem = None
    if postgres:
        problem = postgres_problem(settings.database_url)
        if problem is None and migrated:
            problem = migration_problem(settings.database_url)
    if problem is None and redis_too:
        problem = redis_problem(settings.redis_url)
    if problem:
        raise EnvironmentProblem(problem)


def explain(error: BaseException) -> str | None:
    """One line for an error that comes from the environment, not from a bug; else None."""
    from pydantic import ValidationError

    if isinstance(error, EnvironmentProblem | ConfigurationError):
        return str(error)
    if isinstance(error, ValidationError):
        return "bad setting: " + "; ".join(
            f"{'.'.join(str(part) for part in item['loc']).upper() or 'settings'}: {item['msg']}" for item in error.errors()
        )
    if isinstance(error, psycopg.errors.UndefinedTable | psycopg.errors.UndefinedFunction | psycopg.errors.InvalidSchemaName):
        return f"the database is not fully migrated ({_first_line(error)}); run `discovery migrate`"
    if isinstance(error, psycopg.OperationalError):
        if getattr(error, "sqlstate", None) == INVALID_CATALOG_NAME or "does not exist" in str(error):
            return f"the database DATABASE_URL names does not exist: {_first_line(error)}; run `discovery migrate --create-db`"
        return f"cannot reach Postgres (DATABASE_URL): {_first_line(error)}; {START_ONE}"
    if isinstance(error, redis.ConnectionError | redis.TimeoutError):
        return f"cannot reach Redis (REDIS_URL): {_first_line(error)}; {START_ONE}"
    try:
        from psycopg_pool import PoolTimeout
    except ImportError:  # pragma: no cover - psycopg[pool] is a dependency
        return None
    if isinstance(error, PoolTimeout):
        return f"cannot reach Postgres (DATABASE_URL): {_first_line(error)}; {START_ONE}"
    return None


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
