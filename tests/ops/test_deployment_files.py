"""Procfile, docker-compose.yml and Dockerfile: parsed here, since Docker is not run by tests."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from discovery.settings import QUEUE_POOLS
from tests.support.processes import REPO_ROOT

POOLS = tuple(QUEUE_POOLS.values())


def procfile() -> dict[str, str]:
    lines = (REPO_ROOT / "Procfile").read_text().splitlines()
    return dict(
        line.split(":", 1) for line in lines if line.strip() and not line.lstrip().startswith("#")
    )


def compose() -> dict:
    return yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())


def test_procfile_has_beat_one_line_per_pool_flower_exporter_and_a_sandbox_line() -> None:
    processes = procfile()
    assert "celery -A discovery beat" in processes["beat"]
    for pool in POOLS:
        assert re.search(
            rf"celery -A discovery worker -Q {pool} -n {pool}@%h --concurrency", processes[pool]
        )
    assert "${FLOWER_BASIC_AUTH:?" in processes["flower"], "refuses to start without credentials"
    assert "--basic-auth" not in processes["flower"], "credentials come from the environment only"
    assert "--address=${FLOWER_ADDRESS:-127.0.0.1}" in processes["flower"]
    assert "discovery exporter" in processes["exporter"]
    assert "discovery sandbox --port ${SANDBOX_PORT:-8765}" in processes["sandbox"]
    assert sum("beat" in command for command in processes.values()) == 1


def test_honcho_accepts_the_procfile() -> None:
    honcho = shutil.which("honcho", path=str(Path(sys.executable).parent)) or shutil.which("honcho")
    assert honcho, "honcho is a test dependency"
    result = subprocess.run(
        [honcho, "check"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert "Valid procfile" in result.stderr + result.stdout


def test_compose_parses_and_names_every_pool_and_the_supporting_services() -> None:
    services = compose()["services"]
    for name in ("postgres", "redis", "migrate", "beat", "flower", "exporter", "sandbox", *POOLS):
        assert name in services, name
    for pool in POOLS:
        command = " ".join(services[pool]["command"])
        assert f"-Q {pool} -n {pool}@" in command
        # Scalable with --scale: no fixed name or host port.
        assert "container_name" not in services[pool] and "ports" not in services[pool]
        assert (
            services[pool]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        )


def test_compose_runs_one_migration_one_beat_and_the_sandbox_only_in_the_demo_profile() -> None:
    services = compose()["services"]
    assert services["migrate"]["command"] == ["discovery", "migrate"]
    assert services["migrate"]["restart"] == "no"
    assert "deploy" not in services["beat"]
    assert services["sandbox"]["profiles"] == ["demo"]
    assert all("profiles" not in spec for name, spec in services.items() if name != "sandbox")


def test_compose_puts_flower_behind_basic_auth_and_binds_ports_to_localhost_by_default() -> None:
    services = compose()["services"]
    flower = " ".join(services["flower"]["command"])
    assert "--basic-auth" not in flower, "credentials come from the environment only"
    assert "FLOWER_BASIC_AUTH:?" in flower
    assert services["flower"]["environment"]["FLOWER_BASIC_AUTH"] == "${FLOWER_BASIC_AUTH:-}"
    assert services["flower"]["ports"] == ["${FLOWER_BIND:-127.0.0.1}:5555:5555"]
    assert services["exporter"]["ports"] == ["${EXPORTER_BIND:-127.0.0.1}:9808:9808"]


def test_the_image_is_built_from_python_311_slim_and_installs_the_project() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in dockerfile
    assert "pip install ." in dockerfile
    assert compose()["services"]["beat"]["build"] == "."


def test_compose_runs_every_app_service_as_discovery_worker_and_only_migrate_as_the_owner() -> None:
    services = compose()["services"]
    assert "discovery:discovery@" not in (REPO_ROOT / "docker-compose.yml").read_text(), "no fixed password"
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
    for name in ("beat", "flower", "exporter", *POOLS):
        url = services[name]["environment"]["DATABASE_URL"]
        assert url.startswith("postgresql://discovery_worker:${DISCOVERY_WORKER_PASSWORD:?"), name
    migrate = services["migrate"]["environment"]
    assert migrate["DATABASE_URL"].startswith("postgresql://discovery:${POSTGRES_PASSWORD:?")
    assert migrate["DISCOVERY_WORKER_PASSWORD"].startswith("${DISCOVERY_WORKER_PASSWORD:?")


def test_compose_gives_the_cache_its_own_bounded_lru_redis_and_the_broker_never_evicts() -> None:
    services = compose()["services"]
    cache = services["redis-cache"]["command"]
    assert cache[cache.index("--maxmemory") + 1].startswith("${CACHE_MAXMEMORY:-")
    assert cache[cache.index("--maxmemory-policy") + 1] == "allkeys-lru"
    broker = services["redis"]["command"]
    assert broker[broker.index("--maxmemory-policy") + 1] == "noeviction"
    for name in ("beat", *POOLS):
        env = services[name]["environment"]
        assert env["DISCOVERY_CACHE_URL"] == "redis://redis-cache:6379/0"
        assert env["REDIS_URL"] == "redis://redis:6379/0"


def test_the_exporter_binds_to_localhost_unless_told_otherwise() -> None:
    from discovery.ops.exporter import DEFAULT_HOST

    assert DEFAULT_HOST == "127.0.0.1"
    assert "--host ${EXPORTER_HOST:-127.0.0.1}" in procfile()["exporter"]
    assert compose()["services"]["exporter"]["ports"] == ["${EXPORTER_BIND:-127.0.0.1}:9808:9808"]


def test_the_example_env_file_ships_no_flower_password_and_flower_refuses_to_start_without_one() -> None:
    # Given .env.example as shipped
    values = dict(
        line.split("=", 1) for line in (REPO_ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert values["FLOWER_BASIC_AUTH"] == ""

    # When the Procfile's flower line runs with it
    done = subprocess.run(
        ["bash", "-c", procfile()["flower"].strip()], env={"PATH": os.environ["PATH"], "FLOWER_BASIC_AUTH": ""},
        capture_output=True, text=True, timeout=30,
    )

    # Then it refuses, saying what to set
    assert done.returncode != 0 and "set FLOWER_BASIC_AUTH=user:password" in done.stderr


def test_the_compose_sandbox_listens_on_every_interface_of_its_container_and_localhost_of_the_host() -> None:
    sandbox = compose()["services"]["sandbox"]
    assert sandbox["command"][sandbox["command"].index("--host") + 1] == "0.0.0.0"
    assert sandbox["ports"] == ["127.0.0.1:8765:8765"]


def test_compose_connects_as_the_worker_role_0060_makes_for_its_database() -> None:
    from psycopg.conninfo import conninfo_to_dict

    url = compose()["x-app"]["environment"]["DATABASE_URL"].replace("${DISCOVERY_WORKER_PASSWORD:?set DISCOVERY_WORKER_PASSWORD}", "pw")
    parts = conninfo_to_dict(url)
    assert parts["user"] == f"{parts['dbname']}_worker"  # discovery_role_name('worker') in that database
