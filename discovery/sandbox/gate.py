"""What happens to a request before its API sees it: a hang, a fault, the rolling rate window or
the quota. Faults and hangs are drawn from one seeded generator per API, so a seed replays."""

from __future__ import annotations

import math
import random
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass

from discovery.sandbox.knobs import Knobs

FAULT_STATUSES = (500, 502, 503)


@dataclass(frozen=True)
class Verdict:
    kind: str  # "pass", "hang", "fault", "rate", "quota"
    status: int = 200
    retry_after_s: int = 0


PASS = Verdict("pass")


class Gate:
    def __init__(self, knobs: Knobs) -> None:
        self._lock = threading.Lock()
        self.reset(knobs)

    def reset(self, knobs: Knobs) -> None:
        with self._lock:
            self._knobs = knobs
            self._windows: dict[str, deque[float]] = defaultdict(deque)
            self._used: dict[str, int] = defaultdict(int)
            self._reseed(knobs.seed)

    def configure(self, knobs: Knobs) -> None:
        """New knobs; windows and quota use carry over, a new seed restarts the draws."""
        with self._lock:
            if knobs.seed != self._knobs.seed:
                self._reseed(knobs.seed)
            self._knobs = knobs

    def _reseed(self, seed: int) -> None:
        self._random: dict[str, random.Random] = {}
        self._seed = seed

    def _rng(self, api: str) -> random.Random:
        if api not in self._random:
            self._random[api] = random.Random(f"{self._seed}:{api}")
        return self._random[api]

    def admit(self, api: str) -> Verdict:
        knobs = self._knobs
        with self._lock:
            hang, fault = knobs.hang_rate.get(api, 0.0), knobs.fault_rate.get(api, 0.0)
            if hang or fault:
                rng = self._rng(api)
                draw = rng.random()
                if draw < hang:
                    return Verdict("hang")
                if draw < hang + fault:
                    return Verdict("fault", rng.choice(FAULT_STATUSES))
            rate = knobs.rate.get(api)
            if rate:
                refused = self._window(api, *rate)
                if refused:
                    return refused
            quota = knobs.quota.get(api)
            if quota is not None:
                if self._used[api] >= quota:
                    return Verdict("quota", 429, knobs.quota_retry_after_s)
                self._used[api] += 1
            return PASS

    def _window(self, api: str, limit: int, window_s: float) -> Verdict | None:
        now = time.monotonic()
        window = self._windows[api]
        while window and window[0] <= now - window_s:
            window.popleft()
        if len(window) >= limit:
            # The oldest request still counted leaves the window at window[0] + window_s.
            wait_s = window[len(window) - limit] + window_s - now
            status = self._knobs.rate_status.get(api, 429)
            if status != 429:
                window.append(now)  # MusicBrainz: staying over keeps the IP refused
            return Verdict("rate", status, max(1, math.ceil(wait_s)))
        window.append(now)
        return None
