"""Message models name the bad field; retry delays back off and honour Retry-After."""

from __future__ import annotations

import pytest

from discovery.exceptions import InvalidMessage
from discovery.pgmq.messages import validate
from discovery.workers.base import retry_delay_s


@pytest.mark.parametrize(
    ("queue", "payload", "field"),
    [
        ("artist_discovery", {"artistName": 42}, "artistName"),
        ("artist_discovery", {}, "needs artistId or a non-blank artistName"),
        ("album_discovery", {"artistId": "x", "offset": -1}, "offset"),
        ("album_discovery", {"offset": 0}, "artistId"),
        ("social_enrichment", {"producerId": "7", "producerName": "x"}, "producerId"),
    ],
)
def test_an_invalid_message_is_refused_naming_the_field(queue, payload, field):
    with pytest.raises(InvalidMessage) as error:
        validate(queue, payload)

    assert field in str(error.value)


def test_a_message_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidMessage, match="must be a JSON object"):
        validate("artist_discovery", ["Bruno Mars"])


def test_unknown_keys_are_ignored_so_newer_senders_do_not_poison_the_queue():
    assert validate("album_discovery", {"artistId": "x", "offset": 10, "hint": 1}).offset == 10


def test_retry_delays_grow_exponentially_with_jitter():
    for attempt in range(1, 6):
        ceiling = 10.0 * 2 ** (attempt - 1)
        delays = [retry_delay_s(attempt, None, base_s=10.0) for _ in range(50)]
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(set(delays)) > 1


def test_a_retry_never_comes_before_the_upstreams_retry_after():
    assert retry_delay_s(1, 3600.0, base_s=10.0) >= 3600.0
