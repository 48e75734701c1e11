"""No module of the package is over MAX_LINES lines: a longer one holds more than one concept and
is split by concept (as ops/status is into a room: collect, model, readings,
attention and table)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 400


def line_counts(package: Path) -> dict[str, int]:
    return {
        str(path.relative_to(package.parent)): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(package.rglob("*.py"))
    }


def test_no_module_of_the_package_is_over_the_limit() -> None:
    counts = line_counts(ROOT / "discovery")

    assert len(counts) > 50, "the scan found the package's modules"
    assert {name: n for name, n in counts.items() if n > MAX_LINES} == {}


def test_a_module_over_the_limit_is_found(tmp_path: Path) -> None:
    package = tmp_path / "discovery"
    (package / "ops").mkdir(parents=True)
    (package / "ops" / "small.py").write_text("x = 1\n" * MAX_LINES)
    (package / "ops" / "big.py").write_text("x = 1\n" * (MAX_LINES + 1))

    over = {name for name, n in line_counts(package).items() if n > MAX_LINES}

    assert over == {"discovery/ops/big.py"}
