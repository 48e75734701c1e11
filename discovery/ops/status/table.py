"""`discovery status` as tables: queues, then APIs and pools, then what needs attention."""

from __future__ import annotations

from typing import Any

from discovery.ops.status.attention import age_text
from discovery.ops.status.model import UNKNOWN, Status


def render(status: Status) -> Any:
    """A rich renderable: one table of queues, one of APIs and pools, then what needs attention."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    queues = Table(title="Queues", title_justify="left")
    for column in (
        "queue",
        "pool",
        "visible",
        "hidden",
        "in flight",
        "oldest",
        "DLQ",
        "done 1h",
        "retried 1h",
        "failed 1h",
        "throttled 1h",
        "retrying",
        "paused by",
    ):
        queues.add_column(column, justify="left" if column in ("queue", "pool") else "right")
    for found in status.queues.values():
        workers = status.pools[found.pool].workers
        queues.add_row(
            found.queue,
            found.pool + ("" if workers else " (no worker)" if workers is not None else " (?)"),
            _cell(found.visible),
            _cell(found.hidden),
            _cell(found.in_flight),
            "-" if found.oldest_age_s is None else age_text(found.oldest_age_s),
            _cell(found.dlq_size),
            _cell(found.processed_last_hour),
            # One word for a failed attempt that will be tried again ("retried", as seed --follow
            # says); "failed" is only what was given up on (dead-lettered).
            _cell(None if found.processed_last_hour is None else found.outcomes_last_hour.get("retried", 0)),
            _cell(None if found.processed_last_hour is None else found.outcomes_last_hour.get("dead_lettered", 0)),
            _cell(found.throttled_last_hour),
            _cell(found.retrying),
            ", ".join(found.paused_by) or "-",
        )
    apis = Table(title="APIs", title_justify="left")
    for column in ("api", "breaker", "paused for", "rate limit used", "cache hit ratio"):
        apis.add_column(column)
    for api in status.apis.values():
        rate = api.rate_limit
        apis.add_row(
            api.api,
            api.breaker,
            "-" if api.paused_for_s is None else f"{api.paused_for_s:.0f}s ({api.pause_kind}"
            + (f": {api.pause_reason})" if api.pause_reason else ")"),
            rate
            if isinstance(rate, str)
            else f"{rate['used']}/{rate['limit']} per {rate['window_s']}s",
            str(api.cache_hit_ratio),
        )
    pools = Table(title="Pools", title_justify="left")
    pools.add_column("pool")
    pools.add_column("workers online")
    for pool in status.pools.values():
        pools.add_row(
            pool.pool, UNKNOWN if pool.workers is None else ", ".join(pool.workers) or "none"
        )
    mode = status.spotify_mode
    mode_line = Text(
        "Spotify quota mode: "
        + ("?" if mode is None else f"{mode.mode} (configured {mode.configured}"
           + (f", development since {mode.since})" if mode.since else ")"))
    )
    refresh_line = Text(refresh_text(status))
    verdict = (
        Text("healthy", style="green")
        if status.healthy
        else Text(
            "needs attention:\n" + "\n".join(f"- {item}" for item in status.attention), style="red"
        )
    )
    return Group(queues, apis, pools, mode_line, refresh_line, verdict)


def _cell(value: int | None) -> str:
    return "?" if value is None else str(value)


def refresh_text(status: Status) -> str:
    """"Refresh: 12 watched artists, 3 due, 40 recordings due; today 9 artists and 120 recordings
    refreshed; budget left spotify 19950/20000, ..." (? where a figure could not be read)."""
    found = status.refresh
    if found is None:
        return "Refresh: ?"
    left = ", ".join(f"{api} {b['left']}/{b['budget']}" for api, b in found.budget.items()) or "?"
    return (f"Refresh: {_cell(found.watched)} watched artists, {_cell(found.artists_due)} due, "
            f"{_cell(found.recordings_due)} recordings due; today {_cell(found.artists_refreshed_today)} artists and "
            f"{_cell(found.recordings_checked_today)} recordings refreshed; budget left {left}")
