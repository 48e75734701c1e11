"""A pool checks, as it starts, what it cannot work without: the credentials of the APIs its
worker types call. A missing one is one clear log line naming the setting, and
the pool exits (status 78, EX_CONFIG), rather than a retry loop of tracebacks."""

from __future__ import annotations

import logging
from typing import Any

from celery.signals import worker_init

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


@worker_init.connect
def _check_before_starting(sender: Any = None, **_: Any) -> None:
    pools = set(sender.app.amqp.queues.consume_from or {}) if sender is not None else set()
    settings = get_settings()
    lines = [
        f"missing setting {name} (needed by {', '.join(queues)}): set it in the environment or .env"
        for name, queues in missing_credentials(pools, settings).items()
    ]
    for line in lines:
        logger.error(line, extra={"action": "worker_start_refused", "reason": line})
    if lines:
        raise SystemExit(EX_CONFIG)
