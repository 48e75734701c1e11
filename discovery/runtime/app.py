"""The Celery app. `celery -A discovery worker -Q artists` finds it as discovery.app."""

from __future__ import annotations

from typing import Any

from celery import Celery
from celery.signals import setup_logging

from discovery.logs import configure_logging
from discovery.runtime.typed_celery import on

app = Celery("discovery", include=["discovery.runtime.tasks", "discovery.runtime.startup"])
app.config_from_object("celeryconfig")


@on(setup_logging)
def _our_logging(loglevel: Any = None, **_: Any) -> None:
    """Celery's own log lines and ours share one format (JSON with DISCOVERY_LOG_FORMAT=json)."""
    configure_logging(loglevel or "INFO")
