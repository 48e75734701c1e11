"""The short chaos soak (the CI version of `discovery soak`): every kind of fault at least once,
then nothing lost, nothing doubled, every poison message dead-lettered with its reason."""

from __future__ import annotations

import io
import shutil

import pytest

from discovery.ops import soak
from discovery.ops.poison import POISONS

pytestmark = pytest.mark.integration


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="the soak runs redis-servers of its own")
def test_the_short_soak_survives_every_fault_with_nothing_lost_or_doubled(tmp_path, database_url):
    # Given the short plan: a small catalog, 5xx and hangs on every API, and one of each fault
    plan = soak.SoakPlan.short()
    printed = io.StringIO()

    # When it runs
    result = soak.run(plan, database_url, log_dir=tmp_path, out=printed)

    # Then nothing was lost or doubled and every check passed
    assert result.ok, printed.getvalue()
    assert (result.lost, result.doubled) == (0, 0)
    assert result.faults["kill"] == plan.kills and result.faults["redis"] == 1
    assert result.faults["postgres"] == 1 and result.faults["beat"] == 1 and result.faults["quota"] == 1
    assert sum(stats["faults"] for stats in result.sandbox.values()) > 0, "no 5xx was injected"
    assert sum(stats["429"] for stats in result.sandbox.values()) > 0, "no 429 was answered"
    dead = {ledger.queue: ledger.dead_lettered for ledger in result.ledgers}
    dead_letters_expected = sum(1 for poison in POISONS if not poison.not_found)
    assert sum(dead.values()) == dead_letters_expected, "only the poison messages were dead-lettered"
    assert "nothing lost, nothing doubled" in printed.getvalue()
