"""Which Genius song is this track, decided on all the evidence its pages carry; when none is, the
closest one seen and why it was not it; when several stay equally likely, none, and which.

The pages that can be the track are the search hits whose artists fit and whose title is the
same version (`credits.artist_fits`, `names.titles_match`). Each one's full page (songs/{id}) is
read and weighed against the track (`page_evidence`): a page with a Spotify link to this very
track is taken; a generic title ("Intro") takes no page that points to another release; of the
rest, the page with the most evidence for it wins. Pages that stay equally likely are
"ambiguous": none is taken and every one is recorded.

Without a hit, the best candidate is the closest rejected one, in this order:
- "other release": a generic title whose only pages point to another album or year;
- "other version": the same primary artist and the same title once every bracketed or " - "
  suffix is set aside ("Song (X Remix)" for "Song"), rejected by the version rules;
- "title differs": the same primary artist, another title;
- "other artist": the first hit, by another primary artist;
- "no results": the search found nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from discovery.catalog.credits import _song_of, artist_fits
from discovery.catalog.names import clean_spaces, normalize_name, titles_match
from discovery.catalog.page_evidence import PageEvidence, TrackContext, evidence, is_generic_title

AMBIGUOUS = "ambiguous"
OTHER_RELEASE = "other release"
OTHER_VERSION = "other version"
TITLE_DIFFERS = "title differs"
OTHER_ARTIST = "other artist"
NO_RESULTS = "no results"
_RANK = {OTHER_RELEASE: 0, OTHER_VERSION: 1, TITLE_DIFFERS: 2, OTHER_ARTIST: 3}

_FEAT = re.compile(r"\s*[(\[]\s*(?:feat\.?|ft\.?|featuring|with)\s[^)\]]*[)\]]", re.IGNORECASE)
_SUFFIX = re.compile(r"(?:\s*[(\[][^()\[\]]*[)\]]\s*|\s+[-–—]\s+[^-–—]+)$")

SongPage = Callable[[int], Mapping[str, Any]]


def summary(song: Mapping[str, Any], weighed: PageEvidence | None = None) -> dict[str, Any]:
    """A page as an outcome records it (with what it carried about its release, when weighed)."""
    found = {
        "genius_song_id": song.get("id"),
        "title": song.get("title"),
        "artist": (song.get("primary_artist") or {}).get("name"),
        "url": song.get("url"),
    }
    if weighed is not None:
        found["evidence"] = weighed.details
    return found


@dataclass(frozen=True)
class GeniusMatch:
    hit: Mapping[str, Any] | None
    candidate: Mapping[str, Any] | None = None
    reason: str | None = None
    # Ambiguous: the pages that stayed equally likely, as `summary` gives them.
    candidates: list[dict[str, Any]] = field(default_factory=list)
    weighed: PageEvidence | None = None

    def candidate_summary(self) -> dict[str, Any] | None:
        """The rejected candidate as the outcome records it."""
        return None if self.candidate is None else summary(self.candidate)


def base_title(title: str) -> str:
    """A title with its featuring credits and every trailing version suffix set aside."""
    text = _FEAT.sub("", clean_spaces(title))
    while True:
        shorter = _SUFFIX.sub("", text)
        if shorter == text or not shorter.strip():
            return normalize_name(text)
        text = shorter


def fitting_pages(hits: Sequence[Mapping[str, Any]], track: TrackContext) -> list[Mapping[str, Any]]:
    """The hits that can be this track (artists fit, same title and version), once each."""
    found: dict[Any, Mapping[str, Any]] = {}
    for raw in hits:
        song = _song_of(raw)
        if artist_fits(song, track.artist, track.artists) and titles_match(track.title, song.get("title") or ""):
            found.setdefault(song.get("id"), song)
    return list(found.values())


def match_genius(
    hits: Sequence[Mapping[str, Any]], track: TrackContext | str, artist_name: str | None = None,
    song_page: SongPage | None = None,
) -> GeniusMatch:
    """The matching page (the full page when `song_page` reads it), or None with the best
    rejected candidate and why, or None with the equally likely candidates (rules above)."""
    if isinstance(track, str):
        track = TrackContext(track, artist_name or "")
    pages = fitting_pages(hits, track)
    if not pages:
        return _rejected(hits, track)
    if song_page is not None:
        pages = [song_page(int(page["id"])) for page in pages]
    weighed = [(page, evidence(page, track)) for page in pages]
    confirmed = [(page, seen) for page, seen in weighed if seen.confirmed]
    if confirmed:
        weighed = confirmed
    elif is_generic_title(track.title):
        elsewhere = [(page, seen) for page, seen in weighed if seen.points_elsewhere]
        weighed = [(page, seen) for page, seen in weighed if not seen.points_elsewhere]
        if not weighed:
            return GeniusMatch(None, elsewhere[0][0], OTHER_RELEASE, weighed=elsewhere[0][1])
    best = max(seen.score for _, seen in weighed)
    top = [(page, seen) for page, seen in weighed if seen.score == best]
    if len(top) == 1:
        return GeniusMatch(top[0][0], weighed=top[0][1])
    return GeniusMatch(None, None, AMBIGUOUS, [summary(page, seen) for page, seen in top])


def _rejected(hits: Sequence[Mapping[str, Any]], track: TrackContext) -> GeniusMatch:
    best: tuple[int, Mapping[str, Any], str] | None = None
    wanted_title = base_title(track.title)
    for raw in hits:
        song = _song_of(raw)
        if not artist_fits(song, track.artist, track.artists):
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
