"""The short chaos soak (the CI version of `discovery soak`): every kind of fault at least once,
each one taking effect (a kill that killed, a termination of connections that existed), then
nothing lost, nothing doubled, every poison message dead-lettered with its reason."""

from __future__ import annotations

import io
import shutil

import pytest

from discovery.proving import soak
from discovery.proving.soak.poison import POISONS
from tests.conftest import service_missing

pytestmark = pytest.mark.integration


def test_the_short_soak_survives_every_fault_with_nothing_lost_or_doubled(tmp_path, database_url):
    if shutil.which("redis-server") is None:
        service_missing("redis-server", FileNotFoundError("no redis-server on PATH: the soak runs servers of its own"))
    # Given the short plan: a small catalog, 5xx and hangs on every API, and one of each fault
    plan = soak.SoakPlan.short()
    printed = io.StringIO()

    # When it runs
    result = soak.run(plan, database_url, log_dir=tmp_path, out=printed)
    print(printed.getvalue())

    # Then nothing was lost or doubled and every check passed
    assert result.ok, printed.getvalue()
    assert (result.lost, result.doubled) == (0, 0)
    assert result.attempts["kill"] == plan.kills and result.attempts["redis"] == 1
    assert result.attempts["postgres"] == 1 and result.attempts["beat"] == 1 and result.attempts["quota"] == 1
    # and every kind of fault took effect: a kill killed a process, the termination ended at
    # least one connection, the restarts stopped a running Redis and beat, a worker met the spent
    # quota and the 429 burst (each holding its API for that reason), a request hung
    kinds = ("kill", "postgres", "redis", "beat", "quota", "burst", "hang")
    effective = {kind: result.faults[kind] for kind in kinds}
    assert all(count >= 1 for count in effective.values()), (effective, result.fault_log)
    assert sum(stats["faults"] for stats in result.sandbox.values()) > 0, "no 5xx was injected"
    assert sum(stats["hangs"] for stats in result.sandbox.values()) > 0, "no request hung"
    assert sum(stats["429"] for stats in result.sandbox.values()) > 0, "no 429 was answered"
    dead = {ledger.queue: ledger.dead_lettered for ledger in result.ledgers}
    dead_letters_expected = sum(1 for poison in POISONS if not poison.not_found)
    assert sum(dead.values()) == dead_letters_expected, "only the poison messages were dead-lettered"
    assert "nothing lost, nothing doubled" in printed.getvalue()
