"""Settings that contradict each other refuse to start; the README lists every setting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from discovery.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_a_task_may_outlive_its_lease_because_its_heartbeat_extends_it():
    settings = Settings(_env_file=None, discovery_visibility_timeout_s=30, discovery_task_time_limit_s=270)

    assert settings.discovery_task_time_limit_s > settings.discovery_visibility_timeout_s


def test_a_soft_time_limit_at_or_above_the_hard_one_refuses_to_start():
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, discovery_task_soft_time_limit_s=270, discovery_task_time_limit_s=260)

    assert "DISCOVERY_TASK_SOFT_TIME_LIMIT_S (270) must be below DISCOVERY_TASK_TIME_LIMIT_S (260)" in str(
        refused.value
    )


def test_a_cache_on_the_broker_database_refuses_to_start():
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, redis_url="redis://r:6379/0", discovery_cache_url="redis://r:6379/0")

    assert "DISCOVERY_CACHE_URL must not be REDIS_URL" in str(refused.value)


def test_contradictions_read_from_the_environment_refuse_too(monkeypatch):
    monkeypatch.setenv("DISCOVERY_TASK_SOFT_TIME_LIMIT_S", "300")

    with pytest.raises(ValidationError, match="must be below DISCOVERY_TASK_TIME_LIMIT_S"):
        Settings(_env_file=None)


def test_the_defaults_are_coherent_and_the_cache_defaults_to_the_next_database_number():
    settings = Settings(_env_file=None, redis_url="redis://cache-host:6379/3")

    assert settings.cache_url() == "redis://cache-host:6379/4"
    assert Settings(_env_file=None, redis_url="redis://h:6379/15").cache_url() == "redis://h:6379/0"
    assert Settings(_env_file=None, redis_url="redis://h:6379").cache_url() == "redis://h:6379/1"
    socket = "unix:///run/redis.sock?db=2"
    assert Settings(_env_file=None, redis_url=socket).cache_url() == socket


def test_the_readme_lists_every_setting():
    readme = README.read_text(encoding="utf-8")
    table = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))

    expected = {name.upper() for name in Settings.model_fields}
    # Read from the environment before any settings exist, or an older name of a setting.
    also_meaningful = {"DISCOVERY_HOME", "DISCOVERY_KICK_BRIDGES", "DISCOVERY_LEASE_S"}

    assert expected - listed == set(), "settings missing from the README's table"
    assert listed - expected - also_meaningful == set(), "the README lists settings that do not exist"


@pytest.mark.parametrize("command", [["discovery", "status"], ["celery", "worker"]])
def test_a_process_started_with_contradicting_settings_refuses_with_a_message_and_no_traceback(command):
    import os
    import subprocess

    from discovery.local.processes import CELERY, DISCOVERY

    args = DISCOVERY + command[1:] if command[0] == "discovery" else CELERY + ["worker", "-Q", "artists"]
    env = {**os.environ, "DISCOVERY_TASK_SOFT_TIME_LIMIT_S": "300", "PYTHONPATH": str(README.parent)}

    done = subprocess.run(args, env=env, cwd=README.parent, capture_output=True, text=True, timeout=60)

    assert done.returncode == 1
    assert "discovery refuses to start; fix these settings:" in done.stderr
    assert "DISCOVERY_TASK_SOFT_TIME_LIMIT_S (300) must be below DISCOVERY_TASK_TIME_LIMIT_S (270)" in done.stderr
    assert "Traceback" not in done.stderr, done.stderr
