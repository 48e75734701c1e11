"""A PGMQ message read as text and decoded within bounds.

Postgres accepts JSON nested thousands deep and megabytes long; Python's decoder recurses, and a
message 3,000 deep raised RecursionError inside the bridge's read, after its read count and lease
were spent and before validation: the batch was never dispatched nor dead-lettered, and the queue
stalled. So messages leave Postgres as text (with their size, and no text at all past the byte
bound), their nesting is measured without recursion, and only then are they parsed. A message past
a bound is `refused` with a reason naming the bound; the bridge dead-letters it and its batch-mates
go on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from discovery.settings import MAX_MESSAGE_BYTES, MAX_MESSAGE_DEPTH, Settings

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


@dataclass(frozen=True)
class Bounds:
    """How large (bytes of JSON text) and how deep a message may be."""

    max_bytes: int = MAX_MESSAGE_BYTES
    max_depth: int = MAX_MESSAGE_DEPTH

    @classmethod
    def of(cls, settings: Settings) -> Bounds:
        return cls(settings.discovery_max_message_bytes, settings.discovery_max_message_depth)


@dataclass(frozen=True)
class Decoded:
    """A message's value, or why it was refused (then `value` is None)."""

    value: Any
    refused: str | None = None


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in JSON `text`, without recursing (brackets inside
    strings do not count)."""
    depth = deepest = 0
    for bracket in _NOT_BRACKET.sub("", _STRING.sub('""', text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def decode(text: str | None, size_bytes: int, bounds: Bounds) -> Decoded:
    """The message whose JSON text (`None` when Postgres held it back for its size) is
    `size_bytes` long, or a refusal naming the bound it passed."""
    if text is None or size_bytes > bounds.max_bytes:
        return Decoded(
            None, f"message is {size_bytes} bytes; at most {bounds.max_bytes} are allowed (DISCOVERY_MAX_MESSAGE_BYTES)"
        )
    depth = nesting_depth(text)
    if depth > bounds.max_depth:
        return Decoded(
            None, f"message nests {depth} deep; at most {bounds.max_depth} are allowed (DISCOVERY_MAX_MESSAGE_DEPTH)"
        )
    try:
        return Decoded(json.loads(text))
    except (ValueError, RecursionError) as error:  # Postgres stored it, so this is a bug of ours
        return Decoded(None, f"message is not JSON Python can read: {type(error).__name__}")


DEFAULT_BOUNDS = Bounds()
