"""Genius songs and artists, with credits hidden among noise and remixes and covers on top."""

from __future__ import annotations

import random

from discovery.sandbox.gen_cast import Cast
from discovery.sandbox.gen_model import Builder, Json, Person, Recording, Target
from discovery.sandbox.gen_versions import VERSION_PAGEVIEWS, genius_version_title

INSTRUMENTS = ["Guitar", "Keyboards", "Bass", "Drums", "Piano", "Strings"]


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


def genius_artist_object(rng: random.Random, person: Person) -> Json:
    slug = "-".join(person.name.split()).capitalize()
    return {
        "alternate_names": list(person.alternate_names),
        "api_path": f"/artists/{person.genius_id}",
        "facebook_name": person.facebook,
        "followers_count": rng.randint(0, 5_000),
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


def _noise(rng: random.Random, cast: Cast, target: Target) -> list[Json]:
    groups = [
        {"label": "Mixing Engineer", "artists": [_song_artist(rng.choice(cast.engineers))]},
        {"label": "Mastering Engineer", "artists": [_song_artist(rng.choice(cast.engineers))]},
        {
            "label": rng.choice(INSTRUMENTS),
            "artists": [_song_artist(rng.choice(cast.musicians))],
        },
        {"label": "Label", "artists": [_song_artist(rng.choice(cast.labels))]},
    ]
    if rng.random() < 0.5:
        groups.append(
            {
                "label": "Recording Engineer",
                "artists": [_song_artist(rng.choice(cast.engineers))],
            }
        )
    if rng.random() < 0.3:
        groups.append({"label": "Background Vocals", "artists": [_song_artist(target.genius)]})
    rng.shuffle(groups)
    return groups


def _genius_title(recording: Recording) -> str:
    if recording.decoration == "zero_width":
        return "\u200b" + recording.title
    if recording.decoration == "apostrophe":
        return recording.title.replace("'", "\u2019")
    return recording.title


def song_object(
    builder: Builder,
    cast: Cast,
    title: str,
    primary: Person,
    pageviews: int,
    producers: list[Person],
    custom: list[Json],
    featured: list[Person],
    year: int,
) -> Json:
    rng = builder.rng
    song_id = builder.genius_song_id()
    featured_text = f" (Ft.\u00a0{_nbsp(featured[0].name)})" if featured else ""
    slug = "-".join(f"{primary.name} {title}".replace("\u200b", "").split()).lower()
    song = {
        "annotation_count": rng.randint(0, 30),
        "api_path": f"/songs/{song_id}",
        # As Genius writes it: "Primary (Ft. Featured)" (plain spaces, unlike full_title).
        "artist_names": primary.name + (f" (Ft. {featured[0].name})" if featured else ""),
        "custom_performances": custom,
        "featured_artists": [_song_artist(p) for p in featured],
        "full_title": f"{title} by\u00a0{_nbsp(primary.name)}{featured_text}",
        "header_image_url": f"https://images.genius.com/{song_id}.1000x1000x1.jpg",
        "id": song_id,
        "lyrics_state": "complete",
        "path": f"/{slug}-lyrics",
        "primary_artist": _song_artist(primary),
        "producer_artists": [_song_artist(p) for p in producers],
        "release_date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "song_art_image_url": f"https://images.genius.com/{song_id}.300x300x1.jpg",
        "stats": {"hot": False, "pageviews": pageviews, "unreviewed_annotations": 0},
        "title": title,
        "title_with_featured": f"{title}{featured_text}",
        "url": f"https://genius.com/{slug}-lyrics",
        "writer_artists": [_song_artist(p) for p in (primary, rng.choice(cast.writers))],
    }
    builder.catalog["genius"]["songs"].append(song)
    return song


def genius_songs(
    builder: Builder,
    cast: Cast,
    recording: Recording,
    producers: list[Person],
    custom: list[tuple[str, list[Person]]],
) -> list[tuple[Person, str]]:
    """The songs for a recording (the original, and remixes and covers where the scenario
    has them); the original's production credits, in page order."""
    rng = builder.rng
    target = recording.artist
    tagged: list[tuple[Json, list[Person] | None]] = [
        ({"label": label, "artists": [_song_artist(p) for p in people]}, people)
        for label, people in custom
    ] + [(group, None) for group in _noise(rng, cast, target)]
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
    original = song_object(
        builder,
        cast,
        _genius_title(recording),
        target.genius,
        pageviews,
        producers,
        groups,
        featured,
        year,
    )
    _owned_by_joint_artists(original, recording)
    builder.page_of[original["id"]] = recording
    if recording.scenario == "covered":
        remixer, coverer, other = cast.others
        # A remix under the same primary artist and a cover naming the artist: more shared
        # search tokens and more page views than the original, never the original.
        song_object(
            builder,
            cast,
            f"{recording.title} ({remixer.name} Remix)",
            target.genius,
            pageviews * 3,
            [remixer],
            _noise(rng, cast, target),
            [remixer],
            year + 1,
        )
        song_object(
            builder,
            cast,
            f"{recording.title} ({target.name} Cover)",
            coverer,
            pageviews * 2,
            [coverer],
            [],
            [],
            year + 2,
        )
        song_object(builder, cast, recording.title, other, pageviews * 4, [other], [], [], year + 3)
    return credited


def _owned_by_joint_artists(song: Json, recording: Recording) -> None:
    # A song of a joint album lists both artists as primary artists, as Genius does.
    if recording.joint is None:
        return
    owners = [recording.artist.genius, recording.joint.genius]
    song["primary_artists"] = [_song_artist(person) for person in owners]
    song["artist_names"] = " & ".join(person.name for person in owners) + song["artist_names"][
        len(recording.artist.genius.name):]


def version_song(
    builder: Builder, cast: Cast, recording: Recording, producers: list[Person]
) -> list[tuple[Person, str]]:
    """The Genius page of a live take, demo, acoustic version or re-recording: its own
    producers, and more page views than the studio page (see gen_versions)."""
    rng = builder.rng
    title = genius_version_title(recording) or recording.title
    song = song_object(
        builder,
        cast,
        title,
        recording.artist.genius,
        rng.randint(*VERSION_PAGEVIEWS),
        producers,
        _noise(rng, cast, recording.artist),
        [],
        2000 + rng.randrange(25),
    )
    _owned_by_joint_artists(song, recording)
    builder.page_of[song["id"]] = recording
    return [(person, "producer") for person in producers]
def other_version_only(builder: Builder, cast: Cast, recording: Recording) -> None:
    """Genius knows only a remix of the recording (same primary artist): never the original."""
    rng = builder.rng
    target = recording.artist
    remixer = cast.others[0]
    song = song_object(
        builder,
        cast,
        f"{recording.title} ({remixer.name} Remix)",
        target.genius,
        rng.randint(1_000, 400_000),
        [remixer],
        _noise(rng, cast, target),
        [remixer],
        2000 + rng.randrange(25),
    )
    _owned_by_joint_artists(song, recording)
