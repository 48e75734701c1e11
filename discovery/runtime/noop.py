"""A task that does nothing but count itself: `discovery bench` measures Celery's own ceiling with
it, on a pool started like the workers' (`celery -A discovery worker -I discovery.runtime.noop`)."""

from __future__ import annotations

from discovery.clients.redis_pool import shared_redis
from discovery.runtime.app import app
from discovery.runtime.typed_celery import task
from discovery.settings import get_settings

NOOP_TASK = "discovery.noop"


@task(app, name=NOOP_TASK, ignore_result=True)
def noop(counter_key: str) -> None:
    shared_redis(get_settings().redis_url).incr(counter_key)
