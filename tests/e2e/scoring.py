"""Compare `discovery report` output with a generated catalog's answer key (ops/answer_key)."""

from discovery.ops.answer_key import (
    discoverable_tracks,
    expected_credits,
    found_credits,
    found_socials,
    reported_tracks,
)

__all__ = ["discoverable_tracks", "expected_credits", "found_credits", "found_socials", "reported_tracks"]
