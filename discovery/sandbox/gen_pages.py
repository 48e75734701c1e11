"""What a real Genius song carries about its release: `album` (GET songs/{id} only), `release_date`
and `release_date_for_display` (songs/{id}), `release_date_components` (search hits too), and
`media` links (a YouTube video, a Spotify link to one track: `native_uri` and `url`), in the
shapes of the recorded responses in ../shared/reference/genius.

A recording's own page names the album of its first (album) track and that album's release
date, most of the time; some pages have no album, a few no date, and some a Spotify link to the
album track. Other songs (remixes, covers, namesakes) get an album and date of their own. Fields
a page already has (the shape traps set theirs) are left as they are. Drawn from a random
source of its own, so every other part of a catalog stays as it was.
"""

from __future__ import annotations

import datetime
import random

from discovery.sandbox.gen_model import Builder, Json

ALBUM_SHARE, DATE_SHARE, SPOTIFY_LINK_SHARE = 0.85, 0.9, 0.4
OTHER_ALBUMS = ("Remixes", "Covers Vol. 1", "Late Night Sessions", "Reworks", "Tributes")


def album_object(album_id: int, name: str, artist: Json) -> Json:
    """A song's `album` as Genius gives it."""
    slug = "-".join(name.split())
    artist_slug = "-".join(str(artist.get("name", "")).split()).capitalize()
    return {
        "api_path": f"/albums/{album_id}",
        "cover_art_url": f"https://images.genius.com/album{album_id}.1000x1000x1.jpg",
        "full_title": f"{name} by {artist.get('name')}",
        "id": album_id,
        "name": name,
        "url": f"https://genius.com/albums/{artist_slug}/{slug}",
        "artist": artist,
    }


def spotify_media(track_id: str, youtube: str) -> list[Json]:
    """`media`: a YouTube video and a Spotify link to one track."""
    return [
        {"provider": "youtube", "start": 0, "type": "video", "url": f"http://www.youtube.com/watch?v={youtube}"},
        {"native_uri": f"spotify:track:{track_id}", "provider": "spotify", "type": "audio",
         "url": f"https://open.spotify.com/track/{track_id}"},
    ]


def set_date(song: Json, date: str | None) -> None:
    """`release_date`, its display form and `release_date_components` from "YYYY[-MM[-DD]]"."""
    parts = [int(piece) for piece in (date or "").split("-") if piece.isdigit()]
    if not parts:
        song.update(release_date=None, release_date_for_display=None, release_date_components=None)
        return
    components = dict(zip(("year", "month", "day"), parts, strict=False))
    song["release_date_components"] = {"year": parts[0], "month": components.get("month"),
                                       "day": components.get("day")}
    if len(parts) == 3:
        day = datetime.date(*parts)
        song["release_date"] = day.isoformat()
        song["release_date_for_display"] = f"{day:%B} {day.day}, {day.year}"
    else:
        song["release_date"] = None
        song["release_date_for_display"] = str(parts[0])


def release_fields(rng: random.Random, builder: Builder) -> None:
    """Every Genius song's album, dates and media (rules in the module docstring)."""
    albums = {item["id"]: album for album in builder.catalog["spotify"]["albums"] for item in album["tracks"]["items"]}
    next_album = 100_000 + rng.randrange(100_000)
    for song in builder.catalog["genius"]["songs"]:
        next_album += rng.randint(1, 997)
        recording = builder.page_of.get(int(song["id"]))
        own = albums.get(recording.track_ids[0]) if recording and recording.track_ids else None
        youtube = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(11))
        if own is not None and recording is not None:
            name, date = own["name"], own["release_date"]
            if own["release_date_precision"] != "day":
                date = f"{date[:4]}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            has_album, has_date = rng.random() < ALBUM_SHARE, rng.random() < DATE_SHARE
            media = spotify_media(recording.track_ids[0], youtube) if rng.random() < SPOTIFY_LINK_SHARE else []
        else:
            name, date = rng.choice(OTHER_ALBUMS), song.get("release_date")
            has_album, has_date, media = rng.random() < 0.6, True, []
        if "album" not in song:
            song["album"] = album_object(next_album, name, song["primary_artist"]) if has_album else None
        if "release_date_components" not in song:
            set_date(song, date if has_date else None)
        song.setdefault("media", media)
