"""What Spotify stopped giving Development Mode apps in March 2026, taken out of an answer.

Gone: an artist's `popularity` and `followers`, an album's `popularity`, a track's `popularity`
and `linked_from`, `available_markets` on simplified albums and tracks, and `album_group`.
(`external_ids` on albums and tracks were removed and then restored, so they stay.)
"""

from __future__ import annotations

from typing import Any

REMOVED_FROM = {
    "artist": frozenset({"popularity", "followers"}),
    "album": frozenset({"popularity", "album_group"}),
    "track": frozenset({"popularity", "linked_from"}),
}
REMOVED_FROM_SIMPLIFIED = frozenset({"available_markets"})


def development_view(body: Any, top_level: bool = True) -> Any:
    """`body` without the removed fields. The answer's own object (an endpoint's top level) is a
    full object; albums and tracks nested in it, or listed in a page, are simplified ones."""
    if isinstance(body, list):
        return [development_view(item, top_level=False) for item in body]
    if not isinstance(body, dict):
        return body
    kind = body.get("type")
    removed = REMOVED_FROM.get(kind, frozenset()) if isinstance(kind, str) else frozenset()
    if kind in {"album", "track"} and not top_level:
        removed = removed | REMOVED_FROM_SIMPLIFIED
    return {key: development_view(value, top_level=False) for key, value in body.items() if key not in removed}
