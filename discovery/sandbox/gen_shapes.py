"""The title and artist shapes of real catalogs (credits v3), as traps with their answers.

Added by `generate_catalog(..., shapes=True)`: two albums of the first seed artist ("Daybreak",
2011, and "Nightfall", 2016) and a seed artist of their own ("Haneul", "Haneul (하늘)" on Genius)
with one album ("Hanabi"). Each trap, and the answer the key gives it:
1. generic titles on both albums: "Intro" has a page per album, the Daybreak page ranked first
   (each track takes its own album's page); "Interlude" has a page for Daybreak only (the
   Nightfall track takes MusicBrainz's credit, never the other album's); "Skit" has a page per
   album with neither album nor date, only a Spotify link to its own track (each takes the page
   that links to it); "Outro" has two pages carrying nothing that tells them apart (both tracks
   `ambiguous`, no credit);
2. two scripts: "夜明けのパレード" on Spotify, "夜明けのパレード (Yoake no Parade)" on Genius;
   "Hoshizora" on Spotify, "星空 (Hoshizora)" on Genius; the artist "Haneul (하늘)" on Genius;
3. featuring without brackets: "… FEAT. Guest", "… feat Guest", "… ft. Guest";
4. the seeded artist is the feature: Spotify lists the guest first, the Genius page is the
   guest's ("Paper Boats (Ft. Nova)");
5. release suffixes of the same recording (` - From "The Long Winter"`, ` - Bonus Track`,
   `(Deluxe)`, ` - Mono Version`, ` - 40th Anniversary Edition`, `(Original Mix)`) take the plain
   page; "(Extended Mix)" is another recording and does not (`no_genius_match`, "other version");
6. name shapes: a producer Genius spells with a typographic apostrophe ("O’Brien") and
   MusicBrainz with a straight one, and one Genius spells with a hyphen and MusicBrainz without,
   each credited by Genius on one track and by MusicBrainz on another: one producer each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from discovery.sandbox.gen_artists import target
from discovery.sandbox.gen_cast import Cast
from discovery.sandbox.gen_genius import song_object
from discovery.sandbox.gen_model import Builder, Json, Person, Recording, Target
from discovery.sandbox.gen_musicbrainz import mb_recording
from discovery.sandbox.gen_pages import album_object, set_date, spotify_media
from discovery.sandbox.gen_releases import write_album

SHAPES_ARTIST, SHAPES_ARTIST_GENIUS = "Haneul", "Haneul (하늘)"
SUFFIXED = (
    ("Lighthouse Keeper", ' - From "The Long Winter"'),
    ("Northern Line", " - Bonus Track"),
    ("Glass Harbor", " (Deluxe)"),
    ("Velvet Rope", " - Mono Version"),
    ("Summer of Ninety", " - 40th Anniversary Edition"),
    ("Night Drive", " (Original Mix)"),
)
OTHER_MIX = ("Night Swim", " (Extended Mix)")
TWO_SCRIPTS = (("夜明けのパレード", "夜明けのパレード (Yoake no Parade)"), ("Hoshizora", "星空 (Hoshizora)"))
BARE_FEAT = (("Signal Fire", " FEAT. "), ("Slow Motion", " feat "), ("Cold Water", " ft. "))
# (Genius spelling, MusicBrainz spelling) of one person.
TWO_SPELLINGS = (("Rory O\u2019Brien", "Rory O'Brien"), ("Kay Ekwueme-Sato", "Kay Ekwueme Sato"))


@dataclass
class Page:
    """A Genius page to write for a trap: what it carries about its release."""

    title: str
    primary: Person
    producers: list[Person]
    pageviews: int
    album: str | None = None
    date: str | None = None
    link_to: Recording | None = None
    featured: list[Person] = field(default_factory=list)


def _recording(builder: Builder, owner: Target, title: str, spotify_name: str | None = None) -> Recording:
    recording = Recording(owner, title, builder.isrc(owner.registrant, 2011), builder.rng.randint(120_000, 320_000))
    recording.spotify_name = spotify_name
    owner.recordings.append(recording)
    return recording


def _genius_credit(recording: Recording, producer: Person) -> None:
    recording.credits.append((producer, "producer", "genius"))
    recording.expected_outcome = "credited_by_genius"


def _page(builder: Builder, cast: Cast, page: Page) -> Json:
    song = song_object(builder, cast, page.title, page.primary, page.pageviews, page.producers, [], page.featured,
                       2011)
    song["album"] = album_object(builder.genius_song_id(), page.album, song["primary_artist"]) if page.album else None
    set_date(song, page.date)
    if any(other["url"] == song["url"] for other in builder.catalog["genius"]["songs"] if other is not song):
        # Genius gives a second page of one artist's title a path of its own.
        song["path"] = song["path"].replace("-lyrics", f"-{song['id']}-lyrics")
        song["url"] = song["url"].replace("-lyrics", f"-{song['id']}-lyrics")
    link = page.link_to.track_ids[0] if page.link_to else None
    song["media"] = spotify_media(link, "shapes" + str(song["id"])[-5:]) if link else []
    return song


def _producer(builder: Builder) -> Person:
    return builder.genius_person(builder.person_name())


def _musicbrainz(builder: Builder, cast: Cast, recording: Recording, person: Person) -> None:
    mb_recording(builder, cast, recording, [(person, [])])
    recording.credits.append((person, "producer", "musicbrainz"))
    recording.expected_outcome = "credited_by_musicbrainz"


def _mb_person(builder: Builder, name: str) -> Person:
    builder.claim(name)
    return Person(name, mbid=builder.mbid())


def _album(builder: Builder, cast: Cast, owner: Target, name: str, recordings: list[Recording], year: int) -> Json:
    write_album(builder, cast.labels, owner, name, "album", recordings, year)
    album: Json = builder.catalog["spotify"]["albums"][-1]
    return album


def add_shapes(builder: Builder, cast: Cast, targets: list[Target], recordings: list[Recording]) -> None:
    """The traps of the module docstring, their pages, recordings and answers."""
    seed, guest = targets[0], cast.guests[0]
    first = [_recording(builder, seed, title) for title in ("Intro", "Interlude", "Skit", "Outro")]
    second = [_recording(builder, seed, title) for title in ("Intro", "Interlude", "Skit", "Outro")]
    feature = _recording(builder, seed, "Paper Boats")
    feature.lead = guest
    spelled = [_recording(builder, seed, title) for title in ("Harbor Lights", "Quiet Hours", "Open Roads",
                                                                "Still Water")]
    suffixed = [_recording(builder, seed, title, title + suffix) for title, suffix in (*SUFFIXED, OTHER_MIX)]
    daybreak = _album(builder, cast, seed, "Daybreak", [*first, feature, spelled[0], spelled[2]], 2011)
    nightfall = _album(builder, cast, seed, "Nightfall", [*second, *suffixed, spelled[1], spelled[3]], 2016)
    haneul = _shapes_artist(builder)
    scripts = [_recording(builder, haneul, spotify) for spotify, _ in TWO_SCRIPTS]
    featuring = [_recording(builder, haneul, title, f"{title}{word}{guest.name}") for title, word in BARE_FEAT]
    for recording in featuring:
        recording.lead, recording.guest = None, guest
    hanabi = _album(builder, cast, haneul, "Hanabi", [*scripts, *featuring], 2020)
    targets.append(haneul)

    # 1. Generic titles on two albums.
    day, night = daybreak["release_date"], nightfall["release_date"]
    for recording, album, date, views in ((first[0], "Daybreak", day, 900_000), (second[0], "Nightfall", night, 300_000),
                                          (first[1], "Daybreak", day, 800_000)):
        producer = _producer(builder)
        _page(builder, cast, Page("Intro" if recording.title == "Intro" else "Interlude", seed.genius, [producer],
                                  views, album, date))
        _genius_credit(recording, producer)
    _musicbrainz(builder, cast, second[1], _mb_person(builder, builder.person_name()))
    for recording, views in ((first[2], 500_000), (second[2], 700_000)):
        producer = _producer(builder)
        _page(builder, cast, Page("Skit", seed.genius, [producer], views, link_to=recording))
        _genius_credit(recording, producer)
    for recording, views in ((first[3], 600_000), (second[3], 650_000)):
        _page(builder, cast, Page("Outro", seed.genius, [_producer(builder)], views))
        recording.expected_outcome = "ambiguous"
    # 2 and 3. Two scripts, featuring without brackets (the Genius artist is "Haneul (하늘)").
    for recording, (_, genius_title) in zip(scripts, TWO_SCRIPTS, strict=True):
        producer = _producer(builder)
        _page(builder, cast, Page(genius_title, haneul.genius, [producer], 200_000, "Hanabi", hanabi["release_date"]))
        _genius_credit(recording, producer)
    for recording in featuring:
        producer = _producer(builder)
        _page(builder, cast, Page(recording.title, haneul.genius, [producer], 200_000, featured=[guest.genius]))
        _genius_credit(recording, producer)
    # 4. The seeded artist is the feature: the page is the guest's.
    producer = _producer(builder)
    song = _page(builder, cast, Page(feature.title, guest.genius, [producer], 300_000, "Daybreak", day,
                                     featured=[seed.genius]))
    song["artist_names"] = f"{guest.name} (Ft. {seed.name})"
    _genius_credit(feature, producer)
    # 5. Release suffixes: the plain page for the same recording, none for another mix.
    for recording in suffixed:
        producer = _producer(builder)
        deluxe = "Nightfall (Deluxe)" if recording.title == "Northern Line" else None
        _page(builder, cast, Page(recording.title, seed.genius, [producer], 250_000, deluxe))
        if recording.title == OTHER_MIX[0]:
            recording.expected_outcome, recording.expected_reason = "no_genius_match", "other version"
        else:
            _genius_credit(recording, producer)
    # 6. One person under two spellings: Genius on one track, MusicBrainz on another.
    for (genius_name, mb_name), (on_genius, on_musicbrainz) in zip(
        TWO_SPELLINGS, (spelled[:2], spelled[2:]), strict=True
    ):
        builder.claim(genius_name)
        person = builder.genius_person(genius_name)
        person.mb_name, person.mbid = mb_name, builder.mbid()
        _page(builder, cast, Page(on_genius.title, seed.genius, [person], 150_000, None))
        _genius_credit(on_genius, person)
        _musicbrainz(builder, cast, on_musicbrainz, person)
    recordings.extend([*first, *second, feature, *spelled, *suffixed, *scripts, *featuring])


def _shapes_artist(builder: Builder) -> Target:
    builder.claim(SHAPES_ARTIST)
    found = target(builder, SHAPES_ARTIST, builder.rng.randint(50_000, 900_000), builder.rng.randint(30, 70))
    found.genius.name = SHAPES_ARTIST_GENIUS
    return found
