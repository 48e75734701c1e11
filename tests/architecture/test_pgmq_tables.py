"""Every read of PGMQ's tables goes through discovery/pgmq/ (queues.py above all): no other module
of the package names them, and no SQL file that only other modules load does.

PGMQ's tables are its schema's q_<queue>, a_<queue>, meta and metrics. The scan looks at what
runs: string literals (f-strings too) and sql.Identifier("pgmq", ...) in Python, statements in
SQL; docstrings and comments may name the tables. Tests may read them; the rule is the package's.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PGMQ_TABLE = re.compile(r"\bpgmq\.(?:q_|a_|meta|metrics)", re.IGNORECASE)
SQL_COMMENT = re.compile(r"--[^\n]*")
SQL_FILE = re.compile(r"^[a-z_]+\.sql$")


def _strings_that_run(tree: ast.AST) -> list[ast.Constant]:
    """String literals of a module, less the bare ones (docstrings)."""
    bare = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in bare
    ]


def _names_pgmq_schema(node: ast.AST) -> bool:
    """A call like sql.Identifier("pgmq", "q_" + queue): a PGMQ table built from its parts."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func = node.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    first = node.args[0]
    return called == "Identifier" and isinstance(first, ast.Constant) and first.value == "pgmq"


def python_naming_pgmq_tables(package: Path) -> list[str]:
    """'path:line' of each place outside discovery/pgmq/ that names a PGMQ table."""
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.is_relative_to(package / "pgmq"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(package.parent))
        found += [f"{where}:{n.lineno}" for n in _strings_that_run(tree) if PGMQ_TABLE.search(n.value)]
        found += [f"{where}:{n.lineno}" for n in ast.walk(tree) if _names_pgmq_schema(n)]
    return sorted(set(found))


def sql_files_loaded_by_pgmq(package: Path, sql_dir: Path) -> set[Path]:
    """The SQL files discovery/pgmq/ loads: each it names ("attempts.sql", and queries.sql, the
    loader's default), and the migrations (pgmq.migrations applies them: they create the queues)."""
    named = set()
    for path in (package / "pgmq").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_FILE.match(node.value):
                named.add(sql_dir / node.value)
    return named | set((sql_dir / "migrations").glob("*.sql"))


def sql_naming_pgmq_tables(package: Path, sql_dir: Path) -> list[str]:
    """'path:line' of each statement naming a PGMQ table in a SQL file discovery/pgmq/ does not load."""
    loaded = sql_files_loaded_by_pgmq(package, sql_dir)
    found = []
    for path in sorted(sql_dir.rglob("*.sql")):
        if path in loaded:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if PGMQ_TABLE.search(SQL_COMMENT.sub("", line)):
                found.append(f"{path.relative_to(sql_dir.parent)}:{number}")
    return found


def test_no_module_outside_pgmq_names_pgmq_tables() -> None:
    assert python_naming_pgmq_tables(ROOT / "discovery") == []


def test_no_sql_file_that_pgmq_does_not_load_names_pgmq_tables() -> None:
    loaded = sql_files_loaded_by_pgmq(ROOT / "discovery", ROOT / "sql")
    assert {path.name for path in loaded} >= {"queries.sql", "attempts.sql", "retention.sql"}
    assert all(path.exists() for path in loaded), sorted(map(str, loaded))

    assert sql_naming_pgmq_tables(ROOT / "discovery", ROOT / "sql") == []


def test_the_scan_finds_pgmq_tables_named_outside_pgmq(tmp_path: Path) -> None:
    package, sql_dir = tmp_path / "discovery", tmp_path / "sql"
    shutil.copytree(ROOT / "discovery", package, ignore=shutil.ignore_patterns("*.json", "__pycache__"))
    shutil.copytree(ROOT / "sql", sql_dir)
    (package / "ops" / "sneaky.py").write_text(
        '"""Reads pgmq.q_artist_discovery (a docstring may say so)."""\n'
        "from psycopg import sql\n"
        "# SELECT * FROM pgmq.a_artist_discovery (a comment may too)\n"
        'WAITING = "SELECT count(*) FROM pgmq.q_artist_discovery"\n'
        'def archived(queue):\n    return f"SELECT count(*) FROM pgmq.a_{queue}"\n'
        'def dead(queue):\n    return sql.Identifier("pgmq", "q_" + queue + "_dlq")\n'
        'QUEUES = "SELECT queue_name FROM PGMQ.meta"\n'
    )
    (sql_dir / "progress.sql").write_text(
        (sql_dir / "progress.sql").read_text()
        + "\n-- waiting --\n-- from pgmq.q_artist_discovery (a comment may say so)\n"
        "SELECT count(*) FROM pgmq.q_artist_discovery;\n"
    )
    last_line = len((sql_dir / "progress.sql").read_text().splitlines())

    assert python_naming_pgmq_tables(package) == [
        "discovery/ops/sneaky.py:4",
        "discovery/ops/sneaky.py:6",
        "discovery/ops/sneaky.py:8",
        "discovery/ops/sneaky.py:9",
    ]
    assert sql_naming_pgmq_tables(package, sql_dir) == [f"sql/progress.sql:{last_line}"]
