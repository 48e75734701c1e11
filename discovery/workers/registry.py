"""Which worker type handles which queue. DISCOVERY_WORKERS can replace any of them
("artist_discovery=package.module:Class"), which is how tests plug in a worker of their own."""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

from discovery.exceptions import ConfigurationError
from discovery.settings import PIPELINE, Settings
from discovery.workers.base import BaseWorker

# The real worker types, by queue (registered in settings.PIPELINE).
DEFAULT_WORKERS: dict[str, str] = {stage.queue: stage.worker for stage in PIPELINE}


def _load(path: str) -> type[BaseWorker[Any, Any]]:
    module_name, _, attr = path.partition(":")
    try:
        found = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as error:
        raise ConfigurationError(f"cannot load worker {path!r}: {error}") from error
    if not (isinstance(found, type) and issubclass(found, BaseWorker)):
        raise ConfigurationError(f"{path!r} is not a BaseWorker subclass")
    return found


@lru_cache(maxsize=32)
def _cached(path: str) -> type[BaseWorker[Any, Any]]:
    return _load(path)


def worker_for(queue: str, settings: Settings) -> type[BaseWorker[Any, Any]] | None:
    """The worker type for `queue`, or None when none is configured."""
    path = settings.worker_overrides().get(queue) or DEFAULT_WORKERS.get(queue)
    return _cached(path) if path else None
