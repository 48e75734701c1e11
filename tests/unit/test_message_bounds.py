"""Validation of what comes through a queue: bounds a message cannot pass."""

from __future__ import annotations

import pytest

from discovery.exceptions import InvalidMessage
from discovery.pgmq.decoding import Bounds, decode, nesting_depth
from discovery.pgmq.messages import validate


def test_a_producer_id_past_a_postgres_bigint_is_refused_naming_the_field():
    with pytest.raises(InvalidMessage, match="field 'producerId': Input should be less than or equal to 9223372036854775807"):
        validate("social_enrichment", {"producerId": 2**70, "producerName": "Zoe"})


@pytest.mark.parametrize("name", ["Evil\x1b[2J", "Ring\x07", "Nova\nforged", "C1\x9b"])
def test_an_artist_name_with_control_characters_sent_around_the_front_door_is_refused(name):
    with pytest.raises(InvalidMessage, match="field 'artistName': Value error, must not contain control characters"):
        validate("artist_discovery", {"artistName": name})


def test_nesting_is_measured_without_recursion_and_brackets_in_strings_do_not_count():
    assert nesting_depth('{"a": "[[[[{{{{", "b": [1, {"c": []}]}') == 4
    assert nesting_depth("[" * 100_000 + "]" * 100_000) == 100_000
    assert nesting_depth('"\\"[["') == 0


def test_a_message_past_a_bound_is_refused_naming_the_bound_and_its_setting():
    bounds = Bounds(max_bytes=1024, max_depth=4)

    assert decode('{"a": 1}', 8, bounds).value == {"a": 1}
    assert decode(None, 5000, bounds).refused == (
        "message is 5000 bytes; at most 1024 are allowed (DISCOVERY_MAX_MESSAGE_BYTES)"
    )
    assert decode("[[[[[]]]]]", 10, bounds).refused == (
        "message nests 5 deep; at most 4 are allowed (DISCOVERY_MAX_MESSAGE_DEPTH)"
    )
