"""Spotify albums, singles and tracks, with the title decorations that trap track matching."""

from __future__ import annotations

import random
import string

from discovery.sandbox.gen_model import SPOTIFY, Builder, Json, Person, Recording, Target
from discovery.sandbox.gen_versions import spotify_version_name

MARKETS = ["CA", "DE", "FR", "GB", "JP", "SE", "US"]
TITLE_WORDS = (
    "Midnight Summer Heart Fire River Dream Shadow Light Rain Highway Ocean Paradise Thunder "
    "Diamond Honey Gravity Horizon Sugar Winter Echo Desert Velocity Morning Cherry Stardust "
    "Wildfire Silence Avenue Machine Empire Butterfly Island Kingdom Mountain Rocket Signal "
    "Thread Window Tunnel Garden Lantern Mirage Orchid Pulse Riddle Shelter Temple Voyage "
    "Whisper Zenith Caravan Fever Glimmer Harvest Jungle Meadow Oasis Prism Quartz"
).split()
MUST_DECORATIONS = [
    "feat",
    "with",
    "remaster_2011",
    "remastered_2009",
    "radio_edit",
    "nbsp",
    "zero_width",
    "apostrophe",
]


def plan_recordings(
    rng: random.Random, targets: list[Target], plan: list[list[int]]
) -> list[Recording]:
    """As many recordings per seed artist as its planned albums hold, titles unique per artist."""
    found: list[Recording] = []
    for target, albums in zip(targets, plan, strict=True):
        used: set[frozenset[str]] = set()
        for size in albums:
            for _ in range(size):
                while True:
                    words = rng.sample(TITLE_WORDS, 2)
                    if frozenset(words) not in used:
                        used.add(frozenset(words))
                        break
                recording = Recording(target, " ".join(words), "", rng.randint(120_000, 320_000))
                target.recordings.append(recording)
                found.append(recording)
    return found


def plan_joint_album(targets: list[Target], plan: list[list[int]]) -> None:
    """The second seed artist's last album is a joint album with the first seed artist."""
    if len(targets) < 2:
        return
    last = plan[1][-1]
    for recording in targets[1].recordings[-last:]:
        recording.joint = targets[0]


def decorate(rng: random.Random, recordings: list[Recording], guests: list[Target]) -> None:
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
            recording.guest = rng.choice(guests)


def _spotify_name(recording: Recording) -> str:
    title, guest = recording.title, recording.guest
    if recording.spotify_name is not None:
        return recording.spotify_name
    version = spotify_version_name(recording)
    if version is not None:
        return version
    return {
        "feat": f"{title} (feat. {guest.name if guest else ''})",
        "with": f"{title} [with {guest.name if guest else ''}]",
        "remaster_2011": f"{title} - 2011 Remaster",
        "remastered_2009": f"{title} - Remastered 2009",
        "radio_edit": f"{title} - Radio Edit",
        "nbsp": title.replace(" ", "\u00a0"),
    }.get(recording.decoration, title)


def _simplified(artist: Json) -> Json:
    return {key: artist[key] for key in ("external_urls", "href", "id", "name", "type", "uri")}


def spotify_releases(
    builder: Builder, labels: list[Person], targets: list[Target], plan: list[list[int]]
) -> None:
    """Each seed artist's planned albums, then a single repeating a track of its first album."""
    rng = builder.rng
    for target, albums in zip(targets, plan, strict=True):
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
            write_album(builder, labels, target, name, "album", tracks, 2000 + index + rng.randrange(3))
        single = rng.choice(first_album)
        write_album(builder, labels, target, single.title, "single", [single], 2024)


def write_album(
    builder: Builder,
    labels: list[Person],
    target: Target,
    name: str,
    kind: str,
    recordings: list[Recording],
    year: int,
) -> None:
    rng = builder.rng
    album_id = builder.spotify_id()
    precision = rng.choice(["day", "day", "day", "month", "year"])
    date = {
        "day": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "month": f"{year}-{rng.randint(1, 12):02d}",
        "year": str(year),
    }[precision]
    label = rng.choice(labels).name
    simple_artist = _simplified(target.spotify)
    joint = recordings[0].joint if kind == "album" else None
    owners = [simple_artist] + ([_simplified(joint.spotify)] if joint else [])
    base = {
        "album_type": kind,
        "total_tracks": len(recordings),
        "available_markets": MARKETS,
        "external_urls": {"spotify": f"https://open.spotify.com/album/{album_id}"},
        "href": f"{SPOTIFY}/albums/{album_id}",
        "id": album_id,
        "images": builder.image("ab67616d0000b273"),
        "name": name,
        "release_date": date,
        "release_date_precision": precision,
        "type": "album",
        "uri": f"spotify:album:{album_id}",
        "artists": owners,
    }
    items = []
    for number, recording in enumerate(recordings, start=1):
        track_id = builder.spotify_id()
        recording.track_ids.append(track_id)
        artists = (owners if kind == "album" else [simple_artist]) + (
            [_simplified(recording.guest.spotify)] if recording.guest else []
        )
        if recording.lead is not None:
            artists = [_simplified(recording.lead.spotify), *artists]
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
            "name": _spotify_name(recording),
            "preview_url": None,
            "track_number": number,
            "type": "track",
            "uri": f"spotify:track:{track_id}",
        }
        items.append(item)
        builder.catalog["spotify"]["tracks"].append(
            {
                **item,
                "album": dict(base),
                "external_ids": {"isrc": recording.isrc} if recording.isrc else {},
                "popularity": rng.randint(0, 90),
            }
        )
    builder.catalog["spotify"]["albums"].append(
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
