"""Spotify paging objects and the limit/offset parameters that drive them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode


def parse_int(value: str | None, default: int, lowest: int, highest: int) -> int | None:
    """The integer in `value` (or `default` when absent); None when it is not one in range."""
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        return None
    return number if lowest <= number <= highest else None


def page(
    items: Sequence[Any], url: str, params: dict[str, str], offset: int, limit: int
) -> dict[str, Any]:
    """A paging object over all of `items`, with absolute href/next/previous built on `url`."""
    total = len(items)

    def link(at: int) -> str:
        return f"{url}?{urlencode({**params, 'offset': at, 'limit': limit})}"

    return {
        "href": link(offset),
        "items": list(items[offset : offset + limit]),
        "limit": limit,
        "next": link(offset + limit) if offset + limit < total else None,
        "offset": offset,
        "previous": link(max(offset - limit, 0)) if offset > 0 else None,
        "total": total,
    }
