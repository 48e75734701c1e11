"""One outcome per recording: why it has the credits it has, or none.

Credited: `credited_by_genius` (the matching Genius song has production credits), else
`credited_by_musicbrainz` (a recording with the ISRC has producer relations). Uncredited, the
most telling reason first:
- `genius_without_production_credits`: Genius has the song, and no production credit on it (nor
  has MusicBrainz);
- `ambiguous`: several Genius pages stayed equally likely (same title and artists, nothing they
  carry tells them apart), so none was taken, and MusicBrainz credits nobody either. The detail
  lists every candidate page with what it carried (album, date, Spotify link);
- `no_isrc`: Genius has no matching song and the track has no ISRC to ask MusicBrainz with;
- `musicbrainz_without_producers`: no matching Genius song; MusicBrainz has the recording but no
  producer relation on it;
- `no_genius_match`: no matching Genius song and MusicBrainz does not know the ISRC: nothing
  anywhere. The detail names the best candidate Genius offered and why it was rejected;
- `not_attempted`: not identified yet (held back by a rate limit, a paused API or a hold).
The detail of every outcome keeps both sides (the Genius song or candidate, the ISRC and the
MusicBrainz recordings asked).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from discovery.catalog.genius_match import AMBIGUOUS as AMBIGUOUS_MATCH
from discovery.catalog.genius_match import GeniusMatch

CREDITED_BY_GENIUS = "credited_by_genius"
CREDITED_BY_MUSICBRAINZ = "credited_by_musicbrainz"
GENIUS_WITHOUT_PRODUCTION_CREDITS = "genius_without_production_credits"
AMBIGUOUS = "ambiguous"
NO_ISRC = "no_isrc"
MUSICBRAINZ_WITHOUT_PRODUCERS = "musicbrainz_without_producers"
NO_GENIUS_MATCH = "no_genius_match"
NOT_ATTEMPTED = "not_attempted"

OUTCOMES = (
    CREDITED_BY_GENIUS,
    CREDITED_BY_MUSICBRAINZ,
    GENIUS_WITHOUT_PRODUCTION_CREDITS,
    AMBIGUOUS,
    NO_ISRC,
    MUSICBRAINZ_WITHOUT_PRODUCERS,
    NO_GENIUS_MATCH,
    NOT_ATTEMPTED,
)
CREDITED = (CREDITED_BY_GENIUS, CREDITED_BY_MUSICBRAINZ)


@dataclass
class Looked:
    """What the producer worker saw on each side."""

    genius: GeniusMatch | None = None
    genius_credits: int = 0
    isrc: str | None = None
    musicbrainz_asked: bool = False
    musicbrainz_recordings: list[str] = field(default_factory=list)
    musicbrainz_credits: int = 0


def decide(looked: Looked) -> tuple[str, dict[str, Any]]:
    """The recording's outcome and its detail (rules in the module docstring)."""
    match = looked.genius
    song = match.hit if match else None
    detail: dict[str, Any] = {
        "genius_song_id": song.get("id") if song else None,
        "genius_song_url": song.get("url") if song else None,
        "isrc": looked.isrc,
        "musicbrainz_recordings": looked.musicbrainz_recordings if looked.musicbrainz_asked else None,
    }
    if match is not None and song is None:
        detail["candidate"] = match.candidate_summary()
        detail["rejected_because"] = match.reason
        if match.reason == AMBIGUOUS_MATCH:
            detail["candidates"] = match.candidates
    elif match is not None and match.weighed is not None:
        detail["genius_evidence"] = match.weighed.details
    if looked.genius_credits:
        return CREDITED_BY_GENIUS, detail
    if looked.musicbrainz_credits:
        return CREDITED_BY_MUSICBRAINZ, detail
    if song is not None:
        return GENIUS_WITHOUT_PRODUCTION_CREDITS, detail
    if match is not None and match.reason == AMBIGUOUS_MATCH:
        return AMBIGUOUS, detail
    if not looked.isrc:
        return NO_ISRC, detail
    if looked.musicbrainz_recordings:
        return MUSICBRAINZ_WITHOUT_PRODUCERS, detail
    return NO_GENIUS_MATCH, detail


def candidates_text(detail: dict[str, Any]) -> str:
    """The equally likely pages of an ambiguous match, one after the other."""
    return "; ".join(
        f"{page.get('title')!r} by {page.get('artist')!r} ({page.get('url')})" for page in detail.get("candidates") or []
    )


def reason_text(outcome: str, detail: dict[str, Any]) -> str:
    """A line a person reads: why this track has no producer (or where its credits came from)."""
    if outcome == AMBIGUOUS:
        pages = detail.get("candidates") or []
        return f"{len(pages)} Genius pages equally likely, none taken: {candidates_text(detail)}"
    if outcome == NO_GENIUS_MATCH or (outcome in (NO_ISRC, MUSICBRAINZ_WITHOUT_PRODUCERS) and detail.get("rejected_because")):
        candidate = detail.get("candidate") or {}
        why = detail.get("rejected_because") or "no results"
        seen = f"best Genius candidate {candidate.get('title')!r} by {candidate.get('artist')!r}" if candidate else "Genius found nothing"
        prefix = {
            NO_GENIUS_MATCH: "no Genius match and MusicBrainz does not know the ISRC",
            NO_ISRC: "no Genius match and no ISRC to ask MusicBrainz",
            MUSICBRAINZ_WITHOUT_PRODUCERS: "no Genius match; MusicBrainz has no producer relation",
        }[outcome]
        return f"{prefix} ({seen}, rejected: {why})" if candidate else f"{prefix} ({seen})"
    return {
        CREDITED_BY_GENIUS: "credited by Genius",
        CREDITED_BY_MUSICBRAINZ: "credited by MusicBrainz",
        GENIUS_WITHOUT_PRODUCTION_CREDITS: "the Genius page has no production credit (nor has MusicBrainz)",
        NO_ISRC: "no ISRC to ask MusicBrainz with",
        MUSICBRAINZ_WITHOUT_PRODUCERS: "MusicBrainz has the recording but no producer relation",
        NOT_ATTEMPTED: "not attempted yet (held back by a limit or a hold)",
    }.get(outcome, outcome)
