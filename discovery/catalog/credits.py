"""Production credits from Genius songs and MusicBrainz recordings, the choice of the right
Genius song and Spotify artist, and how much each credit is trusted.

Which credits are production (`PRODUCTION_ROLES`, compared after lower-casing, trimming and
reading "-" as a space): producer, co-producer, additional production, additional producer,
assistant producer, executive producer, vocal producer, co-production, production. A Genius
`custom_performances` label in that list is a production credit with that label, lower-cased,
as its role ("Additional Production" -> "additional production"); `producer_artists` are role
"producer". "Programmer", "Drum Programmer" and "Programming" are not production credits: on
Genius they sit beside "Guitar" and "Keyboards" as the musician who played the part, and
counting them would credit musicians as producers. Engineers (recording, mixing, mastering),
musicians, writers and labels are never producers.

MusicBrainz: a recording's relations of type "producer" to an artist, role from the relation's
attributes: none -> "producer", "co" -> "co-producer", "additional" -> "additional producer",
"executive" -> "executive producer", "assistant" -> "assistant producer", any other attribute
-> "<attribute> producer"; several attributes combine in a fixed order ("additional co-producer").
Where a recording has no producer relation, its releases' producer relations count, at the
release level (`level="release"`): editors put a producer on the release when they do not know
which tracks they produced, so such a credit says less about this track.

Confidence per credit (`confidence`): the source and the role decide it.
- Genius, role "producer" (the song page's own producer field): 0.95;
- Genius, any other production label (custom_performances): 0.90;
- MusicBrainz: 0.85 (community relations, reached through an ISRC rather than a title);
- MusicBrainz at the release level: 0.70 (the producer of the release, not necessarily of this
  track);
- minus 0.05 for a supporting role (assistant, additional, vocal), minus 0.10 for an executive
  producer (often a label or management credit rather than hands on the recording).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from discovery.catalog.evidence import (
    PRODUCER_ARTISTS,
    Evidence,
    genius_evidence,
    musicbrainz_evidence,
    release_evidence,
)
from discovery.catalog.names import names_match, normalize_name, titles_match

Source = Literal["genius", "musicbrainz"]
A = TypeVar("A", bound=Mapping[str, Any])  # an artist object, as the client types it

PRODUCTION_ROLES: tuple[str, ...] = (
    "producer",
    "co-producer",
    "additional production",
    "additional producer",
    "assistant producer",
    "executive producer",
    "vocal producer",
    "co-production",
    "production",
)

_ROLE_KEYS = {role.replace("-", " "): role for role in PRODUCTION_ROLES}

# Fixed order so a relation with several attributes always reads the same way.
_MB_ATTRIBUTE_PREFIX = {
    "executive": "executive ",
    "additional": "additional ",
    "assistant": "assistant ",
    "co": "co-",
}

BASE_CONFIDENCE = {"genius_producer": 0.95, "genius": 0.90, "musicbrainz": 0.85, "musicbrainz_release": 0.70}
RECORDING = "recording"
RELEASE = "release"
SUPPORTING_ROLE_PENALTY = 0.05
EXECUTIVE_ROLE_PENALTY = 0.10


@dataclass(frozen=True)
class Credit:
    """One person credited with one production role on one recording, by one source."""

    name: str
    role: str
    source: Source
    genius_id: int | None = None
    musicbrainz_id: str | None = None
    # "release": read from a release the recording is on, not from the recording itself.
    level: str = RECORDING
    # What the credit rests on; not part of its identity (the same credit from two recordings is one).
    evidence: Evidence | None = field(default=None, compare=False)


def production_role(label: str) -> str | None:
    """The production role a Genius custom_performances label names, or None if it is not one."""
    key = " ".join(label.replace("-", " ").replace("–", " ").casefold().split())
    return _ROLE_KEYS.get(key)


def genius_credits(song: Mapping[str, Any]) -> list[Credit]:
    """Production credits of a Genius song (GET /songs/{id} -> response.song)."""
    found: list[Credit] = []
    seen: set[tuple[object, str]] = set()

    def add(artist: dict[str, Any], role: str, section: str) -> None:
        person = (
            artist.get("id") if artist.get("id") is not None else normalize_name(artist["name"])
        )
        if (person, role) in seen:
            return
        seen.add((person, role))
        genius_id = artist.get("id")
        found.append(
            Credit(
                artist["name"],
                role,
                "genius",
                int(genius_id) if genius_id is not None else None,
                None,
                evidence=genius_evidence(song, artist, section),
            )
        )

    for artist in song.get("producer_artists") or []:
        add(artist, "producer", PRODUCER_ARTISTS)
    for group in song.get("custom_performances") or []:
        role = production_role(group.get("label") or "")
        if role is None:
            continue
        for artist in group.get("artists") or []:
            add(artist, role, str(group.get("label")))
    return found


def musicbrainz_role(attributes: list[str]) -> str:
    """The role a MusicBrainz producer relation's attributes give (rules in the module docstring)."""
    known = [attr for attr in _MB_ATTRIBUTE_PREFIX if attr in attributes]
    other = sorted(attr for attr in attributes if attr not in _MB_ATTRIBUTE_PREFIX)
    prefix = "".join(f"{attr} " for attr in other)
    prefix += "".join(_MB_ATTRIBUTE_PREFIX[attr] for attr in known)
    return f"{prefix}producer"


def musicbrainz_credits(recording: Mapping[str, Any], isrc: str | None = None) -> list[Credit]:
    """Production credits of a MusicBrainz recording (ws/2/recording/{mbid}?inc=artist-rels),
    reached through `isrc` (kept as evidence)."""
    return _producer_credits(
        recording, RECORDING, lambda relation: musicbrainz_evidence(recording, relation, isrc)
    )


def musicbrainz_release_credits(
    release: dict[str, Any], recording: dict[str, Any], isrc: str | None = None
) -> list[Credit]:
    """Production credits a MusicBrainz release (ws/2/release/{mbid}?inc=artist-rels) gives a
    recording on it that has none of its own: level "release", evidence naming the release."""
    return _producer_credits(
        release, RELEASE, lambda relation: release_evidence(release, recording, relation, isrc)
    )


def _producer_credits(
    entity: Mapping[str, Any], level: str, evidence_of: Callable[[Mapping[str, Any]], Evidence]
) -> list[Credit]:
    """One credit per producer relation to an artist of a MusicBrainz recording or release, in
    relation order, repeats dropped; `evidence_of(relation)` says what each rests on."""
    found: list[Credit] = []
    for relation in entity.get("relations") or []:
        artist = relation.get("artist")
        if relation.get("type") != "producer" or relation.get("target-type") != "artist" or not artist:
            continue
        credit = Credit(
            artist["name"],
            musicbrainz_role(list(relation.get("attributes") or [])),
            "musicbrainz",
            None,
            artist.get("id"),
            level,
            evidence=evidence_of(relation),
        )
        if credit not in found:
            found.append(credit)
    return found


def _song_of(hit: Mapping[str, Any]) -> Mapping[str, Any]:
    # Accept a raw search hit ({"type": "song", "result": {...}}) as well as the song itself.
    result = hit.get("result")
    return result if isinstance(result, dict) else hit


def _primary_artist_names(song: Mapping[str, Any]) -> list[str]:
    artists = [song.get("primary_artist") or {}] + list(song.get("primary_artists") or [])
    return [artist["name"] for artist in artists if artist.get("name")]


def _featured_artist_names(song: Mapping[str, Any]) -> list[str]:
    return [artist["name"] for artist in song.get("featured_artists") or [] if artist.get("name")]


def artist_fits(song: Mapping[str, Any], artist_name: str, track_artists: tuple[str, ...] = ()) -> bool:
    """The seeded artist is a primary artist of the song, or a featured one on a song whose
    primary artist is one of the track's own artists ("Song (Ft. Seeded)" by the artist Spotify
    lists first). Names compare in either script ("BTS (방탄소년단)" is "BTS")."""
    primary = _primary_artist_names(song)
    if any(names_match(name, artist_name) for name in primary):
        return True
    own = track_artists or (artist_name,)
    return any(names_match(name, artist_name) for name in _featured_artist_names(song)) and any(
        names_match(name, mine) for name in primary for mine in own
    )


def choose_genius_hit(
    hits: Sequence[Mapping[str, Any]], title: str, artist_name: str, track_artists: tuple[str, ...] = ()
) -> Mapping[str, Any] | None:
    """The first search hit that can be this track: its artists fit (`artist_fits`) and its
    normalised title matches (the same version; see `discovery.names.titles_match`).

    Search rank is ignored: a cover by another artist fails the artist test and a remix fails the
    title test, however many page views they have. Which of several fitting hits is the track
    is `genius_match.match_genius`'s to decide, on the evidence each page carries.
    """
    for hit in hits:
        song = _song_of(hit)
        if artist_fits(song, artist_name, track_artists) and titles_match(title, song.get("title") or ""):
            return song
    return None


def choose_spotify_artist(items: list[A], name: str) -> tuple[A | None, list[A]]:
    """The Spotify artist named `name` (after normalisation), and the other artists so named.

    Several matches: the one whose name is exactly as typed wins; then, when Spotify gives
    popularity (Extended Quota Mode; Development Mode no longer does), the most popular; else
    the search's own order. Followers are never needed.
    """
    wanted = normalize_name(name)
    exact = [item for item in items if normalize_name(item.get("name") or "") == wanted]
    if not exact:
        return None, []
    as_typed = [item for item in exact if (item.get("name") or "") == name.strip()]
    best = _most_popular(as_typed or exact)
    return best, [item for item in exact if item is not best]


def _most_popular(items: list[A]) -> A:
    if all(item.get("popularity") is None for item in items):
        return items[0]
    # max() keeps the first of equals, so ties keep the search's order.
    return max(items, key=lambda item: int(item.get("popularity") or 0))


def confidence(credit: Credit) -> float:
    """How much a credit is trusted, from its source and role (rule in the module docstring)."""
    if credit.source == "genius":
        base = BASE_CONFIDENCE["genius_producer" if credit.role == "producer" else "genius"]
    else:
        base = BASE_CONFIDENCE["musicbrainz_release" if credit.level == RELEASE else "musicbrainz"]
    role = credit.role
    if "executive" in role:
        base -= EXECUTIVE_ROLE_PENALTY
    elif any(word in role for word in ("assistant", "additional", "vocal")):
        base -= SUPPORTING_ROLE_PENALTY
    return round(base, 2)
