"""Which worker type handles which queue. DISCOVERY_WORKERS can replace any of them
("artist_discovery=package.module:Class"), which is how tests plug in a worker of their own."""

from __future__ import annotations

import ast
import importlib
import inspect
from functools import lru_cache
from typing import Any

from discovery.exceptions import ConfigurationError
from discovery.settings import APIS, PIPELINE, Settings
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
    undeclared = sorted(clients_used(found) - set(found.apis))
    if undeclared:
        # Its bridge would keep reading while those APIs are held: every read a wasted give-back.
        raise ConfigurationError(
            f"{path} calls {', '.join(undeclared)} but declares apis = {tuple(found.apis)!r}"
        )
    return found


def clients_used(worker_cls: type[BaseWorker[Any, Any]]) -> set[str]:
    """The APIs whose client modules (discovery.clients.<api>) the worker's module imports."""
    try:
        tree = ast.parse(inspect.getsource(inspect.getmodule(worker_cls) or worker_cls))
    except (OSError, TypeError):
        return set()
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    return {api for api in APIS if f"discovery.clients.{api}" in imported}


@lru_cache(maxsize=32)
def _cached(path: str) -> type[BaseWorker[Any, Any]]:
    return _load(path)


def worker_for(queue: str, settings: Settings) -> type[BaseWorker[Any, Any]] | None:
    """The worker type for `queue`, or None when none is configured."""
    path = settings.worker_overrides().get(queue) or DEFAULT_WORKERS.get(queue)
    return _cached(path) if path else None
