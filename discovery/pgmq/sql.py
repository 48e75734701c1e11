"""Loads the project's SQL: named runtime queries and ordered migrations, from the top-level sql/."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import LiteralString

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
MIGRATIONS_DIR = SQL_DIR / "migrations"
_BLOCK_START = re.compile(r"^-- ([a-z_]+) --$", re.MULTILINE)


def parse_named_queries(text: str) -> dict[str, str]:
    """Split a file of "-- name --" blocks into {name: statement}."""
    parts = _BLOCK_START.split(text)
    queries: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in queries:
            raise ValueError(f"query {name!r} is defined twice")
        queries[name] = body.strip()
    return queries


@cache
def queries(filename: str = "queries.sql") -> dict[str, LiteralString]:
    """The named queries of sql/`filename`: trusted text (it ships with the code), so each is a
    LiteralString, which psycopg's execute asks for."""
    return parse_named_queries((SQL_DIR / filename).read_text(encoding="utf-8"))


def query(name: str) -> LiteralString:
    """The statement named `name` in sql/queries.sql (trusted text: it ships with the code)."""
    return queries()[name]


def migration_files() -> list[Path]:
    """Migrations in the order they apply: NNNN_description.sql, sorted by number."""
    return sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql"))
