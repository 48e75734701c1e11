"""What `discovery status` reports: one record per queue, API and pool, and the whole."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

UNKNOWN = "unknown"


@dataclass
class QueueStatus:
    queue: str
    pool: str
    visible: int | None = None
    hidden: int | None = None  # in flight, or waiting out a retry delay (pgmq vt > now)
    in_flight: int | None = None  # handed to Celery and not finished (the bridge's InFlight set)
    in_flight_ceiling: int = 0  # what the bridge hands out at most now (runtime/capacity)
    oldest_age_s: int | None = None
    dlq_size: int | None = None
    dlq_newest_age_s: int | None = None
    processed_last_hour: int | None = None
    failed_last_hour: int | None = None
    throttled_last_hour: int | None = None
    retrying: int | None = None  # messages waiting that failed at least once (attempts spent)
    outcomes_last_hour: dict[str, int] = field(default_factory=dict)
    paused_by: list[str] = field(default_factory=list)
    oldest_visible_age_s: int | None = None  # the longest-waiting readable message, since ready
    tick_s: float | None = None
    stalled: bool = False


@dataclass
class ApiStatus:
    api: str
    breaker: str = UNKNOWN  # closed | open | half-open | unknown
    paused_for_s: float | None = None  # nothing is sent before this (breaker, Retry-After, quota)
    pause_kind: str | None = None  # breaker | rate | quota | credential | refused
    pause_reason: str | None = None  # what the API answered, in words ("Spotify: 'Active premium ...'")
    open_past_reset_s: float | None = None
    breaker_open_for_s: float | None = None
    rate_limit: dict[str, Any] | str = UNKNOWN  # {"used", "limit", "window_s"}
    cache_hit_ratio: float | str = UNKNOWN  # share of cacheable requests served from the cache


@dataclass
class PoolStatus:
    pool: str
    queue: str
    workers: list[str] | None = None  # None: could not ask

    @property
    def online(self) -> bool | None:
        return None if self.workers is None else bool(self.workers)


@dataclass
class SpotifyMode:
    configured: str  # auto | extended | development
    mode: str = UNKNOWN  # the effective one: extended | development
    since: str | None = None  # when auto mode switched to development (ISO time)


@dataclass
class RefreshStatus:
    """Keeping data true: what refresh work is due, what it did today (UTC), its budget."""

    watched: int | None = None
    artists_due: int | None = None
    recordings_due: int | None = None
    artists_refreshed_today: int | None = None
    recordings_checked_today: int | None = None
    budget: dict[str, dict[str, int]] = field(default_factory=dict)  # api -> {"budget", "spent", "left"}


@dataclass
class Status:
    checked_at: str
    queues: dict[str, QueueStatus]
    apis: dict[str, ApiStatus]
    pools: dict[str, PoolStatus]
    attention: list[str]
    spotify_mode: SpotifyMode | None = None
    refresh: RefreshStatus | None = None

    @property
    def healthy(self) -> bool:
        return not self.attention

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked_at": self.checked_at,
            "healthy": self.healthy,
            "attention": self.attention,
            "queues": {name: asdict(found) for name, found in self.queues.items()},
            "apis": {name: asdict(found) for name, found in self.apis.items()},
            "pools": {
                name: {**asdict(found), "online": found.online}
                for name, found in self.pools.items()
            },
            "spotify_mode": None if self.spotify_mode is None else asdict(self.spotify_mode),
            "refresh": None if self.refresh is None else asdict(self.refresh),
        }
