"""The rules of keeping data true, without services: when a recording is checked again, the
refresh budget setting, the listings' cache lifetime under the cadence, beat's refresh entry, the
day a spent budget waits for, and `changes --since`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
import pytest

from discovery.catalog.history import recheck_after_s
from discovery.clients.budget import parse_budget, seconds_to_next_day, utc_day
from discovery.clients.cache import DEFAULT_TTLS_S, LISTINGS, parse_ttls
from discovery.exceptions import ConfigurationError
from discovery.ops.freshness import parse_since
from discovery.runtime.schedule import REFRESH_TASK, beat_schedule
from discovery.settings import Settings

DAY_S = 86400


def test_an_uncredited_recording_waits_twice_as_long_after_each_empty_check_up_to_180_days():
    assert [recheck_after_s(False, n) / DAY_S for n in range(8)] == [7, 14, 28, 56, 112, 180, 180, 180]
    assert recheck_after_s(True, 0) / DAY_S == recheck_after_s(True, 9) / DAY_S == 90


def test_the_refresh_budget_names_calls_per_api_and_refuses_anything_else():
    assert parse_budget("spotify=20000, genius=5") == {"spotify": 20000, "genius": 5}
    assert parse_budget("") == {}
    with pytest.raises(ConfigurationError, match="spotify='lots' is not a whole number"):
        parse_budget("spotify=lots")
    for wrong in ("genius=-1", "spotify"):  # refused at start, not at the first refresh
        with pytest.raises(ValueError, match="DISCOVERY_REFRESH_BUDGET"):
            Settings(discovery_refresh_budget=wrong)


def test_listings_are_cached_for_at_most_half_the_refresh_cadence_and_other_answers_as_configured():
    weekly = parse_ttls("spotify.artist_albums=2592000", cadence_s=7 * DAY_S)
    hourly = parse_ttls("", cadence_s=3600)

    assert {name: weekly[name] for name in LISTINGS} == {name: DEFAULT_TTLS_S[name] for name in LISTINGS} | {
        "spotify.artist_albums": int(3.5 * DAY_S)}
    assert {name: hourly[name] for name in LISTINGS} == dict.fromkeys(LISTINGS, 1800)
    assert hourly["genius"] == DEFAULT_TTLS_S["genius"]


def test_beat_queues_the_due_refresh_work_every_refresh_tick_in_the_upkeep_pool():
    entry = beat_schedule(Settings(discovery_refresh_tick_s=600))["refresh"]

    assert (entry["task"], entry["schedule"], entry["options"]["expires"]) == (REFRESH_TASK, 600, 600)


def test_a_spent_budget_waits_for_the_next_utc_day():
    late = datetime(2026, 12, 4, 23, 59, 30, tzinfo=UTC)

    assert seconds_to_next_day(late) == 30
    assert utc_day(late) == "2026-12-04" and utc_day(late + timedelta(seconds=30)) == "2026-12-05"


def test_changes_since_takes_a_duration_or_a_time():
    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)

    assert parse_since("7d", now) == now - timedelta(days=7)
    assert parse_since("1h", now) == now - timedelta(hours=1)
    assert parse_since("2w", now) == now - timedelta(days=14)
    assert parse_since("2026-12-01", now) == datetime(2026, 12, 1, tzinfo=UTC)
    assert parse_since("2026-12-01T08:00:00+01:00", now) == datetime(2026, 12, 1, 7, tzinfo=UTC)
    with pytest.raises(click.BadParameter):
        parse_since("last week", now)
