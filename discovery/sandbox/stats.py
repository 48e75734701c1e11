"""Request counters per API and endpoint: requests (every one, refused or not), 429s, faults,
hangs."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

# "over_limit": refused above the rate window, whatever the status (429, or MusicBrainz's 503);
# "refused": a refusal of the whole service (Spotify's Premium 403, Genius's Cloudflare page).
OUTCOMES = ("429", "faults", "hangs", "over_limit", "refused")


class Stats:
    def __init__(self, endpoints: Mapping[str, Sequence[str]]) -> None:
        self._endpoints = {api: list(names) for api, names in endpoints.items()}
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._counts: dict[str, dict[str, dict[str, int]]] = {
                api: {name: _zero() for name in names} for api, names in self._endpoints.items()
            }

    def count(self, api: str, endpoint: str, outcome: str | None = None) -> None:
        with self._lock:
            counts = self._counts[api].setdefault(endpoint, _zero())
            counts["requests"] += 1
            if outcome:
                counts[outcome] += 1

    def count_only(self, api: str, endpoint: str, outcome: str) -> None:
        """One more `outcome` for a request already counted."""
        with self._lock:
            self._counts[api].setdefault(endpoint, _zero())[outcome] += 1

    def snapshot(self) -> dict[str, Any]:
        """{api: {"endpoints": {name: {"requests", "429", "faults", "hangs"}}, and the same
        totals for the API}}."""
        with self._lock:
            result: dict[str, Any] = {}
            for api, endpoints in self._counts.items():
                totals = _zero()
                for counts in endpoints.values():
                    for key, value in counts.items():
                        totals[key] += value
                result[api] = {"endpoints": {k: dict(v) for k, v in endpoints.items()}, **totals}
            return result


def _zero() -> dict[str, int]:
    return {"requests": 0, **dict.fromkeys(OUTCOMES, 0)}
