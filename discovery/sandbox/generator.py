"""Deterministic sandbox catalogs with the traps real data has, and their answer keys.

`generate_catalog(artists, albums, tracks, seed)` returns `(catalog, truth)`; the same arguments
always give the same JSON. The catalog holds each API's objects in its own shape (Spotify artist,
album and track objects, Genius songs and artists, MusicBrainz recordings, Instagram provider
profiles; see issue 3). Sizes:

- `artists` seed artists (the ones to discover). The first has exactly `albums` albums (so
  `albums >= 11` gives an artist with more than 10), the others between `albums // 2` (at least 1)
  and `albums`; each album has between `tracks // 2` (at least 1) and `tracks` tracks. Every seed
  artist also has one single repeating one of its album tracks (same ISRC, another track id).
- `long_album_tracks` (default 52): the first artist's first album has at least that many
  tracks, so paging past 50 is exercised; 0 turns it off.
- `shapes` (default off): the title and artist shapes of real catalogs (gen_shapes: generic
  titles on two albums, two scripts, bare "feat", the seed artist as the feature, release
  suffixes, two spellings of one producer), two albums and a seed artist more.

Every Genius song carries its release as real pages do (gen_pages: album, release dates, some
with a Spotify link to the recording's album track).

Traps, each in every generated catalog large enough to hold them (the first artist's long album
makes any default catalog large enough): artists named near-identically to the first seed artist
("Nova Kid", and "NOVA" with more popularity but far fewer followers, so search ranks both first);
songs whose production credits are only in `custom_performances`, next to engineers, musicians,
programmers, writers and labels; remixes (same primary artist) and covers (another artist) ranked
above the original; titles with "(feat. …)", "[with …]", " - 2011 Remaster", " - Remastered 2009",
" - Radio Edit", non-breaking spaces (Spotify) and zero-width spaces and curly
apostrophes (Genius); Genius songs without production credits and tracks Genius does not know,
both credited by MusicBrainz through the ISRC (attributes co, additional, executive; one ISRC with
two recordings); a Genius song with credits whose MusicBrainz recording credits someone else
(ignored: Genius comes first); producers with an Instagram handle and a provider profile, with a
handle and no profile, and with no handle (one of them has a provider profile under the handle a
guess from the name would produce: never to be found); one producer credited on every seed
artist; one producer credited by Genius on one track and by MusicBrainz on another. Other
recordings of a song (gen_versions): live takes with a "(Live)" Genius page ranked above the
studio page, live takes without one (with and without a MusicBrainz recording of their ISRC),
a demo, an acoustic version and a re-recording, each with a page of its own. With two or more
seed artists, the second's last album is a joint album with the first (both in its `artists`,
on its tracks and as the Genius songs' `primary_artists`). One producer
credited by MusicBrainz under another name (Genius lists it in the artist's `alternate_names`,
MusicBrainz lists the Genius name among the artist's aliases, served by ws/2/artist?inc=aliases);
and one uncredited track per reason: a Genius page without production credits (MusicBrainz
without producers), a track without an ISRC that Genius does not know, a recording Genius knows
only as a remix (MusicBrainz does not know the ISRC), a recording nobody credits (MusicBrainz
has it without producer relations).

The answer key (`truth`) encodes the rules the pipeline follows:
- a track's credits come from the Genius song whose primary artist and normalised title match
  and that is the same version (never a remix or a cover; a live take, demo, acoustic version or
  re-recording only its own page) when that song has at least one production credit; otherwise from
  every MusicBrainz recording carrying the track's ISRC (producer relations), identical credits
  once. Roles as in `discovery.catalog.credits`.
- a person is one producer: names are unique per person in generated data, and a producer
  credited by Genius and (under a new MusicBrainz artist id) by MusicBrainz is one producer with
  both ids, linked by exact normalised name.
- every track's outcome (`outcomes`: catalog/outcomes.py's names), and for a Genius miss why its
  best candidate was rejected (`rejected_because`, "other version" for the remix-only song).
- the producer under two names is one producer under the Genius name, with both ids.
- socials come from the producer's Genius artist; `instagram_followers`/`instagram_verified` from
  the provider's profile for that handle, null when there is no handle or no profile. A producer
  without a Genius id (credited only by MusicBrainz) has all socials null.
"""

from __future__ import annotations

import random

from discovery.sandbox.gen_artists import guests, seed_artists
from discovery.sandbox.gen_cast import hire
from discovery.sandbox.gen_credits import assign_scenarios, credit
from discovery.sandbox.gen_genius import genius_artist_object
from discovery.sandbox.gen_model import Builder, Json
from discovery.sandbox.gen_musicbrainz import mb_artist_object
from discovery.sandbox.gen_pages import release_fields
from discovery.sandbox.gen_releases import (
    decorate,
    plan_joint_album,
    plan_recordings,
    spotify_releases,
)
from discovery.sandbox.gen_shapes import add_shapes
from discovery.sandbox.gen_truth import truth
from discovery.sandbox.gen_versions import assign_versions

LONG_ALBUM_TRACKS = 52
DEMO_SEED = 2026


def _build(rng: random.Random, plan: list[list[int]], shapes: bool = False) -> tuple[Json, Json]:
    """The catalog for a plan (albums per seed artist, tracks per album), and its answer key."""
    # Every step draws from the one random source: reordering them changes every catalog.
    builder = Builder(rng)
    targets = seed_artists(builder, len(plan))
    featured = guests(builder)
    recordings = plan_recordings(rng, targets, plan)
    plan_joint_album(targets, plan)
    cast = hire(builder, featured, len(recordings))
    assign_scenarios(rng, targets, recordings)
    decorate(rng, recordings, cast.guests)
    assign_versions(rng, targets)
    for recording in recordings:
        credit(builder, cast, recording)
    spotify_releases(builder, cast.labels, targets, plan)
    if shapes:
        add_shapes(builder, cast, targets, recordings)
    for person in builder.people:
        builder.catalog["genius"]["artists"].append(genius_artist_object(rng, person))
    builder.catalog["musicbrainz"]["artists"] = [
        mb_artist_object(person) for _, person in sorted(builder.mb_artists.items())
    ]
    # Last, from a source of its own: every catalog before these fields stays as it was.
    release_fields(random.Random(rng.getrandbits(64)), builder)
    return builder.catalog, truth(targets, recordings)


def generate_catalog(
    artists: int, albums: int, tracks: int, seed: int, *, long_album_tracks: int = LONG_ALBUM_TRACKS,
    shapes: bool = False,
) -> tuple[Json, Json]:
    """A deterministic catalog and its answer key (sizes and traps in the module docstring)."""
    if artists < 1 or albums < 1 or tracks < 1:
        raise ValueError("artists, albums and tracks must each be at least 1")
    rng = random.Random(seed)
    plan: list[list[int]] = []
    for index in range(artists):
        count = albums if index == 0 else rng.randint(max(1, albums // 2), albums)
        plan.append([rng.randint(max(1, tracks // 2), tracks) for _ in range(count)])
    if long_album_tracks > 0:
        plan[0][0] = max(plan[0][0], long_album_tracks)
    return _build(rng, plan, shapes)


def demo_catalog() -> tuple[Json, Json]:
    """The small catalog shipped with the package: three seed artists, 19 recordings, every
    credit rule (no album over 50 tracks: generated catalogs have those)."""
    return _build(random.Random(DEMO_SEED), [[5, 4], [4, 3], [3]])
