"""The operator's room and the proving room are two rooms: the harness that measures and proves the
system (bench, soak, chaos, scratch databases) lives in discovery/proving, and nothing of the
running system imports it. Only the entry point (discovery/cli.py) adds its commands."""

from __future__ import annotations

import ast
from pathlib import Path

from click.testing import CliRunner

from discovery.cli import cli

PACKAGE = Path(__file__).resolve().parents[2] / "discovery"
HARNESS_PREFIXES = ("bench", "soak", "chaos", "scratch")
# What `discovery --help` listed before the split; the split changes where commands live, not which.
COMMANDS_BEFORE_THE_SPLIT = [
    "artists", "bench", "coverage", "demo", "dev", "dlq", "exporter", "graph", "migrate", "producer",
    "producers", "prune", "report", "sandbox", "seed", "soak", "status",
]
# Commands added since, each by the entry point beside the room it drives (issues 22 and 27).
COMMANDS_ADDED_SINCE = ["changes", "refresh", "watch", "web"]
COMMANDS = sorted(COMMANDS_BEFORE_THE_SPLIT + COMMANDS_ADDED_SINCE)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_the_operators_room_holds_at_most_twenty_modules_and_no_harness() -> None:
    ops = PACKAGE / "ops"
    entries = [path for path in ops.iterdir() if path.suffix == ".py" and path.name != "__init__.py"]
    entries += [path for path in ops.iterdir() if (path / "__init__.py").exists()]
    every_module = [path.stem for path in ops.rglob("*.py")]

    assert len(entries) <= 20, sorted(path.name for path in entries)
    assert [name for name in every_module if name.startswith(HARNESS_PREFIXES)] == []


def test_the_harness_is_in_the_proving_room() -> None:
    proving = {path.relative_to(PACKAGE / "proving").as_posix() for path in (PACKAGE / "proving").rglob("*.py")}

    assert {"bench.py", "bench_runs.py", "chaos.py", "scratch.py", "soak/runner.py"} <= proving


def test_nothing_but_the_entry_point_imports_the_proving_room() -> None:
    importers = sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "proving" not in path.relative_to(PACKAGE).parts
        and any(module.startswith("discovery.proving") for module in imported_modules(path))
    )

    assert importers == ["cli.py"]


def test_discovery_help_lists_the_commands_of_before_the_split_and_those_added_since() -> None:
    result = CliRunner().invoke(cli, ["--help"])

    assert result.exit_code == 0, result.output
    command_lines = result.output.split("Commands:")[1].strip().splitlines()
    assert [line.split()[0] for line in command_lines] == COMMANDS
    assert sorted(cli.commands) == COMMANDS
