"""Seed artists and guests on Spotify, with the near-identical names that trap artist search."""

from __future__ import annotations

import string

from discovery.sandbox.gen_model import GENRES, SPOTIFY, Builder, Json, Target

TRAP_BASES = ["Nova", "Lumen", "Orbit", "Ember", "Halo", "Vesper", "Quill", "Solace"]


def spotify_artist(builder: Builder, name: str, followers: int, popularity: int) -> Json:
    artist_id = builder.spotify_id()
    artist = {
        "external_urls": {"spotify": f"https://open.spotify.com/artist/{artist_id}"},
        "followers": {"href": None, "total": followers},
        "genres": sorted(builder.rng.sample(GENRES, 2)),
        "href": f"{SPOTIFY}/artists/{artist_id}",
        "id": artist_id,
        "images": builder.image("ab6761610000e5eb"),
        "name": name,
        "popularity": popularity,
        "type": "artist",
        "uri": f"spotify:artist:{artist_id}",
    }
    builder.catalog["spotify"]["artists"].append(artist)
    return artist


def target(builder: Builder, name: str, followers: int, popularity: int) -> Target:
    spotify = spotify_artist(builder, name, followers, popularity)
    registrant = "".join(
        builder.rng.choice(string.ascii_uppercase + string.digits) for _ in range(3)
    )
    return Target(name, spotify, builder.genius_person(name), builder.mbid(), registrant)


def seed_artists(builder: Builder, count: int) -> list[Target]:
    rng = builder.rng
    targets: list[Target] = []
    base = rng.choice(TRAP_BASES)
    for word in (base, f"{base} Kid"):
        builder.claim(word)
    first = target(builder, base, rng.randint(200_000, 3_000_000), rng.randint(55, 80))
    followers, popularity = first.spotify["followers"]["total"], first.spotify["popularity"]
    # Search ranks by popularity: both near-names come before the seed artist.
    spotify_artist(builder, f"{base} Kid", followers // 3, min(100, popularity + 8))
    spotify_artist(builder, base.upper(), max(10, followers // 500), min(100, popularity + 4))
    targets.append(first)
    for _ in range(count - 1):
        targets.append(
            target(
                builder,
                builder.artist_name(),
                rng.randint(5_000, 2_000_000),
                rng.randint(15, 85),
            )
        )
    return targets


def guests(builder: Builder) -> list[Target]:
    """The two artists featured on seed artists' tracks ("feat." and "with")."""
    rng = builder.rng
    return [
        target(builder, builder.artist_name(), rng.randint(5_000, 90_000), rng.randint(20, 60))
        for _ in range(2)
    ]
