"""Lanes: a stage's queue per lane, and back."""

from __future__ import annotations

import pytest

from discovery.pgmq import lanes
from discovery.settings import QUEUES


def test_the_interactive_lane_keeps_the_stage_queue_and_the_others_add_a_suffix():
    assert lanes.lane_queue("album_discovery", "interactive") == "album_discovery"
    assert lanes.lane_queue("album_discovery", "bulk") == "album_discovery_bulk"
    assert lanes.lane_queue("album_discovery", "refresh") == "album_discovery_refresh"


def test_every_lane_queue_names_its_stage_and_lane_again():
    for stage in QUEUES:
        for lane in lanes.LANES:
            assert lanes.stage_and_lane(lanes.lane_queue(stage, lane)) == (stage, lane)


def test_an_unknown_lane_is_refused_by_name():
    with pytest.raises(lanes.UnknownLane, match="unknown lane 'urgent'; known: interactive, bulk, refresh"):
        lanes.lane_queue("album_discovery", "urgent")


def test_a_queue_that_is_no_lane_of_a_stage_is_its_own_stage_in_the_interactive_lane():
    # A worker type plugged in under a queue of its own (tests, plugins) runs as it did.
    assert lanes.stage_of("lyrics_lookup") == "lyrics_lookup"
    assert lanes.lane_of("lyrics_lookup") == "interactive"
    with pytest.raises(lanes.UnknownLane):
        lanes.stage_and_lane("album_discovery_dlq")


def test_the_lanes_are_read_highest_first_and_every_queue_is_listed_once():
    assert lanes.LANES == ("interactive", "bulk", "refresh")
    assert lanes.lane_queues("social_enrichment") == (
        "social_enrichment", "social_enrichment_bulk", "social_enrichment_refresh"
    )
    assert len(set(lanes.all_queues())) == 3 * len(QUEUES)


def test_a_lanes_tasks_go_to_the_broker_at_its_priority_interactive_first():
    from discovery.runtime.dispatch import lane_priority

    # Redis serves priority 0 first (kombu's steps 0, 3, 6, 9)
    assert lane_priority("album_discovery") == 0
    assert lane_priority("album_discovery_bulk") == 3
    assert lane_priority("album_discovery_refresh") == 6
