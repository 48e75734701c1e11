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


def broken(body: dict[str, Any], items: Sequence[Any], how: str) -> dict[str, Any]:
    """A paging object past the first page as a broken upstream sends it (knobs.BROKEN_PAGING):
    `empty_next` no items yet a next link to the same offset; `backward` claiming offset 1 and
    always a next; `endless` a next past the total, the last items repeated once the list ran out."""
    offset, limit = int(body["offset"]), int(body["limit"])
    if not how or offset == 0:
        return body
    if how == "empty_next":
        return {**body, "items": [], "next": body["href"]}
    following = str(body["href"]).replace(f"offset={offset}", f"offset={offset + limit}")
    if how == "backward":
        return {**body, "offset": 1, "next": following}
    return {**body, "items": body["items"] or list(items[-limit:]), "next": following}
