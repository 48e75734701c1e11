"""Lanes: who is waiting for a piece of work, and so in which order the bridges read it.

Three lanes, highest first: `interactive` (a person asked and is watching: `discovery seed`,
`SELECT start_artist_discovery('Name')`), `bulk` (a backfill: `discovery seed --file`,
`start_artist_discovery(name, lane => 'bulk')`) and `refresh` (background re-checks of what is
already known). Each lane of each stage is a PGMQ queue of its own, with its own DLQ: the
interactive lane keeps the stage's name (so a database migrated with messages queued keeps every
one of them, now interactive), the others add a suffix (`album_discovery_bulk`,
`album_discovery_refresh`). A stage's bridge reads them in LANES order; every message a seed
causes downstream is sent in the lane its delivery came from (workers/base.Transaction).

To queue work in a lane, send it to `lane_queue(stage, lane)` (pgmq/queues.send or send_batch).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from discovery.settings import QUEUES

INTERACTIVE = "interactive"
BULK = "bulk"
REFRESH = "refresh"
# Highest first: the order each bridge reads them in.
LANES: tuple[str, ...] = (INTERACTIVE, BULK, REFRESH)


# The lane of the delivery this thread is working on (workers/base sets it around the API calls):
# the shared rate limits keep part of each window for interactive work (clients/ratelimit).
_CURRENT: ContextVar[str] = ContextVar("discovery_lane", default=INTERACTIVE)


def current() -> str:
    """The lane of the work being done here now (interactive when none was set)."""
    return _CURRENT.get()


@contextmanager
def working_in(lane: str) -> Iterator[None]:
    """Mark the work done inside as `lane`'s."""
    token = _CURRENT.set(check_lane(lane))
    try:
        yield
    finally:
        _CURRENT.reset(token)


class UnknownLane(ValueError):
    """A lane or lane queue that is not one of ours."""


def check_lane(lane: str) -> str:
    """`lane` when it is one of LANES; else UnknownLane naming the known ones."""
    if lane not in LANES:
        raise UnknownLane(f"unknown lane {lane!r}; known: {', '.join(LANES)}")
    return lane


def lane_queue(stage_queue: str, lane: str) -> str:
    """The PGMQ queue of `stage_queue`'s `lane`: the stage's own name for interactive,
    `<stage>_<lane>` for the others. `lane_queue("album_discovery", "refresh")` ->
    "album_discovery_refresh"."""
    check_lane(lane)
    return stage_queue if lane == INTERACTIVE else f"{stage_queue}_{lane}"


def stage_and_lane(queue: str, stages: tuple[str, ...] = QUEUES) -> tuple[str, str]:
    """The inverse of lane_queue: ("album_discovery", "bulk") for "album_discovery_bulk".
    A stage's own name is its interactive lane; anything else raises UnknownLane."""
    if queue in stages:
        return queue, INTERACTIVE
    for lane in LANES[1:]:
        stage = queue.removesuffix(f"_{lane}")
        if stage != queue and stage in stages:
            return stage, lane
    raise UnknownLane(f"{queue!r} is no lane of a known stage ({', '.join(stages)})")


def stage_of(queue: str, stages: tuple[str, ...] = QUEUES) -> str:
    """The stage a lane queue belongs to; a name that is no lane queue is returned as it is (a
    worker type plugged in under a queue of its own, tests)."""
    try:
        return stage_and_lane(queue, stages)[0]
    except UnknownLane:
        return queue


def lane_of(queue: str, stages: tuple[str, ...] = QUEUES) -> str:
    """The lane a queue's messages travel in; interactive for a name that is no lane queue."""
    try:
        return stage_and_lane(queue, stages)[1]
    except UnknownLane:
        return INTERACTIVE


def lane_queues(stage_queue: str) -> tuple[str, ...]:
    """The queues of one stage, in the order its bridge reads them."""
    return tuple(lane_queue(stage_queue, lane) for lane in LANES)


def all_queues(stages: tuple[str, ...] = QUEUES) -> tuple[str, ...]:
    """Every work queue of every stage and lane (each has `<queue>_dlq`), stage by stage."""
    return tuple(queue for stage in stages for queue in lane_queues(stage))
