"""The shared rate limit keeps part of each window for interactive work (real Redis): bulk and
refresh work stop at their share, a person's work may still use the rest at once."""

from __future__ import annotations

import pytest

from discovery.clients.ratelimit import Rate, SharedRateLimit
from discovery.exceptions import RateLimited
from discovery.pgmq import lanes

pytestmark = pytest.mark.integration


def fill(limit: SharedRateLimit, lane: str) -> int:
    """How many slots `lane`'s work takes before the limit refuses it."""
    taken = 0
    with lanes.working_in(lane):
        while True:
            try:
                limit.acquire()
            except RateLimited:
                return taken
            taken += 1


def test_a_backfill_leaves_a_fifth_of_the_window_to_a_person(redis_url: str) -> None:
    # Given Spotify's window of 10 per 30 s with 20% kept for interactive work
    limit = SharedRateLimit("spotify", Rate(10, 30), redis_url, max_wait_s=0.0, interactive_reserve=0.2)

    # When bulk work takes all it may, then refresh work, then a person's
    bulk = fill(limit, "bulk")
    refresh = fill(limit, "refresh")
    person = fill(limit, "interactive")

    # Then bulk stopped at 8, refresh found nothing left below the reserve, the person got the other 2
    assert (bulk, refresh, person) == (8, 0, 2)
    assert limit.used() == 10
    # And a refusal says when bulk's share frees: about a window from now
    with lanes.working_in("bulk"), pytest.raises(RateLimited) as refused:
        limit.acquire()
    assert 25 < (refused.value.retry_after_s or 0) <= 31


def test_interactive_work_first_does_not_shrink_the_window_for_anyone(redis_url: str) -> None:
    limit = SharedRateLimit("genius", Rate(10, 30), redis_url, max_wait_s=0.0, interactive_reserve=0.2)

    person = fill(limit, "interactive")

    assert person == 10
    assert fill(limit, "bulk") == 0


def test_a_window_of_one_request_is_still_open_to_every_lane(redis_url: str) -> None:
    limit = SharedRateLimit("musicbrainz", Rate(1, 1), redis_url, max_wait_s=0.0, interactive_reserve=0.2)

    assert fill(limit, "bulk") == 1


def test_while_a_person_uses_the_api_a_backfill_gets_only_its_share(redis_url: str) -> None:
    # Given 10 per 30 s, 20% reserved for interactive work and bulk's share 10%
    limit = SharedRateLimit("genius", Rate(10, 30), redis_url, max_wait_s=0.0, interactive_reserve=0.2,
                            bulk_share=0.1)

    # When a person's work calls once, then a backfill takes what it may, then the person again
    first = fill_once(limit, "interactive")
    bulk = fill(limit, "bulk")
    person = fill(limit, "interactive")

    # Then the backfill had one slot (its tenth of the window), and the person the other eight
    assert (first, bulk, person) == (1, 1, 8)


def fill_once(limit: SharedRateLimit, lane: str) -> int:
    with lanes.working_in(lane):
        limit.acquire()
    return 1
