"""A pool (and beat) checks, as it starts, what it cannot work without: Postgres and Redis
reachable, the credentials of the APIs its worker types call, and a real MUSICBRAINZ_CONTACT when
they call the real musicbrainz.org (which blocks generic User-Agents). Each missing thing is one clear
log line naming the setting, and the process exits (status 78, EX_CONFIG), rather than a retry
loop of tracebacks. Only `discovery demo` and `discovery dev` ever start servers of their own."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
import redis
from celery.signals import beat_init, worker_init

from discovery.pgmq.sql import migration_files
from discovery.runtime.typed_celery import on
from discovery.settings import PIPELINE, Settings, get_settings

logger = logging.getLogger(__name__)

EX_CONFIG = 78
# The settings each API cannot be called without (MusicBrainz asks for none).
CREDENTIALS: dict[str, tuple[str, ...]] = {
    "spotify": ("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET"),
    "genius": ("GENIUS_ACCESS_TOKEN",),
    "instagram": ("INSTAGRAM_API_KEY",),
}


def missing_credentials(pools: set[str], settings: Settings) -> dict[str, list[str]]:
    """{setting: [queues that need it]} for the credentials the given pools need and lack."""
    from discovery.workers.registry import worker_for

    missing: dict[str, list[str]] = {}
    for stage in PIPELINE:
        if stage.pool not in pools:
            continue
        worker = worker_for(stage.queue, settings)
        for api in worker.apis if worker else ():
            for name in CREDENTIALS.get(api, ()):
                if not getattr(settings, name.lower()).get_secret_value():
                    missing.setdefault(name, []).append(stage.queue)
    return missing


def contact_needed(pools: set[str], settings: Settings) -> str | None:
    """One line when the given pools would call the real MusicBrainz without a real contact."""
    from discovery.clients.musicbrainz import contact_problem
    from discovery.workers.registry import worker_for

    queues = [
        stage.queue
        for stage in PIPELINE
        if stage.pool in pools and "musicbrainz" in getattr(worker_for(stage.queue, settings), "apis", ())
    ]
    problem = contact_problem(settings.musicbrainz_contact, settings.api_url("musicbrainz_api_url"))
    if not queues or problem is None:
        return None
    return (
        f"{problem} (needed by {', '.join(queues)}): set MUSICBRAINZ_CONTACT to an email address or URL "
        "where MusicBrainz can reach you; musicbrainz.org blocks requests without one"
    )


CONNECT_TIMEOUT_S = 3


def unreachable(settings: Settings, postgres: bool = True) -> list[str]:
    """One line per service the settings name that does not answer."""
    lines = []
    if postgres:
        try:
            with psycopg.connect(settings.database_url, connect_timeout=CONNECT_TIMEOUT_S) as conn:
                missing = _missing_migrations(conn)
            if missing:
                lines.append(f"the database (DATABASE_URL) lacks migration(s) {', '.join(missing)}: run `discovery migrate`")
        except psycopg.Error as error:
            lines.append(f"cannot reach Postgres (DATABASE_URL): {_first_line(error)}")
    try:
        client = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=CONNECT_TIMEOUT_S)
        client.ping()
        client.close()
    except (redis.RedisError, ValueError) as error:
        lines.append(f"cannot reach Redis (REDIS_URL): {_first_line(error)}")
    return lines


def _missing_migrations(conn: psycopg.Connection) -> list[str]:
    if conn.execute("SELECT to_regclass('discovery_migrations')").fetchone() == (None,):
        return ["all"]
    done = {row[0] for row in conn.execute("SELECT version FROM discovery_migrations")}
    return [path.stem for path in migration_files() if path.stem not in done]


@on(worker_init)
def _check_before_starting(sender: Any = None, **_: Any) -> None:
    pools = set(sender.app.amqp.queues.consume_from or {}) if sender is not None else set()
    settings = get_settings()
    lines = unreachable(settings) + [
        f"missing setting {name} (needed by {', '.join(queues)}): set it in the environment or .env"
        for name, queues in missing_credentials(pools, settings).items()
    ]
    contact = contact_needed(pools, settings)
    _refuse(lines + ([contact] if contact else []), "worker_start_refused")


@on(beat_init)
def _check_before_beating(sender: Any = None, **_: Any) -> None:
    _refuse(unreachable(get_settings(), postgres=False), "beat_start_refused")


def _refuse(lines: list[str], action: str) -> None:
    for line in lines:
        logger.error(line, extra={"action": action, "reason": line})
    if lines:
        raise SystemExit(EX_CONFIG)


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
