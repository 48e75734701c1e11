"""Wake-ups: a queue's bridge runs again when the message it gave back becomes readable, not on
beat's next tick (an hour away for the social queue on the default schedule).

A message given back with a delay (a throttled give-back, a retry's backoff) or a bridge that
left its queue alone while an API was held or its window full schedules that stage's bridge task
on the bridges queue with a Celery ETA at the end of the delay. Wake-ups are de-duplicated per
stage and WAKE_BUCKET_S through a Redis key, so a thousand give-backs at once schedule one per
stage per moment. Delays beyond WAKE_MAX_S are left to beat (the broker would hand so distant a
task out twice, and beat ticks at least hourly). Losing the broker loses the wake-ups: beat's
schedule stays the safety net.
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime

from discovery.clients.redis_pool import shared_redis
from discovery.pgmq.lanes import stage_of
from discovery.runtime.app import app
from discovery.runtime.schedule import BRIDGE_QUEUE, BRIDGE_TASK
from discovery.settings import Settings

logger = logging.getLogger(__name__)

WAKE_BUCKET_S = 0.5
# A little after the delay: the message's vt must have passed when the bridge reads.
WAKE_MARGIN_S = 0.2
WAKE_MAX_S = 600.0


def wake_later(queue: str, delay_s: float, settings: Settings) -> bool:
    """Run the bridge of `queue`'s stage once `delay_s` seconds have passed; false when a
    wake-up for that moment was already scheduled, or the delay is beat's to cover."""
    if not settings.discovery_fast_lane or delay_s > WAKE_MAX_S:
        return False
    stage = stage_of(queue)
    due = datetime.now(UTC).timestamp() + max(delay_s, 0.0) + WAKE_MARGIN_S
    bucket = math.ceil(due / WAKE_BUCKET_S)
    key = f"discovery:wake:{stage}:{bucket}"
    if not shared_redis(settings.redis_url).set(key, 1, nx=True, ex=int(WAKE_MAX_S + 60)):
        return False
    eta = datetime.fromtimestamp(bucket * WAKE_BUCKET_S, UTC)
    app.send_task(BRIDGE_TASK, args=(stage,), queue=BRIDGE_QUEUE, eta=eta)
    logger.info(
        "bridge of %s wakes at %s",
        stage,
        eta.isoformat(timespec="milliseconds"),
        extra={"action": "wake_up_scheduled", "queue": stage, "delay_s": round(delay_s, 2)},
    )
    return True
