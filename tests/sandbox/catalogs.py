"""Small Spotify-shaped catalogs for the sandbox tests, built to order."""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]
API = "https://api.spotify.com/v1"


def artist_ref(artist_id: str, name: str) -> Json:
    return {
        "external_urls": {"spotify": f"https://open.spotify.com/artist/{artist_id}"},
        "href": f"{API}/artists/{artist_id}",
        "id": artist_id,
        "name": name,
        "type": "artist",
        "uri": f"spotify:artist:{artist_id}",
    }


def artist(artist_id: str, name: str, popularity: int = 50, followers: int = 1000) -> Json:
    return {
        **artist_ref(artist_id, name),
        "followers": {"href": None, "total": followers},
        "genres": ["pop"],
        "images": [{"url": f"https://i.example/{artist_id}.jpg", "height": 640, "width": 640}],
        "popularity": popularity,
    }


def track(track_id: str, name: str, artists: list[Json], number: int) -> Json:
    return {
        "artists": artists,
        "available_markets": ["GB", "US"],
        "disc_number": 1,
        "duration_ms": 200000 + number,
        "explicit": False,
        "external_urls": {"spotify": f"https://open.spotify.com/track/{track_id}"},
        "href": f"{API}/tracks/{track_id}",
        "id": track_id,
        "is_local": False,
        "name": name,
        "preview_url": None,
        "track_number": number,
        "type": "track",
        "uri": f"spotify:track:{track_id}",
    }


def album(
    album_id: str,
    name: str,
    artists: list[Json],
    tracks: int | list[Json] = 3,
    album_type: str = "album",
    release_date: str = "2020-01-01",
) -> Json:
    items = (
        [track(f"{album_id}t{n}", f"{name} {n}", artists, n) for n in range(1, tracks + 1)]
        if isinstance(tracks, int)
        else tracks
    )
    return {
        "album_type": album_type,
        "artists": artists,
        "available_markets": ["GB", "US"],
        "copyrights": [{"text": "(P) 2020 Label", "type": "P"}],
        "external_ids": {"upc": "0000000000000"},
        "external_urls": {"spotify": f"https://open.spotify.com/album/{album_id}"},
        "genres": [],
        "href": f"{API}/albums/{album_id}",
        "id": album_id,
        "images": [{"url": f"https://i.example/{album_id}.jpg", "height": 640, "width": 640}],
        "label": "Label",
        "name": name,
        "popularity": 40,
        "release_date": release_date,
        "release_date_precision": "day",
        "total_tracks": len(items),
        "tracks": {"items": items},
        "type": "album",
        "uri": f"spotify:album:{album_id}",
    }


def small_catalog() -> Json:
    """Three artists with near-identical names, a long album (60 tracks), twelve albums for the
    first artist, a single, a compilation, and a guest appearance (appears_on)."""
    nova = artist_ref("nova", "Nova Kid")
    guest = artist_ref("guest", "Guest Star")
    albums = [album("long", "Long Player", [nova], tracks=60, release_date="2024-01-01")]
    albums += [
        album(f"a{n:02}", f"Record {n}", [nova], release_date=f"2010-01-{n:02}")
        for n in range(1, 12)
    ]
    albums.append(album("single1", "Only One", [nova], 1, album_type="single"))
    albums.append(album("comp1", "Best Of", [guest], 2, album_type="compilation"))
    featuring = [track("feat1", "Duet (feat. Nova Kid)", [guest, nova], 1)]
    albums.append(album("guestalbum", "Guest Album", [guest], featuring))
    full_track = {
        **track("a01t1", "Record 1 1", [nova], 1),
        "album": {
            k: v
            for k, v in albums[1].items()
            if k not in ("tracks", "copyrights", "external_ids", "genres", "label", "popularity")
        },
        "external_ids": {"isrc": "GBAAA2000001"},
        "popularity": 61,
    }
    return {
        "spotify": {
            "artists": [
                artist("nova", "Nova Kid", popularity=40, followers=900000),
                artist("NOVA", "NOVA", popularity=70, followers=1200),
                artist("guest", "Guest Star", popularity=55),
                artist("other", "Somebody Else", popularity=90),
            ],
            "albums": albums,
            "tracks": [full_track],
        },
        "genius": {
            "songs": [
                genius_song(1, "Duet", "Guest Star", pageviews=100),
                genius_song(2, "Duet (Remix)", "Guest Star", pageviews=9000),
                genius_song(3, "Duet", "Cover Band", pageviews=500),
                genius_song(4, "Unrelated", "Nobody", pageviews=10**6),
            ],
            "artists": [{"id": 10, "name": "Guest Star", "instagram_name": "gueststar"}],
        },
        "musicbrainz": {
            "recordings": [
                {
                    "id": "0b5d7a6e-2a6c-4c1e-9a50-6c0e2a9a7f01",
                    "title": "Record 1 1",
                    "isrcs": ["GBAAA2000001"],
                    "relations": [
                        {
                            "type": "producer",
                            "attributes": ["co"],
                            "artist": {"id": "aa", "name": "Pro Ducer"},
                        }
                    ],
                },
            ]
        },
        "instagram": {
            "profiles": [
                {
                    "username": "gueststar",
                    "full_name": "Guest Star",
                    "follower_count": 10,
                    "following_count": 2,
                    "biography": "",
                    "external_url": "",
                    "is_verified": False,
                    "is_private": False,
                    "profile_pic_url": "https://i.example/g.jpg",
                    "media_count": 3,
                }
            ]
        },
    }


def genius_song(song_id: int, title: str, artist_name: str, pageviews: int) -> Json:
    return {
        "id": song_id,
        "title": title,
        "full_title": f"{title} by {artist_name}",
        "artist_names": artist_name,
        "api_path": f"/songs/{song_id}",
        "url": f"https://genius.com/songs/{song_id}",
        "primary_artist": {"id": song_id * 100, "name": artist_name},
        "stats": {"pageviews": pageviews},
        "producer_artists": [{"id": 7, "name": "Pro Ducer"}],
        "description": {"plain": "only on songs/{id}"},
    }


def load_json(path: Any) -> Any:
    import json

    return json.loads(path.read_text(encoding="utf-8"))


def _stub_artist(ref: Json) -> Json:
    # An album names artists the recordings do not hold in full; the catalog needs them.
    return {
        **ref,
        "followers": {"href": None, "total": 0},
        "genres": [],
        "images": [],
        "popularity": 0,
    }


def reference_catalog(reference: Any) -> Json:
    """A catalog of the recorded Spotify responses in ../shared/reference/spotify: every recorded
    artist, album (with the recorded track pages merged in), album track page and full track.
    The rspotify artist-albums listing is left out: its items lack `artists` and
    `release_date`, so they cannot stand as catalog albums."""
    folder = reference / "spotify"
    artists: dict[str, Json] = {}
    albums: dict[str, Json] = {}
    tracks: dict[str, Json] = {}
    for path in sorted(folder.glob("*.json")):
        data = load_json(path)
        if "artists" in data and isinstance(data["artists"], dict):  # search
            for item in data["artists"]["items"]:
                artists.setdefault(item["id"], item)
        elif data.get("type") == "artist":
            artists.setdefault(data["id"], data)
        elif data.get("type") == "album":
            albums.setdefault(
                data["id"], {**data, "tracks": {"items": list(data["tracks"]["items"])}}
            )
        elif "albums" in data:
            for item in data["albums"]:
                albums.setdefault(
                    item["id"], {**item, "tracks": {"items": list(item["tracks"]["items"])}}
                )
        elif "tracks" in data:
            for item in data["tracks"]:
                tracks.setdefault(item["id"], item)
    for path in sorted(folder.glob("*.json")):
        data = load_json(path)
        href = data.get("href", "") if isinstance(data, dict) else ""
        if "/albums/" in href and "/tracks" in href:  # an album's track page
            album_id = href.split("/albums/")[1].split("/")[0]
            album = albums.setdefault(album_id, _album_for(album_id, data["items"]))
            known = {item["id"] for item in album["tracks"]["items"]}
            album["tracks"]["items"] += [i for i in data["items"] if i["id"] not in known]
        elif "/artists/" in href and "/albums" in href and "artists" in data["items"][0]:
            for item in data["items"]:
                if item["id"] not in albums:
                    albums[item["id"]] = {**item, "tracks": {"items": []}}
    for album in albums.values():
        for ref in album["artists"]:
            artists.setdefault(ref["id"], _stub_artist(ref))
    return {
        "spotify": {
            "artists": list(artists.values()),
            "albums": list(albums.values()),
            "tracks": list(tracks.values()),
        }
    }


def _album_for(album_id: str, items: list[Json]) -> Json:
    made = album(album_id, f"Album {album_id}", items[0]["artists"], tracks=[])
    return {**made, "tracks": {"items": []}}
