"""The soak's plan (what to run and inject) and its result (what took effect, the ledgers, the
problems found)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from discovery.pgmq import queues


@dataclass
class SoakPlan:
    """What to run and what to inject. The defaults are the full soak; see `short()`."""

    artists: int = 50
    albums: int = 3
    tracks: int = 5
    long_album_tracks: int = 0
    seed: int = 14
    fault_rate: float = 0.10  # share of requests to every API answered 5xx
    hang_rate: float = 0.02  # share of requests that hang
    hang_s: float = 12.0  # longer than the clients' read timeout
    forced_hangs: int = 1  # times every request hangs until one has (hang_rate alone may give none)
    kills: int = 8
    bursts: int = 2
    burst_s: float = 4.0
    quota_reset_s: int = 5
    quota_by_s: float = 20.0  # the quota is spent this soon after the start, while Spotify is busy
    redis_restarts: int = 1
    pg_terminations: int = 1
    beat_restarts: int = 1
    poison: bool = True
    chaos_window_s: float = 90.0  # faults are spread over this much of the run's start
    concurrency: int = 2
    cache_maxmemory: str = "64mb"
    timeout_s: float = 1200.0
    visibility_timeout_s: int = 30

    @classmethod
    def short(cls) -> SoakPlan:
        """The CI version: few artists, every kind of fault at least once; 30-45 s on a quiet machine
        (its timeout leaves room for a machine busy with other tests: 60-90 s seen)."""
        # Spotify's part of 4 artists is over about a second after the seeds: the quota comes
        # first, and holds Spotify (so Genius too waits) for its reset; a burst lasts until a
        # worker was refused.
        return cls(artists=4, albums=2, tracks=3, kills=2, bursts=1, burst_s=4.0, chaos_window_s=12.0,
                   hang_s=4.0, timeout_s=200.0, cache_maxmemory="2mb", quota_by_s=0.5)


@dataclass
class SoakResult:
    seconds: float = 0.0
    attempts: Counter[str] = field(default_factory=Counter)  # faults injected, by kind
    faults: Counter[str] = field(default_factory=Counter)  # of those, the ones that took effect
    fault_log: list[str] = field(default_factory=list)
    restarts: list[str] = field(default_factory=list)  # pools the restart policy started again
    ledgers: list[queues.Ledger] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    sandbox: dict[str, dict[str, int]] = field(default_factory=dict)
    cache_evictions: int = 0
    artists: int = 0

    @property
    def lost(self) -> int:
        return sum(ledger.waiting for ledger in self.ledgers)

    @property
    def doubled(self) -> int:
        return sum(ledger.doubled_dead_letters + ledger.doubled_messages for ledger in self.ledgers)

    @property
    def ok(self) -> bool:
        return not self.problems
