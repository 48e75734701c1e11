"""docs/architecture.md lists the tree: every room and module of the package, and every SQL file,
no more and no fewer.

The tree is the page's first code block. A line at the left margin opens a top folder
(`discovery/`, `sql/`); two spaces in, an entry of it (a module, a SQL file, or a folder ending in
/); four spaces in, modules of the room above (names without .py) or a room inside it (ending in
/); six spaces in, modules of that inner room. An entry's names come before
its first run of two spaces (several names: separated by commas); what follows, and any line
indented deeper, describes them.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
DESCRIPTION_GAP = re.compile(r"\s{2,}")


def listed_in(doc_text: str) -> set[str]:
    """What the tree names, as paths from the repository root ("discovery/ops/status.py")."""
    tree = doc_text.split("```")[1]
    listed: set[str] = set()
    top = room = inner = ""
    for line in tree.splitlines():
        indent = len(line) - len(line.lstrip())
        names_part = DESCRIPTION_GAP.split(line.strip())[0]
        names = [name.strip() for name in names_part.split(",") if name.strip()]
        if not names:
            continue
        if indent == 0:
            top, room = names_part, ""
        elif indent == 2:
            room = names[-1] if top == "discovery/" and names[-1].endswith("/") else ""
            listed.update(top + name for name in names)
        elif indent == 4 and room:
            inner = names[-1] if names[-1].endswith("/") else ""
            listed.update(f"{top}{room}{name}" if name.endswith("/") else f"{top}{room}{name}.py" for name in names)
        elif indent == 6 and room and inner:
            listed.update(f"{top}{room}{inner}{name}.py" for name in names)
    return listed


def present_in(root: Path) -> set[str]:
    """The package's top-level modules, rooms and their modules; sql/'s files and folders."""
    package, sql_dir = root / "discovery", root / "sql"
    present = {f"discovery/{path.name}" for path in package.glob("*.py")}
    for room in package.iterdir():
        if (room / "__init__.py").exists():
            present.update(_room(room, f"discovery/{room.name}/"))
            for inner in room.iterdir():
                if (inner / "__init__.py").exists():
                    present.update(_room(inner, f"discovery/{room.name}/{inner.name}/"))
    present.update(f"sql/{path.name}" for path in sql_dir.glob("*.sql"))
    present.update(f"sql/{path.name}/" for path in sql_dir.iterdir() if path.is_dir())
    return present


def _room(folder: Path, prefix: str) -> set[str]:
    """A room and its modules (its __init__ is described on the room's own line)."""
    return {prefix} | {prefix + path.name for path in folder.glob("*.py") if path.name != "__init__.py"}


def test_the_doc_lists_the_tree_as_it_is() -> None:
    listed, present = listed_in(DOC.read_text(encoding="utf-8")), present_in(ROOT)

    assert sorted(present - listed) == [], "in the tree but not in docs/architecture.md"
    assert sorted(listed - present) == [], "in docs/architecture.md but not in the tree"


def test_the_doc_names_every_room_and_top_level_module() -> None:
    listed = listed_in(DOC.read_text(encoding="utf-8"))

    rooms = {"ops", "runtime", "workers", "catalog", "clients", "sandbox", "pgmq"}
    assert {f"discovery/{room}/" for room in rooms} <= listed
    assert {"discovery/seed.py", "discovery/settings.py", "sql/queries.sql", "sql/migrations/"} <= listed


DOC_SAMPLE = """
Some prose.

```
discovery/
  seed.py           the way in
  ops/              commands
    cli               the command
    bench, bench_runs
                      `discovery bench`, and
                      its measurements
  pgmq/             plumbing
    queues            the queues
sql/
  migrations/       append-only
  queries.sql, store.sql
                    by name
```

```
not/
  the_tree.py
```
"""


def test_the_reading_of_the_tree() -> None:
    assert listed_in(DOC_SAMPLE) == {
        "discovery/seed.py",
        "discovery/ops/",
        "discovery/ops/cli.py",
        "discovery/ops/bench.py",
        "discovery/ops/bench_runs.py",
        "discovery/pgmq/",
        "discovery/pgmq/queues.py",
        "sql/migrations/",
        "sql/queries.sql",
        "sql/store.sql",
    }


def test_drift_either_way_is_found(tmp_path: Path) -> None:
    (tmp_path / "discovery" / "ops").mkdir(parents=True)
    (tmp_path / "discovery" / "ops" / "__init__.py").write_text("")
    (tmp_path / "discovery" / "ops" / "cli.py").write_text("")
    (tmp_path / "discovery" / "ops" / "new_command.py").write_text("")  # not in the doc
    (tmp_path / "discovery" / "seed.py").write_text("")
    (tmp_path / "sql" / "migrations").mkdir(parents=True)
    (tmp_path / "sql" / "queries.sql").write_text("")
    (tmp_path / "sql" / "attempts.sql").write_text("")  # not in the doc

    listed, present = listed_in(DOC_SAMPLE), present_in(tmp_path)

    assert sorted(present - listed) == ["discovery/ops/new_command.py", "sql/attempts.sql"]
    assert sorted(listed - present) == [
        "discovery/ops/bench.py",
        "discovery/ops/bench_runs.py",
        "discovery/pgmq/",
        "discovery/pgmq/queues.py",
        "sql/store.sql",
    ]
