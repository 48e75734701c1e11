"""Where paging goes next, for an API whose pages say `next`, `total` and `offset`: forward only,
and never past a bound. An upstream that keeps saying `next` on an empty page, answers with an
offset behind the one asked for, or a `total` it has already reached would otherwise send the same
page (or an earlier one) to the queue for ever."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Next:
    """The next page's offset (None: paging ends), and why it ended early, if it did."""

    offset: int | None
    stopped_because: str | None = None


def next_page(asked: int, page: Mapping[str, Any], *, items: int, max_offset: int) -> Next:
    """After the page read at offset `asked` with `items` items. The next offset is counted from
    the offset asked for, not the one the page claims, so it only moves forward."""
    if not page.get("next"):
        return Next(None)
    if items == 0:
        return Next(None, f"an empty page at offset {asked} still says there is a next page; paging stopped")
    claimed = page.get("offset")
    notes = []
    if isinstance(claimed, int) and claimed != asked:
        notes.append(f"the page read at offset {asked} said it was at offset {claimed}; counted on from {asked}")
    following = asked + items
    total = page.get("total")
    if isinstance(total, int) and following >= total:
        notes.append(f"a next page was announced past the total of {total}; paging stopped")
        return Next(None, "; ".join(notes))
    if following > max_offset:
        notes.append(f"offset {following} passes the bound of {max_offset} (DISCOVERY_MAX_PAGE_OFFSET); paging stopped")
        return Next(None, "; ".join(notes))
    return Next(following, "; ".join(notes) or None)
