"""The tree shows the architecture: upper rooms import lower ones, never the reverse.

The layers are import-linter's contract in pyproject.toml (docs/architecture.md explains them).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "discovery", tmp_path / "discovery", ignore=shutil.ignore_patterns("*.json"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_every_import_flows_down_through_the_rooms() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_a_queue_module_importing_an_operator_command_breaks_the_contract(tmp_path: Path) -> None:
    tree = copy_of_the_package(tmp_path)
    queues = tree / "discovery" / "pgmq" / "queues.py"
    queues.write_text(queues.read_text() + "\n\ndef _upward() -> None:\n    from discovery.ops import status  # noqa: F401\n")

    result = lint_imports(tree)

    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "discovery.pgmq.queues -> discovery.ops.status" in result.stdout


def test_the_sandbox_never_uses_our_own_clients(tmp_path: Path) -> None:
    tree = copy_of_the_package(tmp_path)
    server = tree / "discovery" / "sandbox" / "server.py"
    server.write_text(server.read_text() + "\n\nfrom discovery.clients import http  # noqa: E402,F401\n")

    result = lint_imports(tree)

    assert result.returncode != 0
    assert "discovery.sandbox.server -> discovery.clients.http" in result.stdout
