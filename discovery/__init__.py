"""discovery: finds the producers behind music.

`celery -A discovery` finds the Celery app here as `discovery.app`; it is imported on first use, so
that the lower rooms (settings, pgmq, clients) load without Celery.
"""

from typing import Any

__all__ = ["app"]


def __getattr__(name: str) -> Any:
    if name == "app":
        from discovery.runtime.app import app

        return app
    raise AttributeError(f"module 'discovery' has no attribute {name!r}")
