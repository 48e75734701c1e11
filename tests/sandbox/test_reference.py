"""The recorded real Spotify responses in ../shared/reference/spotify, put in a catalog, come back
from the sandbox unchanged apart from the paging fields (href, next, previous, limit, offset,
total), which are the sandbox's own. Where two recordings made years apart hold the same id (a
Keane album, a Cyndi Lauper track), the catalog keeps the first and only that one is compared."""

from __future__ import annotations

import pytest

from tests.fixtures_sandbox import spotify_session
from tests.sandbox.catalogs import load_json, reference_catalog

PAGING = ("href", "next", "previous", "limit", "offset", "total")


@pytest.fixture
def served(reference, sandbox_factory):
    server = sandbox_factory(reference_catalog(reference), spotify_mode="extended")
    session = spotify_session(server)

    def get(path: str) -> dict:
        answer = session.get(f"{server.url}/spotify/v1/{path}")
        assert answer.status_code == 200, answer.text
        return answer.json()

    return get


def recorded(reference, name: str) -> dict:
    return load_json(reference / "spotify" / name)


def test_a_recorded_artist_comes_back_unchanged(reference, served):
    artist = recorded(reference, "spotify-ts-sdk__validArtist.json")

    assert served(f"artists/{artist['id']}") == artist


@pytest.mark.parametrize(
    "name",
    [
        "rspotify-ruby__artist_search_Arctic.decoded.json",
        "swajava__SearchArtistsRequest.json",
        "zmb3__search_artist.json",
    ],
)
def test_recorded_search_hits_come_back_unchanged(reference, served, name):
    for artist in recorded(reference, name)["artists"]["items"]:
        assert served(f"artists/{artist['id']}") == artist
        assert artist in served(f"artists?ids={artist['id']}")["artists"]


@pytest.mark.parametrize(
    "name",
    [
        "rspotify-ruby__album_find_2js3lkzAjWpD656NK7ZaJX.decoded.json",
        "spotify-ts-sdk__validAlbumResult.json",
        "swajava__GetAlbumRequest.json",
    ],
)
def test_a_recorded_album_comes_back_unchanged_apart_from_its_track_paging(reference, served, name):
    album = recorded(reference, name)

    answer = served(f"albums/{album['id']}")

    assert {k: v for k, v in answer.items() if k != "tracks"} == {
        k: v for k, v in album.items() if k != "tracks"
    }
    count = len(album["tracks"]["items"])
    assert answer["tracks"]["items"][:count] == album["tracks"]["items"][:50]


@pytest.mark.parametrize(
    "name", ["swajava__GetSeveralAlbumsRequest.json", "zmb3__find_albums.json"]
)
def test_recorded_several_albums_come_back_unchanged_apart_from_paging(reference, served, name):
    albums = recorded(reference, name)["albums"]

    kept = {a["id"]: a for a in reference_catalog(reference)["spotify"]["albums"]}
    albums = [
        a
        for a in albums
        if a["name"] == kept[a["id"]]["name"] and a["popularity"] == kept[a["id"]]["popularity"]
    ]

    answer = served("albums?ids=" + ",".join(a["id"] for a in albums))["albums"]

    assert albums
    for mine, theirs in zip(answer, albums, strict=True):
        assert {k: v for k, v in mine.items() if k != "tracks"} == {
            k: v for k, v in theirs.items() if k != "tracks"
        }
        assert {k: v for k, v in mine["tracks"].items() if k not in PAGING} == {
            k: v for k, v in theirs["tracks"].items() if k not in PAGING
        }


@pytest.mark.parametrize(
    "name",
    [
        "rspotify-ruby__album_find_2js3lkzAjWpD656NK7ZaJX_tracks.decoded.json",
        "spotify-ts-sdk__validAlbumTracksResult.json",
        "swajava__GetAlbumsTracksRequest.json",
        "zmb3__find_album_tracks.json",
    ],
)
def test_recorded_album_track_pages_come_back_unchanged(reference, served, name):
    page = recorded(reference, name)
    album_id = page["href"].split("/albums/")[1].split("/")[0]

    answer = served(f"albums/{album_id}/tracks?limit=50&offset={page['offset']}")

    served_by_id = {track["id"]: track for track in answer["items"]}
    kept = [track for track in page["items"] if served_by_id[track["id"]] == track]
    assert len(kept) >= len(page["items"]) - 1  # at most the one recorded twice differs


def test_recorded_full_tracks_come_back_unchanged(reference, served):
    tracks = recorded(reference, "swajava__GetSeveralTracksRequest.json")["tracks"]

    assert served("tracks?ids=" + ",".join(t["id"] for t in tracks)) == {"tracks": tracks}
    assert [served(f"tracks/{t['id']}") for t in tracks] == tracks


def test_recorded_artist_albums_come_back_unchanged(reference, served):
    page = recorded(reference, "swajava__GetArtistsAlbumsRequest.json")
    artist_id = page["href"].split("/artists/")[1].split("/")[0]

    answer = served(f"artists/{artist_id}/albums?include_groups=single&limit=50")

    assert all(item in answer["items"] for item in page["items"])
