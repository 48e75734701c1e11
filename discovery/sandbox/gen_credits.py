"""Credit scenarios: which source credits each recording (Genius, MusicBrainz, both, none), and
the outcome the pipeline should record for it."""

from __future__ import annotations

import random

from discovery.sandbox.gen_cast import Cast
from discovery.sandbox.gen_genius import genius_songs, other_version_only, version_song
from discovery.sandbox.gen_model import Builder, Person, Recording, Target
from discovery.sandbox.gen_musicbrainz import MB_ROLE, mb_recording

# Credit scenarios: which source credits a recording, and how.
GENIUS_SCENARIOS = {
    "star",
    "genius_producer",
    "genius_custom",
    "genius_mixed",
    "genius_linked",
    "genius_and_mb",
    "covered",
    "genius_no_production",
    "genius_page_empty",
    "alias_genius",
}
# Versions with a Genius page of their own (gen_versions); version_live_mb and
# version_live_nothing have none.
VERSION_PAGES = {"version_live_page", "version_demo", "version_acoustic", "version_re_recording"}
MUST_SCENARIOS = [
    "genius_custom",
    "genius_mixed",
    "genius_no_production",
    "mb_only_all_attributes",
    "genius_and_mb",
    "mb_two_recordings",
    "nothing",
    "covered",
    "covered",
    "genius_linked",
    "mb_linked",
    # Uncredited for each reason an outcome names, and one person under two names.
    "genius_page_empty",
    "no_isrc",
    "other_version_only",
    "alias_genius",
    "alias_mb",
]
RANDOM_SCENARIOS = {
    "genius_producer": 55,
    "genius_custom": 8,
    "genius_mixed": 4,
    "mb_only": 12,
    "genius_no_production": 5,
    "genius_and_mb": 5,
    "nothing": 4,
    "covered": 7,
}


def assign_scenarios(
    rng: random.Random, targets: list[Target], recordings: list[Recording]
) -> None:
    reserved = {id(target.recordings[0]) for target in targets if target.recordings}
    for target in targets:
        if target.recordings:
            target.recordings[0].scenario = "star"
    free = [r for r in recordings if id(r) not in reserved]
    chosen = rng.sample(free, min(len(MUST_SCENARIOS), len(free)))
    for recording, scenario in zip(chosen, MUST_SCENARIOS, strict=False):
        recording.scenario = scenario
    picked = {id(r) for r in chosen}
    names, weights = list(RANDOM_SCENARIOS), list(RANDOM_SCENARIOS.values())
    for recording in free:
        if id(recording) not in picked:
            recording.scenario = rng.choices(names, weights)[0]


def _pick(rng: random.Random, pool: list[Person], count: int) -> list[Person]:
    return rng.sample(pool, min(count, len(pool)))


def credit(builder: Builder, cast: Cast, recording: Recording) -> None:
    """Write the recording's Genius songs and MusicBrainz recordings; note its expected credits."""
    rng = builder.rng
    scenario = recording.scenario
    pool = cast.star_pool[2:]  # star and crossover only where a scenario puts them
    producers: list[Person] = []
    custom: list[tuple[str, list[Person]]] = []
    mb: list[list[tuple[Person, list[str]]]] = []
    if scenario == "star":
        producers = [cast.star, *_pick(rng, pool, rng.randint(0, 1))]
    elif scenario in ("genius_producer", "covered", "genius_and_mb"):
        producers = _pick(rng, pool, rng.randint(1, 2))
        if rng.random() < 0.3:
            custom.append(("Producer", producers[:1]))  # the same credit twice: once
    elif scenario == "genius_custom":
        a, b, c = _pick(rng, pool, 3)
        if not cast.socials_shown:
            # The producers with a handle but no profile, and with no handle, get a credit.
            cast.socials_shown = True
            a, b = pool[0], pool[1]
            c = rng.choice(pool[2:])
        custom = [
            ("Co-Producer", [a]),
            ("Additional Production", [b]),
            ("Assistant Producer", [c]),
        ]
    elif scenario == "genius_mixed":
        a, b, c = _pick(rng, pool, 3)
        producers = [a]
        custom = [
            ("Additional Production", [a]),
            ("Executive Producer", [b]),
            ("Vocal Producer", [c]),
            ("Programmer", [cast.musicians[0]]),
            ("Drum Programmer", [cast.musicians[1]]),
        ]
    elif scenario == "genius_linked":
        producers = [cast.crossover]
    elif scenario in VERSION_PAGES:
        producers = _pick(rng, pool, 1)
    elif scenario == "alias_genius":
        producers = [_alias_person(builder, cast)]
    if scenario == "genius_and_mb":
        mb = [[(person, []) for person in _pick(rng, cast.mb_pool, 2)]]
    elif scenario == "genius_no_production":
        x, y = _pick(rng, cast.mb_pool, 2)
        mb = [[(x, []), (y, ["co"])]]
    elif scenario == "mb_only_all_attributes":
        w, x, y, z = _pick(rng, cast.mb_pool, 4)
        mb = [[(w, []), (x, ["co"]), (y, ["additional"]), (z, ["executive"])]]
    elif scenario == "mb_only":
        attribute_sets: list[list[str]] = [[], ["co"], ["additional"], ["executive"]]
        mb = [
            [
                (person, rng.choice(attribute_sets))
                for person in _pick(rng, cast.mb_pool, rng.randint(1, 3))
            ]
        ]
    elif scenario == "mb_two_recordings":
        x, y = _pick(rng, cast.mb_pool, 2)
        mb = [[(x, [])], [(y, ["co"]), (x, [])]]
    elif scenario == "mb_linked":
        mb = [[(cast.crossover, []), *[(p, ["additional"]) for p in _pick(rng, cast.mb_pool, 1)]]]
    elif scenario in ("nothing", "genius_page_empty"):
        mb = [[]]
    elif scenario == "version_live_mb":
        mb = [[(person, []) for person in _pick(rng, cast.mb_pool, 1)]]
    elif scenario == "alias_mb":
        mb = [[(_alias_person(builder, cast), [])]]
    elif scenario in GENIUS_SCENARIOS and rng.random() < 0.3:
        mb = [[]]  # MusicBrainz knows the recording but credits no producer
    recording.isrc = builder.isrc(recording.artist.registrant, 2000 + rng.randrange(25))
    if scenario == "no_isrc":
        recording.isrc = ""
    genius: list[tuple[Person, str]] = []
    if scenario in GENIUS_SCENARIOS:
        genius = genius_songs(builder, cast, recording, producers, custom)
    elif scenario in VERSION_PAGES:
        genius = version_song(builder, cast, recording, producers)
    elif scenario == "other_version_only":
        other_version_only(builder, cast, recording)
    relations = [mb_recording(builder, cast, recording, listed) for listed in mb]
    # In the order the catalog lists them: producer_artists, then custom_performances groups;
    # MusicBrainz recordings, then their relations.
    for person, role in genius:
        if (person, role, "genius") not in recording.credits:
            recording.credits.append((person, role, "genius"))
    if not recording.credits:
        for ordered in relations:
            for person, attributes in ordered:
                entry = (person, MB_ROLE[tuple(attributes)], "musicbrainz")
                if entry not in recording.credits:
                    recording.credits.append(entry)
    _expect_outcome(recording)


def _expect_outcome(recording: Recording) -> None:
    # The rules of discovery.catalog.outcomes, from what this scenario put where.
    sources = {source for _, _, source in recording.credits}
    if "genius" in sources:
        recording.expected_outcome = "credited_by_genius"
    elif sources:
        recording.expected_outcome = "credited_by_musicbrainz"
    else:
        recording.expected_outcome, recording.expected_reason = {
            "genius_page_empty": ("genius_without_production_credits", None),
            "no_isrc": ("no_isrc", None),
            "nothing": ("musicbrainz_without_producers", None),
            "other_version_only": ("no_genius_match", "other version"),
            # Genius has only the studio page (another version); MusicBrainz lacks the live ISRC.
            "version_live_nothing": ("no_genius_match", "other version"),
        }[recording.scenario]


def _alias_person(builder: Builder, cast: Cast) -> Person:
    """A Genius producer whom MusicBrainz credits under another name: Genius lists that name in
    alternate_names, MusicBrainz lists the Genius name among the artist's aliases."""
    person = cast.star_pool[-1]
    if person.mb_name is None:
        first, last = person.name.split()[0], person.name.split()[-1]
        person.mb_name = f"{first[0]}. {last}"
        if not builder.claim(person.mb_name):
            person.mb_name = f"{person.name} Music"
            builder.claim(person.mb_name)
        person.alternate_names = [person.mb_name]
        person.mb_aliases = [person.name]
        person.mbid = person.mbid or builder.mbid()
    return person
