"""The sandbox's knobs: Spotify mode, rate windows, quotas, faults, hangs, latency, seed,
credentials, and what the live APIs do in 2026 (sandbox/refusals, spotify_markets, musicbrainz_extras): Spotify's Premium 403,
Genius's Cloudflare challenge, the status of an over-limit answer (MusicBrainz: 503), the
10-item artist-albums page, per-market duplicate albums, release-level producer relations and
artist url relations on MusicBrainz. One frozen value, replaced as a whole when the knobs change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from discovery.settings import APIS

SPOTIFY_MODES = ("development", "extended")
# How a broken upstream pages (Spotify's album and track lists), beyond the first page: an empty
# page that still says next; a page that claims an earlier offset and always says next; pages
# that say next past `total`, repeating the last items.
BROKEN_PAGING = ("", "empty_next", "backward", "endless")
QUOTA_RETRY_AFTER_S = 43200
HANG_S = 30.0


class KnobError(ValueError):
    """A knob name or value the sandbox does not understand."""


@dataclass(frozen=True)
class Knobs:
    spotify_mode: str = "development"
    rate: dict[str, tuple[int, float]] = field(default_factory=dict)  # api -> (requests, window_s)
    quota: dict[str, int] = field(default_factory=dict)
    quota_retry_after_s: int = QUOTA_RETRY_AFTER_S
    fault_rate: dict[str, float] = field(default_factory=dict)
    hang_rate: dict[str, float] = field(default_factory=dict)
    hang_s: float = HANG_S
    latency_ms: dict[str, float] = field(default_factory=dict)
    seed: int = 0
    # {"spotify": {"client_id", "client_secret"}, "genius": {"token"}, "instagram": {"key"}};
    # None (or a missing API) accepts any non-empty credentials.
    credentials: dict[str, dict[str, str]] | None = None
    # Every Spotify /v1 call answers 403 "Active premium subscription required for the owner of the app".
    spotify_premium_required: bool = False
    # Every Genius call answers a Cloudflare challenge: 403 with an HTML page.
    genius_cloudflare: bool = False
    # The status of an answer above the rate window, per API (default 429); 503 answers as
    # MusicBrainz does, with Retry-After, and counts the refused request in the window (an IP
    # that stays over stays blocked).
    rate_status: dict[str, int] = field(default_factory=dict)
    # artists/{id}/albums refuses a limit above this (400 "Invalid limit") in any mode; 0: the mode's.
    album_page_max: int = 0
    # Without `market`, artists/{id}/albums lists each album twice, under a second id per market.
    market_duplicates: bool = False
    # A share of the MusicBrainz recordings with producers answer without them; their release does.
    musicbrainz_release_credits: bool = False
    # MusicBrainz artists answer url relations (inc=url-rels): Instagram, SoundCloud, homepage.
    musicbrainz_url_rels: bool = False
    broken_paging: str = ""

    def updated(self, **changes: Any) -> Knobs:
        """A copy with `changes` applied; values may be JSON-ish (lists, "N/S" strings)."""
        unknown = set(changes) - set(asdict(self))
        if unknown:
            raise KnobError(f"unknown knob(s): {', '.join(sorted(unknown))}")
        parsed = {name: _PARSERS[name](value) for name, value in changes.items()}
        return replace(self, **parsed)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["rate"] = {api: list(pair) for api, pair in self.rate.items()}
        data["credentials"] = None if self.credentials is None else "(set)"
        return data


def parse_rate(text: str) -> tuple[int, float]:
    """'100/30' -> (100, 30.0): 100 requests in any rolling 30 seconds."""
    count, sep, seconds = str(text).partition("/")
    try:
        pair = (int(count), float(seconds) if sep else 1.0)
    except ValueError as error:
        raise KnobError(f"a rate is N/SECONDS, got {text!r}") from error
    if pair[0] < 1 or pair[1] <= 0:
        raise KnobError(f"a rate needs N >= 1 and SECONDS > 0, got {text!r}")
    return pair


def _per_api(convert: Any) -> Any:
    def parse(value: Any) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise KnobError(f"expected an object of API -> value, got {value!r}")
        unknown = set(value) - set(APIS)
        if unknown:
            raise KnobError(f"unknown API(s) {sorted(unknown)}; known: {', '.join(APIS)}")
        return {api: convert(item) for api, item in value.items()}

    return parse


def _rate(value: Any) -> tuple[int, float]:
    if isinstance(value, list | tuple):
        return parse_rate(f"{value[0]}/{value[1]}")
    return parse_rate(value)


def _share(value: Any) -> float:
    share = float(value)
    if not 0.0 <= share <= 1.0:
        raise KnobError(f"a rate of faults or hangs is between 0 and 1, got {value!r}")
    return share


def _non_negative(convert: Any) -> Any:
    def parse(value: Any) -> Any:
        number = convert(value)
        if number < 0:
            raise KnobError(f"expected a non-negative number, got {value!r}")
        return number

    return parse


def _mode(value: Any) -> str:
    if value not in SPOTIFY_MODES:
        raise KnobError(f"spotify_mode is one of {SPOTIFY_MODES}, got {value!r}")
    return str(value)


def _status(value: Any) -> int:
    status = int(value)
    if status not in (429, 503):
        raise KnobError(f"an over-limit answer is 429 or 503, got {value!r}")
    return status
def _broken_paging(value: Any) -> str:
    if value not in BROKEN_PAGING:
        raise KnobError(f"broken_paging is one of {BROKEN_PAGING}, got {value!r}")
    return str(value)


def _credentials(value: Any) -> dict[str, dict[str, str]] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or set(value) - set(APIS):
        raise KnobError("credentials map spotify/genius/instagram to their accepted values")
    return {api: dict(item) for api, item in value.items()}


_PARSERS: dict[str, Any] = {
    "spotify_mode": _mode,
    "rate": _per_api(_rate),
    "quota": _per_api(_non_negative(int)),
    "quota_retry_after_s": _non_negative(int),
    "fault_rate": _per_api(_share),
    "hang_rate": _per_api(_share),
    "hang_s": _non_negative(float),
    "latency_ms": _per_api(_non_negative(float)),
    "seed": int,
    "credentials": _credentials,
    "spotify_premium_required": bool,
    "genius_cloudflare": bool,
    "rate_status": _per_api(_status),
    "album_page_max": _non_negative(int),
    "market_duplicates": bool,
    "musicbrainz_release_credits": bool,
    "musicbrainz_url_rels": bool,
    "broken_paging": _broken_paging,
}
