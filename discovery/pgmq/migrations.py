"""`discovery migrate`: make sure PGMQ is there, then apply sql/migrations in order, each once.

PGMQ: where the server offers the `pgmq` extension (Supabase, or a server that has it) it is
created as an extension; otherwise the SQL-only PGMQ bundled in the `pgmq` package is
installed. A database that already has PGMQ, either way, is left alone.
"""

from __future__ import annotations

import hashlib
import logging

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from discovery.pgmq.sql import migration_files

logger = logging.getLogger(__name__)

_LEDGER = """
CREATE TABLE IF NOT EXISTS discovery_migrations (
    version     text PRIMARY KEY,
    applied_at  timestamptz NOT NULL DEFAULT now()
)
"""
# Serialises concurrent `migrate` runs (several containers starting at once).
_MIGRATE_LOCK_KEY = 7_135_146_221


def create_database_if_missing(database_url: str) -> bool:
    """Create the database named in the URL through the server's `postgres` database."""
    params = conninfo_to_dict(database_url)
    name = str(params.get("dbname") or "")
    if not name:
        raise ValueError("DATABASE_URL names no database")
    admin_url = make_conninfo(database_url, dbname="postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    logger.info("database created", extra={"action": "database_created", "database": name})
    return True


def drop_database(database_url: str) -> None:
    """Drop the database named in the URL (its connections closed), through `postgres`, and the
    roles of its own (0060) that no other database still grants anything."""
    name = str(conninfo_to_dict(database_url).get("dbname") or "")
    roles: list[str] = []
    try:
        with psycopg.connect(database_url, autocommit=True) as conn:
            if conn.execute("SELECT to_regclass('discovery_roles') IS NOT NULL").fetchone() == (True,):
                roles = [str(row[0]) for row in conn.execute("SELECT role FROM discovery_roles")]
    except psycopg.OperationalError:
        pass  # no such database: nothing of its own to drop
    with psycopg.connect(make_conninfo(database_url, dbname="postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        for role in roles:
            try:
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
            except psycopg.errors.DependentObjectsStillExist:
                pass  # a copy of this database (or another database) still grants it


def pgmq_installed(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT to_regclass('pgmq.meta') IS NOT NULL").fetchone()
    return bool(row and row[0])


def pgmq_extension_available(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pgmq'").fetchone()
    return row is not None


def ensure_pgmq(conn: psycopg.Connection) -> str:
    """Install PGMQ unless it is there; returns what happened: present, extension or bundled."""
    if pgmq_installed(conn):
        return "present"
    if pgmq_extension_available(conn):
        conn.execute("CREATE EXTENSION IF NOT EXISTS pgmq")
        how = "extension"
    else:
        from pgmq import get_embedded_install_sql, get_embedded_sql_version

        conn.execute(get_embedded_install_sql())
        how = f"bundled {get_embedded_sql_version()}"
    logger.info("pgmq installed", extra={"action": "pgmq_installed", "how": how})
    return how


def role_of(conn: psycopg.Connection, kind: str = "worker") -> str:
    """This database's role of `kind` (0060: `<database>_<kind>`, e.g. `discovery_worker` for the
    database `discovery`), as its migrations recorded it."""
    row = conn.execute("SELECT role FROM discovery_roles WHERE kind = %s", (kind,)).fetchone()
    if row is None:
        raise LookupError(f"this database has no {kind} role (is it migrated?)")
    return str(row[0])


def default_role_name(database: str, kind: str) -> str:
    """The role 0060's discovery_role_name(kind) gives a database: `<database>_<kind>`, or
    `db_<md5 of the database name>_<kind>` past Postgres's 63 bytes."""
    name = f"{database}_{kind}"
    return name if len(name.encode()) <= 63 else f"db_{hashlib.md5(database.encode()).hexdigest()}_{kind}"


def scram_verifier(conn: psycopg.Connection, role: str, password: str) -> str:
    """`password` as the SCRAM-SHA-256 verifier Postgres stores, computed here by libpq: the
    password itself never travels in SQL (pg_stat_activity, the server's statement log)."""
    return conn.pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256").decode("ascii")


def enable_login(conn: psycopg.Connection, kind: str, password: str) -> str:
    """Let this database's role of `kind` (worker, reader) log in with `password` (the owner runs
    this; migrations made the role); returns the role."""
    role = role_of(conn, kind)
    conn.execute(
        sql.SQL("ALTER ROLE {} WITH LOGIN PASSWORD {}").format(
            sql.Identifier(role), sql.Literal(scram_verifier(conn, role, password))
        )
    )
    logger.info("role may log in", extra={"action": "role_login_enabled", "role": role, "kind": kind})
    return role


def enable_worker_login(conn: psycopg.Connection, password: str) -> str:
    """Let this database's worker role log in with `password`; returns the role."""
    return enable_login(conn, "worker", password)


def migrate(
    database_url: str, *, create_db: bool = False, worker_password: str = "", reader_password: str = ""
) -> list[str]:
    """Apply what has not been applied yet; returns the versions applied by this run. With a
    worker_password (reader_password), this database's worker (reader) role can then log in with it."""
    if create_db:
        create_database_if_missing(database_url)
    applied: list[str] = []
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_MIGRATE_LOCK_KEY,))
        try:
            with conn.transaction():
                ensure_pgmq(conn)
            conn.execute(_LEDGER)
            done = {row[0] for row in conn.execute("SELECT version FROM discovery_migrations")}
            for path in migration_files():
                version = path.stem
                if version in done:
                    continue
                with conn.transaction():
                    conn.execute(path.read_text(encoding="utf-8"))
                    conn.execute(
                        "INSERT INTO discovery_migrations (version) VALUES (%s)", (version,)
                    )
                applied.append(version)
                logger.info(
                    "migration applied", extra={"action": "migration_applied", "version": version}
                )
            if worker_password:
                enable_worker_login(conn, worker_password)
            if reader_password:
                enable_login(conn, "reader", reader_password)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATE_LOCK_KEY,))
    return applied
