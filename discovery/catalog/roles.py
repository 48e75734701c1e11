"""Production roles from strongest to weakest, and one line per person per track.

A page often credits one person twice on a song ("Producer" and "Co-Producer"): every credit is
kept (one per producer, track, source and role), and a table shows the person once per track
with all their roles, strongest first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Hands on the recording first; supporting, then executive credits last.
ROLE_ORDER: tuple[str, ...] = (
    "producer",
    "co-producer",
    "co-production",
    "production",
    "vocal producer",
    "additional producer",
    "additional production",
    "assistant producer",
    "executive producer",
)


def strength(role: str) -> tuple[int, str]:
    """Sort key: a known role by its place in ROLE_ORDER, any other role after them by name."""
    return (ROLE_ORDER.index(role), role) if role in ROLE_ORDER else (len(ROLE_ORDER), role)


def strongest_first(roles: Iterable[str]) -> list[str]:
    return sorted(set(roles), key=strength)


def per_track(credits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per track (first credit's fields), with `roles` strongest first and `sources`."""
    merged: dict[str, dict[str, Any]] = {}
    for credit in credits:
        entry = merged.setdefault(credit["spotify_track_id"], {**credit, "roles": [], "sources": []})
        entry["roles"].append(credit["role"])
        entry["sources"].append(credit["source"])
    for entry in merged.values():
        entry["roles"] = strongest_first(entry["roles"])
        entry["sources"] = sorted(set(entry["sources"]))
    return list(merged.values())
