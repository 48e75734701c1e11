"""The supervisor never loses a child to a Ctrl-C: one pressed while a child is being started
is raised once that child is recorded, so stopping finds it (in its own session, a child
missed would outlive the command)."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from discovery.local.processes import Supervisor


def test_ctrl_c_while_a_child_starts_is_raised_after_the_child_is_recorded(tmp_path, monkeypatch):
    real_popen = subprocess.Popen

    def popen_then_ctrl_c(*args, **kwargs):
        proc = real_popen(*args, **kwargs)
        signal.raise_signal(signal.SIGINT)  # the user presses Ctrl-C just as the child exists
        return proc

    procs = Supervisor(tmp_path, {})
    monkeypatch.setattr(subprocess, "Popen", popen_then_ctrl_c)
    try:
        with pytest.raises(KeyboardInterrupt):
            procs.start("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"])
        monkeypatch.undo()

        [(name, child)] = procs.started
        assert name == "sleeper" and child.poll() is None
    finally:
        monkeypatch.undo()
        children = [child for _, child in procs.started]
        procs.stop(grace_s=5)
    assert all(child.poll() is not None for child in children)
