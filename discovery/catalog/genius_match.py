"""Which Genius song is this track, and, when none is, the closest one seen and why it was not it.

The hit itself is `credits.choose_genius_hit`'s (one rule decides what matches). Without a hit,
the best candidate is the closest rejected one, in this order:
- "other version": the same primary artist and the same title once every bracketed or " - "
  suffix is set aside ("Song (X Remix)" for "Song"), rejected by the version rules;
- "title differs": the same primary artist, another title;
- "other artist": the first hit, by another primary artist;
- "no results": the search found nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from discovery.catalog.credits import _primary_artist_names, _song_of, choose_genius_hit
from discovery.catalog.names import clean_spaces, normalize_name

OTHER_VERSION = "other version"
TITLE_DIFFERS = "title differs"
OTHER_ARTIST = "other artist"
NO_RESULTS = "no results"
_RANK = {OTHER_VERSION: 0, TITLE_DIFFERS: 1, OTHER_ARTIST: 2}

_FEAT = re.compile(r"\s*[(\[]\s*(?:feat\.?|ft\.?|featuring|with)\s[^)\]]*[)\]]", re.IGNORECASE)
_SUFFIX = re.compile(r"(?:\s*[(\[][^()\[\]]*[)\]]\s*|\s+[-–—]\s+[^-–—]+)$")


@dataclass(frozen=True)
class GeniusMatch:
    hit: Mapping[str, Any] | None
    candidate: Mapping[str, Any] | None = None
    reason: str | None = None

    def candidate_summary(self) -> dict[str, Any] | None:
        """The rejected candidate as the outcome records it."""
        if self.candidate is None:
            return None
        song = self.candidate
        return {
            "genius_song_id": song.get("id"),
            "title": song.get("title"),
            "artist": (song.get("primary_artist") or {}).get("name"),
            "url": song.get("url"),
        }


def base_title(title: str) -> str:
    """A title with its featuring credits and every trailing version suffix set aside."""
    text = _FEAT.sub("", clean_spaces(title))
    while True:
        shorter = _SUFFIX.sub("", text)
        if shorter == text or not shorter.strip():
            return normalize_name(text)
        text = shorter


def match_genius(hits: Sequence[Mapping[str, Any]], title: str, artist_name: str) -> GeniusMatch:
    """The matching hit, or None with the best rejected candidate and the reason it was rejected."""
    hit = choose_genius_hit(hits, title, artist_name)
    if hit is not None:
        return GeniusMatch(hit)
    best: tuple[int, Mapping[str, Any], str] | None = None
    wanted_artist, wanted_title = normalize_name(artist_name), base_title(title)
    for raw in hits:
        song = _song_of(raw)
        if not any(normalize_name(name) == wanted_artist for name in _primary_artist_names(song)):
            reason = OTHER_ARTIST
        elif base_title(song.get("title") or "") == wanted_title:
            reason = OTHER_VERSION
        else:
            reason = TITLE_DIFFERS
        if best is None or _RANK[reason] < best[0]:
            best = (_RANK[reason], song, reason)
    if best is None:
        return GeniusMatch(None, None, NO_RESULTS)
    return GeniusMatch(None, best[1], best[2])
