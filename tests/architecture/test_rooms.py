"""The tree shows the architecture: upper rooms import lower ones, never the reverse.

The layers are import-linter's contract in pyproject.toml (docs/architecture.md explains them).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


UPWARD_IMPORTS = {
    "a queue module importing an operator command": (
        "pgmq/queues.py",
        "\n\ndef _upward() -> None:\n    from discovery.ops import status  # noqa: F401\n",
        "discovery.pgmq.queues -> discovery.ops.status",
    ),
    "an operator command importing the proving harness": (
        "ops/status/__init__.py",
        "\n\nfrom discovery.proving import scratch  # noqa: E402,F401\n",
        "discovery.ops.status -> discovery.proving.scratch",
    ),
    "the sandbox using our own clients": (
        "sandbox/server.py",
        "\n\nfrom discovery.clients import http  # noqa: E402,F401\n",
        "discovery.sandbox.server -> discovery.clients.http",
    ),
}


@pytest.mark.parametrize("case", UPWARD_IMPORTS, ids=list(UPWARD_IMPORTS))
def test_a_forbidden_import_breaks_the_contract(tmp_path: Path, case: str) -> None:
    module, added_import, reported = UPWARD_IMPORTS[case]
    tree = copy_of_the_package(tmp_path)
    path = tree / "discovery" / module
    path.write_text(path.read_text() + added_import)

    result = lint_imports(tree)

    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert reported in result.stdout
