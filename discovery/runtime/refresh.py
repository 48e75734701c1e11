"""Beat's refresh tick (every DISCOVERY_REFRESH_TICK_S): queue the refresh work that is due.

It queues nothing while a stage queue holds work (a seed's, or the last tick's refresh): refresh
runs on capacity seeding does not want, a batch at a time. Nor while the day's refresh budget of
the API the work would call first is spent (Spotify for artists, Genius for recordings): the
work stays due and is queued on a later day. Each tick queues at most DISCOVERY_REFRESH_BATCH
artists and as many recordings.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from discovery.catalog import refresh
from discovery.clients import budget
from discovery.pgmq.db import pool
from discovery.settings import Settings

logger = logging.getLogger(__name__)

# The API each kind of refresh work calls first: with its budget spent, the work waits.
FIRST_API = {"artists": "spotify", "recordings": "genius"}


@dataclass
class Tick:
    artists: int = 0
    recordings: int = 0
    waiting_for: list[str] = field(default_factory=list)  # busy queues, spent budgets


def tick(settings: Settings) -> Tick:
    """Queue the due refresh work, unless seeding work is queued; what it did."""
    result = Tick()
    left = budget.left_today(settings)
    with pool(settings.database_url).connection() as conn, conn.transaction():
        busy = refresh.busy_queues(conn)
        if busy:
            result.waiting_for = busy
        else:
            if left.get(FIRST_API["artists"], 0) > 0:
                due = refresh.due_artists(conn, settings.discovery_refresh_cadence_s, settings.discovery_refresh_batch)
                result.artists = refresh.queue_artist_refreshes(conn, due)
            else:
                result.waiting_for.append(f"{FIRST_API['artists']} refresh budget")
            if left.get(FIRST_API["recordings"], 0) > 0:
                keys = refresh.due_recordings(conn, settings.discovery_refresh_batch)
                result.recordings = refresh.queue_recording_checks(conn, keys)
            else:
                result.waiting_for.append(f"{FIRST_API['recordings']} refresh budget")
    logger.info(
        "refresh tick queued %d artists and %d recordings", result.artists, result.recordings,
        extra={"action": "refresh_queued", "artists": result.artists, "recordings": result.recordings,
               "waiting_for": result.waiting_for},
    )
    return result
