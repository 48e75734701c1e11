"""`discovery bench --json` puts the figures a script reads under their keys, and `--only` names
a part it knows (the bench itself runs in tests/ops/test_bench.py)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from discovery.cli import cli
from discovery.proving.bench import Figure, as_json


def test_the_json_puts_each_keyed_figure_at_the_top_and_every_figure_under_figures() -> None:
    # Given a no-op's CPU, a pipeline message's CPU and a figure without a key
    figures = [
        Figure("CPU per Celery no-op task", 1.9, "ms", key="noop_cpu_ms"),
        Figure("busy CPU per pipeline message", 7.5, "ms", "≤ 8", True, key="cpu_ms_per_message"),
        Figure("bridge time per batch", 4.0, "ms"),
    ]

    # When they are printed as JSON
    printed = json.loads(as_json(figures))

    # Then the keyed ones are read by key, and all three are there in full
    assert printed["noop_cpu_ms"] == 1.9
    assert printed["cpu_ms_per_message"] == 7.5
    assert [figure["name"] for figure in printed["figures"]] == [figure.name for figure in figures]
    assert printed["figures"][1]["met"] is True


def test_only_refuses_a_part_the_bench_does_not_have() -> None:
    # When the bench is asked for a part it does not have
    result = CliRunner().invoke(cli, ["bench", "--only", "memory"])

    # Then it says which parts there are, and measures nothing
    assert result.exit_code == 2
    assert "throughput" in result.output
