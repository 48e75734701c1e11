"""Everyone credited besides the seed artists: guests, producers, engineers, labels and more."""

from __future__ import annotations

from dataclasses import dataclass

from discovery.sandbox.gen_model import Builder, Person, Target
from discovery.sandbox.gen_socials import producers

LABEL_WORDS = (
    "Atlas Beacon Cobalt Driftwood Foundry Greenhouse Lighthouse Monolith Northstar Redwood"
).split()


@dataclass
class Cast:
    guests: list[Target]
    star_pool: list[Person]  # Genius producers: the star first, the crossover second
    mb_pool: list[Person]  # producers MusicBrainz alone knows
    engineers: list[Person]
    musicians: list[Person]
    writers: list[Person]
    others: list[Person]  # a remixer, a cover artist, an artist with a song of the same title
    labels: list[Person]
    # The producers whose socials are traps get a credit once, on the first genius_custom song.
    socials_shown: bool = False

    @property
    def star(self) -> Person:
        return self.star_pool[0]

    @property
    def crossover(self) -> Person:
        return self.star_pool[1]


def hire(builder: Builder, guests: list[Target], recordings: int) -> Cast:
    """A cast sized for `recordings` recordings."""
    star_pool, mb_pool = producers(builder, max(6, recordings // 4), max(4, recordings // 6))
    engineers = [builder.genius_person(builder.person_name()) for _ in range(4)]
    musicians = [builder.genius_person(builder.person_name()) for _ in range(4)]
    writers = [builder.genius_person(builder.person_name()) for _ in range(3)]
    others = [builder.genius_person(builder.person_name()) for _ in range(3)]
    for person in engineers + musicians:
        person.mbid = builder.mbid()
    labels = []
    for word in builder.rng.sample(LABEL_WORDS, 2):
        builder.claim(f"{word} Records")
        labels.append(builder.genius_person(f"{word} Records"))
    return Cast(guests, star_pool, mb_pool, engineers, musicians, writers, others, labels)
