"""What needs attention in what `discovery status` read (and makes it exit non-zero):
- a DLQ received a message within the last `dlq_window_s` (default one hour): it is growing.
  Older dead letters are listed but do not fail the check; replay or purge them. A window of 0
  makes any non-empty DLQ fail it;
- any pool has no worker online, whether or not its queue holds messages now: the bridge task of
  every queue runs in that queue's own pool, so a pool without a worker stalls its queue for good;
- a circuit breaker is still open more than `BREAKER_GRACE_S` after its reset time (nothing is
  trying the API again);
- an API refused its credential (a credential hold): nothing that needs it moves until the
  credential is fixed, and status names the setting to check;
- an API refuses the whole service (a "refused" hold: Spotify's Premium 403, a Cloudflare
  challenge from Genius): status says what it answered and when it is tried again;
- Postgres or Redis cannot be reached (status.collect says so itself);
- a queue is stalled: its longest-waiting visible message has been ready for more than twice its
  bridge tick while the bridge had room to read it and no API it needs was paused (beat is down,
  or its pool is gone);
- an API has been paused longer than DISCOVERY_STALL_PAUSE_S: a breaker open since longer, or a
  hold (Retry-After, spent quota) that will last longer.
"""

from __future__ import annotations

from discovery.clients.credentials import refusal_line
from discovery.ops.status.model import ApiStatus, PoolStatus, QueueStatus
from discovery.runtime.schedule import STALL_TICKS
from discovery.settings import Settings, dlq_name

BREAKER_GRACE_S = 60.0


def needing_attention(
    queues: dict[str, QueueStatus],
    apis: dict[str, ApiStatus],
    pools: dict[str, PoolStatus],
    dlq_window_s: float,
) -> list[str]:
    """Growing DLQs, pools without a worker, refused credentials, breakers open past reset."""
    found: list[str] = []
    for queue in queues.values():
        if not queue.dlq_size:
            continue
        age = queue.dlq_newest_age_s
        if dlq_window_s <= 0 or age is None or age <= dlq_window_s:
            found.append(
                f"{dlq_name(queue.queue)} holds {queue.dlq_size} message(s), the newest "
                f"{age_text(age)} old: see `discovery dlq list {queue.queue}`"
            )
    for pool in pools.values():
        if pool.workers is None:
            found.append(f"pool {pool.pool}: could not ask which workers are online")
        elif not pool.workers:
            waiting = queues[pool.queue].visible
            found.append(
                f"pool {pool.pool} has no worker online "
                f"({pool.queue}: {waiting} visible message(s))"
            )
    for api in apis.values():
        if api.pause_kind == "credential":
            held = [queue.queue for queue in queues.values() if api.api in queue.paused_by]
            found.append(
                f"{refusal_line(api.api)}; {', '.join(held) or 'its queues'} held "
                f"(rechecked in {api.paused_for_s or 0:.0f}s, or restart the pools with the fixed credential)"
            )
        if api.pause_kind == "refused":
            held = [queue.queue for queue in queues.values() if api.api in queue.paused_by]
            found.append(
                f"{api.pause_reason or api.api + ' refuses the service'}; {', '.join(held) or 'its queues'} held "
                f"(tried again in {api.paused_for_s or 0:.0f}s)"
            )
        if api.open_past_reset_s is not None and api.open_past_reset_s > BREAKER_GRACE_S:
            found.append(
                f"{api.api} breaker still open {api.open_past_reset_s:.0f}s after its reset time"
            )
    return found


def stalls(settings: Settings, queues: dict[str, QueueStatus], apis: dict[str, ApiStatus]) -> list[str]:
    """Queues nothing reads, and APIs paused too long (see the module docstring)."""
    found: list[str] = []
    for queue in queues.values():
        age, tick = queue.oldest_visible_age_s, queue.tick_s
        if age is None or tick is None or age <= STALL_TICKS * tick or queue.paused_by:
            continue
        if queue.in_flight and queue.in_flight >= queue.in_flight_ceiling:
            continue  # the pool is busy with a full share: waiting is expected
        queue.stalled = True
        found.append(
            f"{queue.queue} is stalled: a message has been ready for {age_text(age)}, more than "
            f"{STALL_TICKS}x its {tick:.0f}s tick (is beat running? does pool {queue.pool} have a worker?)"
        )
    limit = settings.discovery_stall_pause_s
    for api in apis.values():
        if api.breaker_open_for_s is not None and api.breaker_open_for_s > limit:
            found.append(f"{api.api} breaker {api.breaker} for {age_text(int(api.breaker_open_for_s))} (over {limit:.0f}s)")
        elif api.paused_for_s is not None and api.paused_for_s > limit:
            found.append(
                f"{api.api} paused ({api.pause_kind}) for {age_text(int(api.paused_for_s))} more (over {limit:.0f}s)"
            )
    return found


def age_text(seconds: int | None) -> str:
    """An age in its largest whole unit: 90s, 45m, 3h."""
    if seconds is None:
        return "?"
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h"
