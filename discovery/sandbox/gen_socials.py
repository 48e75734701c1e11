"""Producers' socials: Instagram handles, provider profiles, and the missing ones that are traps."""

from __future__ import annotations

from discovery.sandbox.gen_model import GENRES, Builder, Json, Person


def _handle(builder: Builder, name: str, style: int) -> str:
    base = "".join(char for char in name.lower() if char.isalnum())
    candidate = [f"{base}", f"{base}.prod", f"prod.{base}", f"{base}_beats", f"{base}music"][style]
    while candidate in builder.handles:
        candidate += str(builder.rng.randrange(10))
    builder.handles.add(candidate)
    return candidate


def _profile(builder: Builder, person: Person, username: str, verified: bool) -> Json:
    rng = builder.rng
    profile = {
        "username": username,
        "full_name": person.name,
        "follower_count": rng.randint(800, 2_500_000),
        "following_count": rng.randint(50, 2_000),
        "biography": f"producer · {rng.choice(GENRES)}",
        "external_url": f"https://linktr.ee/{username}",
        "is_verified": verified,
        "is_private": False,
        "profile_pic_url": f"https://instagram.example/{username}.jpg",
        "media_count": rng.randint(10, 3_000),
    }
    builder.catalog["instagram"]["profiles"].append(profile)
    return profile


def producers(
    builder: Builder, genius_count: int, mb_count: int
) -> tuple[list[Person], list[Person]]:
    """Producers known to Genius (with their socials) and producers known only to MusicBrainz."""
    rng = builder.rng
    genius = [builder.genius_person(builder.person_name()) for _ in range(genius_count)]
    # 0 star: every social, verified; 1 crossover (also on MusicBrainz): handle + profile;
    # 2: handle but the provider has no profile; 3: no handle, and a profile under the handle a
    # guess from the name would make; the rest at random.
    patterns = ["full", "handle", "handle_no_profile", "guess_trap"]
    for index, person in enumerate(genius):
        pattern = (
            patterns[index]
            if index < len(patterns)
            else rng.choice(["full", "handle", "handle", "none", "twitter_only"])
        )
        if pattern in ("full", "handle", "handle_no_profile"):
            person.instagram = _handle(builder, person.name, rng.randrange(1, 5))
        if pattern == "full" or (pattern != "guess_trap" and rng.random() < 0.5):
            person.twitter = f"{person.name.replace(' ', '')}{rng.randrange(100)}"
        if pattern == "full" or (pattern == "handle" and rng.random() < 0.3):
            person.facebook = person.name.lower().replace(" ", ".")
        if pattern in ("full", "handle"):
            person.profile = _profile(builder, person, person.instagram or "", pattern == "full")
        if pattern == "guess_trap":
            person.twitter = person.name.replace(" ", "_")
            _profile(builder, Person(person.name), _handle(builder, person.name, 0), True)
    genius[1].mbid = builder.mbid()
    musicbrainz = [Person(builder.person_name(), mbid=builder.mbid()) for _ in range(mb_count)]
    return genius, musicbrainz
