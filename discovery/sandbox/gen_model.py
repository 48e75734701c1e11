"""A generated catalog's people, seed artists and recordings, and the builder of ids and names."""

from __future__ import annotations

import random
import string
import uuid
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]

SPOTIFY = "https://api.spotify.com/v1"
BASE62 = string.digits + string.ascii_letters
ARTIST_FIRST = (
    "Velvet Paper Glass Silver Hollow Neon Quiet Wild Amber Crimson Lucid Static Golden "
    "Violet Iron Northern Blue Electric Marble Coral"
).split()
ARTIST_SECOND = (
    "Harbor Lanterns Pilots Tides Saints Rivals Foxes Engines Comets Gardens Wolves Canyons "
    "Satellites Archers Mirrors Atlas Parade Season Theory Motel"
).split()
FIRST_NAMES = (
    "Aaron Bianca Caleb Dana Elliot Farah Gideon Hana Isaac Jonas Kira Leon Maya Nico Olive "
    "Priya Quentin Rosa Silas Tara Umar Vera Wes Ximena Yusuf Zoe Andre Bea Cyrus Delia Emil "
    "Freya Gus Ines Jude Lena Milo Nadia Otto Pia"
).split()
LAST_NAMES = (
    "Alvarez Brandt Castillo Dorsey Ekwueme Fontaine Garvey Holloway Ibarra Jansen Kowalski "
    "Lindqvist Mbeki Navarro Okafor Petrov Quinlan Rinaldi Sato Thorne Underwood Vance "
    "Whitaker Yilmaz Zeller Achebe Bishop Crowe Delgado Ellison Fischer Grady Haddad Ivers "
    "Jovanovic Kessler Lachance Moreau Nakamura Oyelaran"
).split()
GENRES = [
    "indie pop",
    "alt r&b",
    "bedroom pop",
    "synthpop",
    "trap soul",
    "dream pop",
    "neo soul",
    "electropop",
    "indie rock",
    "hip hop",
]


@dataclass
class Person:
    """Anyone on a Genius page or a MusicBrainz relation: producer, engineer, musician, label."""

    name: str
    genius_id: int | None = None
    mbid: str | None = None
    instagram: str | None = None
    twitter: str | None = None
    facebook: str | None = None
    profile: Json | None = None
    # Another name for the same person: Genius lists it in alternate_names, MusicBrainz credits
    # the person under it (with the Genius name among its aliases).
    mb_name: str | None = None
    alternate_names: list[str] = field(default_factory=list)
    mb_aliases: list[str] = field(default_factory=list)


@dataclass
class Target:
    name: str
    spotify: Json
    genius: Person
    mbid: str
    registrant: str
    recordings: list[Recording] = field(default_factory=list)


@dataclass
class Recording:
    artist: Target
    title: str
    isrc: str
    duration_ms: int
    scenario: str = "genius_producer"
    decoration: str = "plain"
    guest: Target | None = None
    version: str | None = None  # another recording of a studio song (see gen_versions)
    joint: Target | None = None  # the second artist of a joint album carrying it
    # The shape traps (gen_shapes): the Spotify title as written, and the artist Spotify lists
    # before the seed artist (whose Genius page it is).
    spotify_name: str | None = None
    lead: Target | None = None
    credits: list[tuple[Person, str, str]] = field(default_factory=list)
    track_ids: list[str] = field(default_factory=list)
    # The outcome the pipeline should record (catalog/outcomes.py) and, for a Genius miss, why.
    expected_outcome: str = ""
    expected_reason: str | None = None


class Builder:
    """The random source, the ids and names handed out so far, and the catalog being written."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.spotify_ids: set[str] = set()
        self.names: set[str] = set()
        self.next_genius_artist = 10_000 + rng.randrange(90_000)
        self.next_genius_song = 1_000_000 + rng.randrange(9_000_000)
        self.next_isrc = rng.randrange(1, 50_000)
        self.handles: set[str] = set()
        self.people: list[Person] = []
        self.mb_artists: dict[str, Person] = {}
        # Each recording's own Genius page (by song id), which carries its album and Spotify link.
        self.page_of: dict[int, Recording] = {}
        self.catalog: Json = {
            "spotify": {"artists": [], "albums": [], "tracks": []},
            "genius": {"songs": [], "artists": []},
            "musicbrainz": {"recordings": [], "artists": []},
            "instagram": {"profiles": []},
        }

    # ids and names

    def spotify_id(self) -> str:
        while True:
            new = "".join(self.rng.choice(BASE62) for _ in range(22))
            if new not in self.spotify_ids:
                self.spotify_ids.add(new)
                return new

    def genius_artist_id(self) -> int:
        self.next_genius_artist += self.rng.randint(1, 997)
        return self.next_genius_artist

    def genius_song_id(self) -> int:
        self.next_genius_song += self.rng.randint(1, 9_973)
        return self.next_genius_song

    def mbid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def isrc(self, registrant: str, year: int) -> str:
        self.next_isrc += 1
        return f"QZ{registrant}{year % 100:02d}{self.next_isrc % 100_000:05d}"

    def claim(self, name: str) -> bool:
        key = name.casefold()
        if key in self.names:
            return False
        self.names.add(key)
        return True

    def person_name(self) -> str:
        for _ in range(1000):
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            if self.claim(name):
                return name
        while True:
            name = (
                f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(string.ascii_uppercase)}. "
                f"{self.rng.choice(LAST_NAMES)}"
            )
            if self.claim(name):
                return name

    def artist_name(self) -> str:
        for _ in range(1000):
            name = f"{self.rng.choice(ARTIST_FIRST)} {self.rng.choice(ARTIST_SECOND)}"
            if self.claim(name):
                return name
        # The two-word names run out near 400 artists: larger catalogs get a middle initial.
        while True:
            name = (
                f"{self.rng.choice(ARTIST_FIRST)} {self.rng.choice(string.ascii_uppercase)}. "
                f"{self.rng.choice(ARTIST_SECOND)}"
            )
            if self.claim(name):
                return name

    def image(self, prefix: str) -> list[Json]:
        tail = "".join(self.rng.choice("0123456789abcdef") for _ in range(24))
        return [
            {"height": size, "width": size, "url": f"https://i.scdn.co/image/{prefix}{size}{tail}"}
            for size in (640, 300, 64)
        ]

    # objects

    def genius_person(self, name: str) -> Person:
        person = Person(name, genius_id=self.genius_artist_id())
        self.people.append(person)
        return person
