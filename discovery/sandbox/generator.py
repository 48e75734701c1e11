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

Traps, each in every generated catalog large enough to hold them (the first artist's long album
makes any default catalog large enough): artists named near-identically to the first seed artist
("Nova Kid", and "NOVA" with more popularity but far fewer followers, so search ranks both first);
songs whose production credits are only in `custom_performances`, next to engineers, musicians,
programmers, writers and labels; remixes (same primary artist) and covers (another artist) ranked
above the original; titles with "(feat. …)", "[with …]", " - 2011 Remaster", " - Remastered 2009",
" - Radio Edit", " - Live", non-breaking spaces (Spotify) and zero-width spaces and curly
apostrophes (Genius); Genius songs without production credits and tracks Genius does not know,
both credited by MusicBrainz through the ISRC (attributes co, additional, executive; one ISRC with
two recordings); a Genius song with credits whose MusicBrainz recording credits someone else
(ignored: Genius comes first); producers with an Instagram handle and a provider profile, with a
handle and no profile, and with no handle (one of them has a provider profile under the handle a
guess from the name would produce: never to be found); one producer credited on every seed
artist; one producer credited by Genius on one track and by MusicBrainz on another.

The answer key (`truth`) encodes the rules the pipeline follows:
- a track's credits come from the Genius song whose primary artist and normalised title match
  (never a remix or a cover) when that song has at least one production credit; otherwise from
  every MusicBrainz recording carrying the track's ISRC (producer relations), identical credits
  once. Roles as in `discovery.catalog.credits`.
- a person is one producer: names are unique per person in generated data, and a producer
  credited by Genius and (under a new MusicBrainz artist id) by MusicBrainz is one producer with
  both ids, linked by exact normalised name.
- socials come from the producer's Genius artist; `instagram_followers`/`instagram_verified` from
  the provider's profile for that handle, null when there is no handle or no profile. A producer
  without a Genius id (credited only by MusicBrainz) has all socials null.
"""

from __future__ import annotations

import random
import string
import uuid
from dataclasses import dataclass, field
from typing import Any

SPOTIFY = "https://api.spotify.com/v1"
MARKETS = ["CA", "DE", "FR", "GB", "JP", "SE", "US"]
BASE62 = string.digits + string.ascii_letters
LONG_ALBUM_TRACKS = 52
DEMO_SEED = 2026

TRAP_BASES = ["Nova", "Lumen", "Orbit", "Ember", "Halo", "Vesper", "Quill", "Solace"]
ARTIST_FIRST = (
    "Velvet Paper Glass Silver Hollow Neon Quiet Wild Amber Crimson Lucid Static Golden "
    "Violet Iron Northern Blue Electric Marble Coral"
).split()
ARTIST_SECOND = (
    "Harbor Lanterns Pilots Tides Saints Rivals Foxes Engines Comets Gardens Wolves Canyons "
    "Satellites Archers Mirrors Atlas Parade Season Theory Motel"
).split()
TITLE_WORDS = (
    "Midnight Summer Heart Fire River Dream Shadow Light Rain Highway Ocean Paradise Thunder "
    "Diamond Honey Gravity Horizon Sugar Winter Echo Desert Velocity Morning Cherry Stardust "
    "Wildfire Silence Avenue Machine Empire Butterfly Island Kingdom Mountain Rocket Signal "
    "Thread Window Tunnel Garden Lantern Mirage Orchid Pulse Riddle Shelter Temple Voyage "
    "Whisper Zenith Caravan Fever Glimmer Harvest Jungle Meadow Oasis Prism Quartz"
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
LABEL_WORDS = (
    "Atlas Beacon Cobalt Driftwood Foundry Greenhouse Lighthouse Monolith Northstar Redwood"
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
INSTRUMENTS = ["Guitar", "Keyboards", "Bass", "Drums", "Piano", "Strings"]

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
}
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
MUST_DECORATIONS = [
    "feat",
    "with",
    "remaster_2011",
    "remastered_2009",
    "radio_edit",
    "live",
    "nbsp",
    "zero_width",
    "apostrophe",
]

Json = dict[str, Any]


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
    credits: list[tuple[Person, str, str]] = field(default_factory=list)
    track_ids: list[str] = field(default_factory=list)


class _Builder:
    def __init__(self, rng: random.Random, plan: list[list[int]]) -> None:
        self.rng = rng
        self.plan = plan
        self.spotify_ids: set[str] = set()
        self.names: set[str] = set()
        self.next_genius_artist = 10_000 + rng.randrange(90_000)
        self.next_genius_song = 1_000_000 + rng.randrange(9_000_000)
        self.next_isrc = rng.randrange(1, 50_000)
        self.handles: set[str] = set()
        self.people: list[Person] = []
        self.catalog: Json = {
            "spotify": {"artists": [], "albums": [], "tracks": []},
            "genius": {"songs": [], "artists": []},
            "musicbrainz": {"recordings": []},
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
        while True:
            name = f"{self.rng.choice(ARTIST_FIRST)} {self.rng.choice(ARTIST_SECOND)}"
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

    def spotify_artist(self, name: str, followers: int, popularity: int) -> Json:
        artist_id = self.spotify_id()
        artist = {
            "external_urls": {"spotify": f"https://open.spotify.com/artist/{artist_id}"},
            "followers": {"href": None, "total": followers},
            "genres": sorted(self.rng.sample(GENRES, 2)),
            "href": f"{SPOTIFY}/artists/{artist_id}",
            "id": artist_id,
            "images": self.image("ab6761610000e5eb"),
            "name": name,
            "popularity": popularity,
            "type": "artist",
            "uri": f"spotify:artist:{artist_id}",
        }
        self.catalog["spotify"]["artists"].append(artist)
        return artist

    def target(self, name: str, followers: int, popularity: int) -> Target:
        spotify = self.spotify_artist(name, followers, popularity)
        registrant = "".join(
            self.rng.choice(string.ascii_uppercase + string.digits) for _ in range(3)
        )
        return Target(name, spotify, self.genius_person(name), self.mbid(), registrant)

    def handle(self, name: str, style: int) -> str:
        base = "".join(char for char in name.lower() if char.isalnum())
        candidate = [f"{base}", f"{base}.prod", f"prod.{base}", f"{base}_beats", f"{base}music"][
            style
        ]
        while candidate in self.handles:
            candidate += str(self.rng.randrange(10))
        self.handles.add(candidate)
        return candidate

    def profile(self, person: Person, username: str, verified: bool) -> Json:
        profile = {
            "username": username,
            "full_name": person.name,
            "follower_count": self.rng.randint(800, 2_500_000),
            "following_count": self.rng.randint(50, 2_000),
            "biography": f"producer · {self.rng.choice(GENRES)}",
            "external_url": f"https://linktr.ee/{username}",
            "is_verified": verified,
            "is_private": False,
            "profile_pic_url": f"https://instagram.example/{username}.jpg",
            "media_count": self.rng.randint(10, 3_000),
        }
        self.catalog["instagram"]["profiles"].append(profile)
        return profile

    def producers(self, genius_count: int, mb_count: int) -> tuple[list[Person], list[Person]]:
        genius = [self.genius_person(self.person_name()) for _ in range(genius_count)]
        # 0 star: every social, verified; 1 crossover (also on MusicBrainz): handle + profile;
        # 2: handle but the provider has no profile; 3: no handle, and a profile under the handle a
        # guess from the name would make; the rest at random.
        patterns = ["full", "handle", "handle_no_profile", "guess_trap"]
        for index, person in enumerate(genius):
            pattern = (
                patterns[index]
                if index < len(patterns)
                else self.rng.choice(["full", "handle", "handle", "none", "twitter_only"])
            )
            if pattern in ("full", "handle", "handle_no_profile"):
                person.instagram = self.handle(person.name, self.rng.randrange(1, 5))
            if pattern == "full" or (pattern != "guess_trap" and self.rng.random() < 0.5):
                person.twitter = f"{person.name.replace(' ', '')}{self.rng.randrange(100)}"
            if pattern == "full" or (pattern == "handle" and self.rng.random() < 0.3):
                person.facebook = person.name.lower().replace(" ", ".")
            if pattern in ("full", "handle"):
                person.profile = self.profile(person, person.instagram or "", pattern == "full")
            if pattern == "guess_trap":
                person.twitter = person.name.replace(" ", "_")
                self.profile(Person(person.name), self.handle(person.name, 0), True)
        genius[1].mbid = self.mbid()
        musicbrainz = [Person(self.person_name(), mbid=self.mbid()) for _ in range(mb_count)]
        return genius, musicbrainz

    def genius_artist_object(self, person: Person) -> Json:
        slug = "-".join(person.name.split()).capitalize()
        return {
            "alternate_names": [],
            "api_path": f"/artists/{person.genius_id}",
            "facebook_name": person.facebook,
            "followers_count": self.rng.randint(0, 5_000),
            "header_image_url": f"https://images.genius.com/{person.genius_id}.1000x1000x1.jpg",
            "id": person.genius_id,
            "image_url": f"https://images.genius.com/{person.genius_id}.1000x1000x1.jpg",
            "instagram_name": person.instagram,
            "is_meme_verified": False,
            "is_verified": person.profile is not None and bool(person.profile["is_verified"]),
            "name": person.name,
            "translation_artist": False,
            "twitter_name": person.twitter,
            "url": f"https://genius.com/artists/{slug}",
        }


def _song_artist(person: Person) -> Json:
    slug = "-".join(person.name.split()).capitalize()
    return {
        "api_path": f"/artists/{person.genius_id}",
        "header_image_url": f"https://images.genius.com/{person.genius_id}.1000x1000x1.jpg",
        "id": person.genius_id,
        "image_url": f"https://images.genius.com/{person.genius_id}.1000x1000x1.jpg",
        "is_meme_verified": False,
        "is_verified": False,
        "name": person.name,
        "url": f"https://genius.com/artists/{slug}",
    }


def _nbsp(name: str) -> str:
    # Genius writes the names in full_title with non-breaking spaces.
    return name.replace(" ", "\u00a0")


def _sort_name(name: str) -> str:
    parts = name.split()
    return f"{parts[-1]}, {' '.join(parts[:-1])}" if len(parts) > 1 else name


MB_TYPE_IDS = {
    "producer": "5c0ceac3-feb4-41f0-868d-dc06f6e27fc0",
    "engineer": "5dcc52af-7064-4051-8d62-7d80f4c3c907",
    "instrument": "59054b12-01ac-43ee-a618-285fd397e461",
    "mix": "3e3102e1-1896-4f50-b5b2-dd9824e46efe",
    "vocal": "0fdbe3c6-7700-4a31-ae54-b53f06ae1cfa",
}


def _relation(kind: str, person: Person, attributes: list[str]) -> Json:
    return {
        "attribute-values": {},
        "attributes": attributes,
        "begin": None,
        "direction": "backward",
        "end": None,
        "ended": False,
        "source-credit": "",
        "target-credit": "",
        "target-type": "artist",
        "type": kind,
        "type-id": MB_TYPE_IDS[kind],
        "artist": {
            "disambiguation": "",
            "id": person.mbid,
            "name": person.name,
            "sort-name": _sort_name(person.name),
        },
    }


MB_ROLE = {
    (): "producer",
    ("co",): "co-producer",
    ("additional",): "additional producer",
    ("executive",): "executive producer",
}


class _Catalog(_Builder):
    """Builds the whole catalog from a plan: albums per seed artist, tracks per album."""

    def build(self) -> tuple[Json, Json]:
        rng = self.rng
        targets = self.seed_artists()
        self.guests = [
            self.target(self.artist_name(), rng.randint(5_000, 90_000), rng.randint(20, 60))
            for _ in range(2)
        ]
        recordings = self.recordings(targets)
        n = len(recordings)
        self.star_pool, self.mb_pool = self.producers(max(6, n // 4), max(4, n // 6))
        self.star, self.crossover = self.star_pool[0], self.star_pool[1]
        self.engineers = [self.genius_person(self.person_name()) for _ in range(4)]
        self.musicians = [self.genius_person(self.person_name()) for _ in range(4)]
        self.writers = [self.genius_person(self.person_name()) for _ in range(3)]
        self.others = [self.genius_person(self.person_name()) for _ in range(3)]  # remixers, covers
        for person in self.engineers + self.musicians:
            person.mbid = self.mbid()
        self.labels = []
        for word in rng.sample(LABEL_WORDS, 2):
            self.claim(f"{word} Records")
            self.labels.append(self.genius_person(f"{word} Records"))
        self.socials_shown = False
        self.assign(targets, recordings)
        for recording in recordings:
            self.credit(recording)
        self.spotify_releases(targets)
        for person in self.people:
            self.catalog["genius"]["artists"].append(self.genius_artist_object(person))
        return self.catalog, self.truth(targets, recordings)

    def seed_artists(self) -> list[Target]:
        rng = self.rng
        targets: list[Target] = []
        base = rng.choice(TRAP_BASES)
        for word in (base, f"{base} Kid"):
            self.claim(word)
        first = self.target(base, rng.randint(200_000, 3_000_000), rng.randint(55, 80))
        followers, popularity = first.spotify["followers"]["total"], first.spotify["popularity"]
        # Search ranks by popularity: both near-names come before the seed artist.
        self.spotify_artist(f"{base} Kid", followers // 3, min(100, popularity + 8))
        self.spotify_artist(base.upper(), max(10, followers // 500), min(100, popularity + 4))
        targets.append(first)
        for _ in range(len(self.plan) - 1):
            targets.append(
                self.target(self.artist_name(), rng.randint(5_000, 2_000_000), rng.randint(15, 85))
            )
        return targets

    def recordings(self, targets: list[Target]) -> list[Recording]:
        found: list[Recording] = []
        for target, albums in zip(targets, self.plan, strict=True):
            used: set[frozenset[str]] = set()
            for size in albums:
                for _ in range(size):
                    while True:
                        words = self.rng.sample(TITLE_WORDS, 2)
                        if frozenset(words) not in used:
                            used.add(frozenset(words))
                            break
                    recording = Recording(
                        target, " ".join(words), "", self.rng.randint(120_000, 320_000)
                    )
                    target.recordings.append(recording)
                    found.append(recording)
        return found

    def assign(self, targets: list[Target], recordings: list[Recording]) -> None:
        rng = self.rng
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
        decorated = rng.sample(recordings, min(len(MUST_DECORATIONS), len(recordings)))
        for recording, decoration in zip(decorated, MUST_DECORATIONS, strict=False):
            recording.decoration = decoration
        for recording in recordings:
            if recording.decoration == "apostrophe":
                first, second = recording.title.split(" ", 1)
                recording.title = f"{first}'s {second}"  # Genius spells it with U+2019
            if recording.decoration == "plain" and rng.random() < 0.08:
                recording.decoration = "feat"
            if recording.decoration in ("feat", "with"):
                recording.guest = rng.choice(self.guests)

    # credits per scenario

    def noise(self, target: Target) -> list[Json]:
        rng = self.rng
        groups = [
            {"label": "Mixing Engineer", "artists": [_song_artist(rng.choice(self.engineers))]},
            {"label": "Mastering Engineer", "artists": [_song_artist(rng.choice(self.engineers))]},
            {
                "label": rng.choice(INSTRUMENTS),
                "artists": [_song_artist(rng.choice(self.musicians))],
            },
            {"label": "Label", "artists": [_song_artist(rng.choice(self.labels))]},
        ]
        if rng.random() < 0.5:
            groups.append(
                {
                    "label": "Recording Engineer",
                    "artists": [_song_artist(rng.choice(self.engineers))],
                }
            )
        if rng.random() < 0.3:
            groups.append({"label": "Background Vocals", "artists": [_song_artist(target.genius)]})
        rng.shuffle(groups)
        return groups

    def pick(self, pool: list[Person], count: int) -> list[Person]:
        return self.rng.sample(pool, min(count, len(pool)))

    def credit(self, recording: Recording) -> None:
        rng = self.rng
        scenario = recording.scenario
        pool = self.star_pool[2:]  # star and crossover only where a scenario puts them
        producers: list[Person] = []
        custom: list[tuple[str, list[Person]]] = []
        mb: list[list[tuple[Person, list[str]]]] = []
        if scenario == "star":
            producers = [self.star, *self.pick(pool, rng.randint(0, 1))]
        elif scenario in ("genius_producer", "covered", "genius_and_mb"):
            producers = self.pick(pool, rng.randint(1, 2))
            if rng.random() < 0.3:
                custom.append(("Producer", producers[:1]))  # the same credit twice: once
        elif scenario == "genius_custom":
            a, b, c = self.pick(pool, 3)
            if not self.socials_shown:
                # The producers with a handle but no profile, and with no handle, get a credit.
                self.socials_shown = True
                a, b = pool[0], pool[1]
                c = self.rng.choice(pool[2:])
            custom = [
                ("Co-Producer", [a]),
                ("Additional Production", [b]),
                ("Assistant Producer", [c]),
            ]
        elif scenario == "genius_mixed":
            a, b, c = self.pick(pool, 3)
            producers = [a]
            custom = [
                ("Additional Production", [a]),
                ("Executive Producer", [b]),
                ("Vocal Producer", [c]),
                ("Programmer", [self.musicians[0]]),
                ("Drum Programmer", [self.musicians[1]]),
            ]
        elif scenario == "genius_linked":
            producers = [self.crossover]
        if scenario == "genius_and_mb":
            mb = [[(person, []) for person in self.pick(self.mb_pool, 2)]]
        elif scenario == "genius_no_production":
            x, y = self.pick(self.mb_pool, 2)
            mb = [[(x, []), (y, ["co"])]]
        elif scenario == "mb_only_all_attributes":
            w, x, y, z = self.pick(self.mb_pool, 4)
            mb = [[(w, []), (x, ["co"]), (y, ["additional"]), (z, ["executive"])]]
        elif scenario == "mb_only":
            attributes = [[], ["co"], ["additional"], ["executive"]]
            mb = [
                [
                    (person, rng.choice(attributes))
                    for person in self.pick(self.mb_pool, rng.randint(1, 3))
                ]
            ]
        elif scenario == "mb_two_recordings":
            x, y = self.pick(self.mb_pool, 2)
            mb = [[(x, [])], [(y, ["co"]), (x, [])]]
        elif scenario == "mb_linked":
            mb = [
                [(self.crossover, []), *[(p, ["additional"]) for p in self.pick(self.mb_pool, 1)]]
            ]
        elif scenario == "nothing":
            mb = [[]]
        elif scenario in GENIUS_SCENARIOS and rng.random() < 0.3:
            mb = [[]]  # MusicBrainz knows the recording but credits no producer
        recording.isrc = self.isrc(recording.artist.registrant, 2000 + rng.randrange(25))
        genius: list[tuple[Person, str]] = []
        if scenario in GENIUS_SCENARIOS:
            genius = self.genius_songs(recording, producers, custom)
        relations = [self.mb_recording(recording, producers) for producers in mb]
        # In the order the catalog lists them: producer_artists, then custom_performances groups;
        # MusicBrainz recordings, then their relations.
        for person, role in genius:
            if (person, role, "genius") not in recording.credits:
                recording.credits.append((person, role, "genius"))
        if not recording.credits:
            for ordered in relations:
                for person, attributes in ordered:
                    credit = (person, MB_ROLE[tuple(attributes)], "musicbrainz")
                    if credit not in recording.credits:
                        recording.credits.append(credit)

    def genius_title(self, recording: Recording) -> str:
        if recording.decoration == "zero_width":
            return "\u200b" + recording.title
        if recording.decoration == "apostrophe":
            return recording.title.replace("'", "\u2019")
        return recording.title

    def song(
        self,
        title: str,
        primary: Person,
        pageviews: int,
        producers: list[Person],
        custom: list[Json],
        featured: list[Person],
        year: int,
    ) -> Json:
        song_id = self.genius_song_id()
        featured_text = f" (Ft.\u00a0{_nbsp(featured[0].name)})" if featured else ""
        slug = "-".join(f"{primary.name} {title}".replace("\u200b", "").split()).lower()
        song = {
            "annotation_count": self.rng.randint(0, 30),
            "api_path": f"/songs/{song_id}",
            "artist_names": primary.name,
            "custom_performances": custom,
            "featured_artists": [_song_artist(p) for p in featured],
            "full_title": f"{title} by\u00a0{_nbsp(primary.name)}{featured_text}",
            "header_image_url": f"https://images.genius.com/{song_id}.1000x1000x1.jpg",
            "id": song_id,
            "lyrics_state": "complete",
            "path": f"/{slug}-lyrics",
            "primary_artist": _song_artist(primary),
            "producer_artists": [_song_artist(p) for p in producers],
            "release_date": f"{year}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}",
            "song_art_image_url": f"https://images.genius.com/{song_id}.300x300x1.jpg",
            "stats": {"hot": False, "pageviews": pageviews, "unreviewed_annotations": 0},
            "title": title,
            "title_with_featured": f"{title}{featured_text}",
            "url": f"https://genius.com/{slug}-lyrics",
            "writer_artists": [_song_artist(p) for p in (primary, self.rng.choice(self.writers))],
        }
        self.catalog["genius"]["songs"].append(song)
        return song

    def genius_songs(
        self, recording: Recording, producers: list[Person], custom: list[tuple[str, list[Person]]]
    ) -> list[tuple[Person, str]]:
        """The songs for a recording (the original, and remixes and covers where the scenario
        has them); the original's production credits, in page order."""
        rng = self.rng
        target = recording.artist
        tagged: list[tuple[Json, list[Person] | None]] = [
            ({"label": label, "artists": [_song_artist(p) for p in people]}, people)
            for label, people in custom
        ] + [(group, None) for group in self.noise(target)]
        rng.shuffle(tagged)
        groups = [group for group, _ in tagged]
        credited = [(p, "producer") for p in producers] + [
            (p, group["label"].lower())
            for group, people in tagged
            if people is not None and group["label"] not in ("Programmer", "Drum Programmer")
            for p in people
        ]
        pageviews = rng.randint(1_000, 400_000)
        year = 2000 + rng.randrange(25)
        featured = [recording.guest.genius] if recording.guest else []
        self.song(
            self.genius_title(recording),
            target.genius,
            pageviews,
            producers,
            groups,
            featured,
            year,
        )
        if recording.scenario == "covered":
            remixer, coverer, other = self.others
            # A remix under the same primary artist and a cover naming the artist: more shared
            # search tokens and more page views than the original, never the original.
            self.song(
                f"{recording.title} ({remixer.name} Remix)",
                target.genius,
                pageviews * 3,
                [remixer],
                self.noise(target),
                [remixer],
                year + 1,
            )
            self.song(
                f"{recording.title} ({target.name} Cover)",
                coverer,
                pageviews * 2,
                [coverer],
                [],
                [],
                year + 2,
            )
            self.song(recording.title, other, pageviews * 4, [other], [], [], year + 3)
        return credited

    def mb_recording(
        self, recording: Recording, producers: list[tuple[Person, list[str]]]
    ) -> list[tuple[Person, list[str]]]:
        """A MusicBrainz recording of the ISRC; its producer relations in the order it lists them."""
        rng = self.rng
        tagged = [
            (_relation("producer", person, attributes), (person, attributes))
            for person, attributes in producers
        ]
        relations = [relation for relation, _ in tagged]
        relations.append(_relation("engineer", rng.choice(self.engineers), []))
        relations.append(_relation("mix", rng.choice(self.engineers), []))
        relations.append(
            _relation(
                "instrument",
                rng.choice(self.musicians),
                [rng.choice(["guitar", "bass guitar", "drums (drum set)"])],
            )
        )
        rng.shuffle(relations)
        order = {id(relation): index for index, relation in enumerate(relations)}
        tagged.sort(key=lambda pair: order[id(pair[0])])
        target = recording.artist
        self.catalog["musicbrainz"]["recordings"].append(
            {
                "artist-credit": [
                    {
                        "artist": {
                            "disambiguation": "",
                            "id": target.mbid,
                            "name": target.name,
                            "sort-name": target.name,
                        },
                        "joinphrase": "",
                        "name": target.name,
                    }
                ],
                "disambiguation": "",
                "first-release-date": f"{2000 + rng.randrange(25)}",
                "id": self.mbid(),
                "isrcs": [recording.isrc],
                "length": recording.duration_ms,
                "relations": relations,
                "title": recording.title,
                "video": False,
            }
        )
        return [producer for _, producer in tagged]

    # Spotify releases

    def spotify_name(self, recording: Recording) -> str:
        title, guest = recording.title, recording.guest
        return {
            "feat": f"{title} (feat. {guest.name if guest else ''})",
            "with": f"{title} [with {guest.name if guest else ''}]",
            "remaster_2011": f"{title} - 2011 Remaster",
            "remastered_2009": f"{title} - Remastered 2009",
            "radio_edit": f"{title} - Radio Edit",
            "live": f"{title} - Live",
            "nbsp": title.replace(" ", "\u00a0"),
        }.get(recording.decoration, title)

    def spotify_releases(self, targets: list[Target]) -> None:
        rng = self.rng
        for target, albums in zip(targets, self.plan, strict=True):
            queue = list(target.recordings)
            used: set[str] = set()
            first_album: list[Recording] = []
            for index, size in enumerate(albums):
                while True:
                    name = " ".join(rng.sample(TITLE_WORDS, rng.randint(1, 2)))
                    if name not in used:
                        used.add(name)
                        break
                tracks, queue = queue[:size], queue[size:]
                first_album = first_album or tracks
                self.album(target, name, "album", tracks, 2000 + index + rng.randrange(3))
            single = rng.choice(first_album)
            self.album(target, single.title, "single", [single], 2024)

    def album(
        self, target: Target, name: str, kind: str, recordings: list[Recording], year: int
    ) -> None:
        rng = self.rng
        album_id = self.spotify_id()
        precision = rng.choice(["day", "day", "day", "month", "year"])
        date = {
            "day": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "month": f"{year}-{rng.randint(1, 12):02d}",
            "year": str(year),
        }[precision]
        label = rng.choice(self.labels).name
        simple_artist = _simplified(target.spotify)
        base = {
            "album_type": kind,
            "total_tracks": len(recordings),
            "available_markets": MARKETS,
            "external_urls": {"spotify": f"https://open.spotify.com/album/{album_id}"},
            "href": f"{SPOTIFY}/albums/{album_id}",
            "id": album_id,
            "images": self.image("ab67616d0000b273"),
            "name": name,
            "release_date": date,
            "release_date_precision": precision,
            "type": "album",
            "uri": f"spotify:album:{album_id}",
            "artists": [simple_artist],
        }
        items = []
        for number, recording in enumerate(recordings, start=1):
            track_id = self.spotify_id()
            recording.track_ids.append(track_id)
            artists = [simple_artist] + (
                [_simplified(recording.guest.spotify)] if recording.guest else []
            )
            item = {
                "artists": artists,
                "available_markets": MARKETS,
                "disc_number": 1,
                "duration_ms": recording.duration_ms,
                "explicit": rng.random() < 0.2,
                "external_urls": {"spotify": f"https://open.spotify.com/track/{track_id}"},
                "href": f"{SPOTIFY}/tracks/{track_id}",
                "id": track_id,
                "is_local": False,
                "name": self.spotify_name(recording),
                "preview_url": None,
                "track_number": number,
                "type": "track",
                "uri": f"spotify:track:{track_id}",
            }
            items.append(item)
            self.catalog["spotify"]["tracks"].append(
                {
                    **item,
                    "album": dict(base),
                    "external_ids": {"isrc": recording.isrc},
                    "popularity": rng.randint(0, 90),
                }
            )
        self.catalog["spotify"]["albums"].append(
            {
                **base,
                "copyrights": [{"text": f"(P) {year} {label}", "type": "P"}],
                "external_ids": {"upc": "".join(rng.choice(string.digits) for _ in range(12))},
                "genres": [],
                "label": label,
                "popularity": rng.randint(0, 80),
                "tracks": {"items": items},
            }
        )

    # answer key

    def truth(self, targets: list[Target], recordings: list[Recording]) -> Json:
        tracks: dict[str, list[Json]] = {}
        producers: dict[str, Json] = {}
        for recording in recordings:
            credits = [
                {"producer": person.name, "role": role, "source": source}
                for person, role, source in recording.credits
            ]
            for track_id in recording.track_ids:
                tracks[track_id] = credits
            for person, _, source in recording.credits:
                entry = producers.setdefault(
                    person.name, {"genius_id": None, "musicbrainz_id": None}
                )
                if source == "genius":
                    entry["genius_id"] = person.genius_id
                    entry["person"] = person
                else:
                    entry["musicbrainz_id"] = person.mbid
        for entry in producers.values():
            person = entry.pop("person", None)
            has_profile = person is not None and person.profile is not None
            entry["socials"] = {
                "instagram": person.instagram if person else None,
                "twitter": person.twitter if person else None,
                "facebook": person.facebook if person else None,
                "instagram_followers": person.profile["follower_count"] if has_profile else None,
                "instagram_verified": person.profile["is_verified"] if has_profile else None,
            }
        return {
            "artists": [{"name": t.name, "spotify_id": t.spotify["id"]} for t in targets],
            "tracks": dict(sorted(tracks.items())),
            "producers": dict(sorted(producers.items())),
        }


def _simplified(artist: Json) -> Json:
    return {key: artist[key] for key in ("external_urls", "href", "id", "name", "type", "uri")}


def generate_catalog(
    artists: int, albums: int, tracks: int, seed: int, *, long_album_tracks: int = LONG_ALBUM_TRACKS
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
    return _Catalog(rng, plan).build()


def demo_catalog() -> tuple[Json, Json]:
    """The small catalog shipped with the package: three seed artists, 19 recordings, every
    credit rule (no album over 50 tracks: generated catalogs have those)."""
    return _Catalog(random.Random(DEMO_SEED), [[5, 4], [4, 3], [3]]).build()
