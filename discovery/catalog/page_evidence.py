"""What a Genius page says about the release it belongs to, against the Spotify track at hand.

A page (GET songs/{id}) may carry its `album` (name), its `release_date` ("2016-10-07"; search
hits carry `release_date_components` instead) and `media` links, among them a Spotify link
(`native_uri` "spotify:track:ID", `url` "https://open.spotify.com/track/ID"). Against the track's
Spotify album name, album release date and track id:
- a Spotify link to this very track settles it (the page is this recording);
- the same album (names compared without edition suffixes: "(Deluxe)", " - 40th Anniversary
  Edition", "(Remastered)") counts for the page, another album against it;
- the same release year counts for it (the same day a little more), another year against it.
A generic title ("Intro", "Interlude", "Outro", "Skit", ...) is on many releases of one artist:
such a page is taken only when nothing it carries points to another release.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from discovery.catalog.names import normalize_name, normalize_title, version_key

GENERIC_TITLES = frozenset((
    "intro", "introduction", "interlude", "outro", "skit", "prelude", "prologue", "epilogue",
    "overture", "reprise", "untitled", "segue", "coda", "hidden track",
))
_NUMBERING = re.compile(r"(?:\s+(?:pt|part|no)?\s*\d+|\s+[ivx]+)$")
_SPOTIFY_TRACK = re.compile(r"(?:spotify:track:|open\.spotify\.com/track/)([A-Za-z0-9]+)")

THIS_TRACK, ANOTHER_TRACK, NO_LINK = "this track", "another track", "no link"
SAME, OTHER, UNKNOWN = "same", "other", "unknown"
SAME_DAY, SAME_YEAR, OTHER_YEAR = "same day", "same year", "other year"
_SCORES = {THIS_TRACK: 100, SAME: 10, OTHER: -10, SAME_DAY: 3, SAME_YEAR: 2, OTHER_YEAR: -2}


@dataclass(frozen=True)
class TrackContext:
    """What Spotify says of the track being identified."""

    title: str
    artist: str  # the seeded artist the track was discovered for
    artists: tuple[str, ...] = ()  # the track's own artists, in Spotify's order
    album: str | None = None
    release_date: str | None = None  # "2019", "2019-05" or "2019-05-17"
    track_id: str | None = None

    def own_artists(self) -> tuple[str, ...]:
        return self.artists or (self.artist,)


@dataclass(frozen=True)
class PageEvidence:
    media: str = NO_LINK
    album: str = UNKNOWN
    date: str = UNKNOWN
    details: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def confirmed(self) -> bool:
        return self.media == THIS_TRACK

    @property
    def score(self) -> int:
        return sum(_SCORES.get(value, 0) for value in (self.media, self.album, self.date))

    @property
    def points_elsewhere(self) -> bool:
        """Another album, or another year with no album to say otherwise."""
        return self.album == OTHER or (self.date == OTHER_YEAR and self.album != SAME)


def is_generic_title(title: str) -> bool:
    """A title many releases of one artist carry ("Intro", "Interlude 2", "Skit")."""
    base = _NUMBERING.sub("", version_key(title)[0])
    return base in GENERIC_TITLES


def spotify_track_ids(song: Mapping[str, Any]) -> set[str]:
    """The Spotify track ids a page's `media` links point to."""
    found: set[str] = set()
    for medium in song.get("media") or []:
        if not isinstance(medium, dict) or medium.get("provider") != "spotify":
            continue
        for key in ("native_uri", "url"):
            match = _SPOTIFY_TRACK.search(str(medium.get(key) or ""))
            if match:
                found.add(match.group(1))
    return found


def _date_parts(text: str | None) -> tuple[int, ...]:
    parts: list[int] = []
    for piece in (text or "").split("-")[:3]:
        if not piece.isdigit():
            break
        parts.append(int(piece))
    return tuple(parts)


def page_date(song: Mapping[str, Any]) -> tuple[int, ...]:
    """(year, month, day) as far as the page knows it; () when it does not."""
    parts = _date_parts(song.get("release_date"))
    if parts:
        return parts
    components = song.get("release_date_components") or {}
    found: list[int] = []
    for key in ("year", "month", "day"):
        value = components.get(key) if isinstance(components, dict) else None
        if not isinstance(value, int):
            break
        found.append(value)
    return tuple(found)


def _album_name(song: Mapping[str, Any]) -> str | None:
    album = song.get("album")
    if isinstance(album, dict) and album.get("name"):
        return str(album["name"])
    return None


def evidence(song: Mapping[str, Any], track: TrackContext) -> PageEvidence:
    """What the page says about the release, against the track (rules in the module docstring)."""
    links = spotify_track_ids(song)
    media = NO_LINK if not links else THIS_TRACK if track.track_id in links else ANOTHER_TRACK
    album_name = _album_name(song)
    album = UNKNOWN
    if album_name and track.album:
        same = normalize_title(album_name) == normalize_title(track.album) or (
            normalize_name(album_name) == normalize_name(track.album)
        )
        album = SAME if same else OTHER
    theirs, ours = page_date(song), _date_parts(track.release_date)
    date = UNKNOWN
    if theirs and ours:
        date = OTHER_YEAR if theirs[0] != ours[0] else SAME_DAY if len(ours) == 3 and theirs == ours else SAME_YEAR
    details = {"media": media, "album": album_name, "album_is": album, "date": "-".join(map(str, theirs)) or None,
               "date_is": date}
    return PageEvidence(media, album, date, details)
