"""The sandbox's Spotify over real HTTP: tokens, every endpoint, paging, both modes, errors."""

from __future__ import annotations

import pytest
import requests
import spotipy
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyClientCredentials

from tests.fixtures_sandbox import spotify_session
from tests.sandbox.catalogs import small_catalog


@pytest.fixture
def server(sandbox_factory):
    return sandbox_factory(small_catalog())


def v1(server, path: str) -> str:
    return f"{server.url}/spotify/v1/{path}"


def test_the_token_endpoint_issues_bearer_tokens_for_client_credentials(server):
    answer = requests.post(
        server.url + "/spotify/api/token",
        data={"grant_type": "client_credentials"},
        auth=("id", "secret"),
        timeout=5,
    )

    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["access_token"]


def test_restricted_credentials_refuse_other_clients(sandbox_factory):
    server = sandbox_factory(
        small_catalog(), credentials={"spotify": {"client_id": "good", "client_secret": "s3"}}
    )
    url = server.url + "/spotify/api/token"
    form = {"grant_type": "client_credentials"}

    refused = requests.post(url, data=form, auth=("good", "wrong"), timeout=5)
    accepted = requests.post(url, data=form, auth=("good", "s3"), timeout=5)

    assert refused.status_code == 400 and refused.json()["error"] == "invalid_client"
    assert accepted.status_code == 200


def test_requests_without_a_token_the_sandbox_issued_get_401(server):
    no_token = requests.get(v1(server, "artists/nova"), timeout=5)
    made_up = requests.get(
        v1(server, "artists/nova"), headers={"Authorization": "Bearer nope"}, timeout=5
    )

    assert no_token.status_code == 401 and made_up.status_code == 401
    assert made_up.json() == {"error": {"status": 401, "message": "Invalid access token"}}


def test_search_matches_name_tokens_and_ranks_by_popularity(server):
    session = spotify_session(server)

    page = session.get(v1(server, "search"), params={"q": "Nova Kid", "type": "artist"}).json()

    names = [item["name"] for item in page["artists"]["items"]]
    assert names == ["NOVA", "Nova Kid"]  # the exact name is not the first hit
    assert page["artists"]["total"] == 2


def test_search_pages_carry_absolute_next_links_on_the_sandbox_host(sandbox_factory):
    catalog = small_catalog()
    catalog["spotify"]["artists"] += [
        {**catalog["spotify"]["artists"][0], "id": f"n{i}", "name": f"Nova {i}"} for i in range(12)
    ]
    server = sandbox_factory(catalog)
    session = spotify_session(server)

    first = session.get(v1(server, "search"), params={"q": "nova", "type": "artist", "limit": 10})
    artists = first.json()["artists"]
    second = session.get(artists["next"]).json()["artists"]

    assert artists["total"] == 14 and len(artists["items"]) == 10
    assert artists["next"].startswith(server.url + "/spotify/v1/search?")
    assert artists["href"].startswith(server.url + "/spotify/v1/search?")
    assert second["offset"] == 10 and len(second["items"]) == 4 and second["next"] is None
    assert second["previous"].startswith(server.url)


def test_artist_and_unknown_artist(server):
    session = spotify_session(server)

    found = session.get(v1(server, "artists/nova"))
    missing = session.get(v1(server, "artists/nobody"))

    assert found.json()["name"] == "Nova Kid"
    assert missing.status_code == 404 and missing.json()["error"]["status"] == 404


def test_artist_albums_groups_include_appears_on_for_guests(server):
    # album_group is only given in extended mode (Development Mode lost it in 2026)
    session = spotify_session(server, "extended")

    own = session.get(v1(server, "artists/nova/albums"), params={"include_groups": "single"})
    guest = session.get(v1(server, "artists/nova/albums"), params={"include_groups": "appears_on"})
    compilations = session.get(
        v1(server, "artists/guest/albums"), params={"include_groups": "compilation"}
    )

    assert [a["id"] for a in own.json()["items"]] == ["single1"]
    assert [(a["id"], a["album_group"]) for a in guest.json()["items"]] == [
        ("guestalbum", "appears_on")
    ]
    assert [a["id"] for a in compilations.json()["items"]] == ["comp1"]
    assert "tracks" not in own.json()["items"][0]


def test_artist_albums_in_development_mode_refuse_limits_above_10_and_page_by_10(server):
    session = spotify_session(server)
    url = v1(server, "artists/nova/albums")

    refused = session.get(url, params={"limit": 11})
    first = session.get(url, params={"include_groups": "album", "limit": 10}).json()
    second = session.get(first["next"]).json()

    assert refused.status_code == 400
    assert refused.json() == {"error": {"status": 400, "message": "Invalid limit"}}
    assert first["total"] == 12 and len(first["items"]) == 10
    assert "include_groups=album" in first["next"]
    assert len(second["items"]) == 2 and second["next"] is None
    # newest first within a group
    assert first["items"][0]["id"] == "long"


def test_extended_mode_allows_limit_50(server):
    session = spotify_session(server, mode="extended")

    page = session.get(v1(server, "artists/nova/albums"), params={"limit": 50}).json()
    too_many = session.get(v1(server, "search"), params={"q": "x", "type": "artist", "limit": 51})

    assert len(page["items"]) == page["total"] == 14
    assert too_many.status_code == 400


def test_an_album_embeds_its_first_50_tracks_and_links_to_the_rest(server):
    session = spotify_session(server)

    album = session.get(v1(server, "albums/long")).json()
    rest = session.get(album["tracks"]["next"]).json()

    assert len(album["tracks"]["items"]) == 50 and album["tracks"]["total"] == 60
    assert album["tracks"]["next"].startswith(server.url + "/spotify/v1/albums/long/tracks?")
    assert [t["track_number"] for t in rest["items"]] == list(range(51, 61))
    assert rest["next"] is None


def test_album_tracks_pages_with_limit_and_offset(server):
    session = spotify_session(server)

    page = session.get(v1(server, "albums/long/tracks"), params={"limit": 7, "offset": 14}).json()
    bad = session.get(v1(server, "albums/long/tracks"), params={"limit": 51})
    missing = session.get(v1(server, "albums/none/tracks"))

    assert [t["track_number"] for t in page["items"]] == list(range(15, 22))
    assert page["offset"] == 14 and page["limit"] == 7 and page["total"] == 60
    assert "offset=21" in page["next"] and "offset=7" in page["previous"]
    assert bad.status_code == 400 and missing.status_code == 404


def test_tracks_come_from_the_catalog_or_are_built_from_their_album(server):
    session = spotify_session(server)

    recorded = session.get(v1(server, "tracks/a01t1")).json()
    built = session.get(v1(server, "tracks/a01t2")).json()

    assert recorded["external_ids"] == {"isrc": "GBAAA2000001"}
    assert built["external_ids"] == {} and built["album"]["id"] == "a01"
    assert "tracks" not in built["album"] and built["album"]["total_tracks"] == 3
    assert session.get(v1(server, "tracks/nope")).status_code == 404


@pytest.mark.parametrize("path", ["albums?ids=a01", "tracks?ids=a01t1", "artists?ids=nova"])
def test_batch_endpoints_are_forbidden_in_development_mode(server, path):
    session = spotify_session(server)

    answer = session.get(v1(server, path))

    assert answer.status_code == 403 and answer.json()["error"]["status"] == 403


def test_batch_endpoints_serve_in_extended_mode_with_their_limits(server):
    session = spotify_session(server, mode="extended")

    albums = session.get(v1(server, "albums"), params={"ids": "a01,unknown,long"}).json()
    tracks = session.get(v1(server, "tracks"), params={"ids": "a01t1,a01t2"}).json()
    artists = session.get(v1(server, "artists"), params={"ids": "nova,NOVA"}).json()
    too_many_albums = session.get(v1(server, "albums"), params={"ids": ",".join(["a01"] * 21)})
    too_many_tracks = session.get(v1(server, "tracks"), params={"ids": ",".join(["x"] * 51)})

    assert [a and a["id"] for a in albums["albums"]] == ["a01", None, "long"]
    assert albums["albums"][2]["tracks"]["next"] is not None
    assert [t["id"] for t in tracks["tracks"]] == ["a01t1", "a01t2"]
    assert [a["name"] for a in artists["artists"]] == ["Nova Kid", "NOVA"]
    assert too_many_albums.status_code == 400 and too_many_tracks.status_code == 400


def spotipy_client(server) -> spotipy.Spotify:
    # A memory cache: spotipy's default file cache would carry tokens between sandboxes.
    auth = SpotifyClientCredentials(
        client_id="client", client_secret="secret", cache_handler=MemoryCacheHandler()
    )
    auth.OAUTH_TOKEN_URL = server.url + "/spotify/api/token"
    client = spotipy.Spotify(auth_manager=auth, retries=0)
    client.prefix = server.url + "/spotify/v1/"
    return client


def test_spotipy_unmodified_follows_next_links_through_every_page(server):
    sp = spotipy_client(server)

    albums, page = [], sp.artist_albums("nova", include_groups="album", limit=5)
    while page:
        albums += page["items"]
        page = sp.next(page)
    album = sp.album("long")
    tracks, page = list(album["tracks"]["items"]), album["tracks"]
    while page["next"]:
        page = sp.next(page)
        tracks += page["items"]

    assert len(albums) == 12
    assert len(tracks) == 60 and tracks[-1]["track_number"] == 60
    assert sp.search(q="Nova", type="artist", limit=10)["artists"]["items"][0]["name"] == "NOVA"
    assert sp.track("a01t1")["external_ids"]["isrc"] == "GBAAA2000001"
    assert sp.artist("guest")["name"] == "Guest Star"


def test_spotipy_reads_batches_in_extended_mode_and_sees_403_in_development(server):
    sp = spotipy_client(server)

    with pytest.raises(spotipy.SpotifyException) as refused:
        sp.albums(["a01"])
    server.configure(spotify_mode="extended")

    assert refused.value.http_status == 403
    assert [a["id"] for a in sp.albums(["a01", "a02"])["albums"]] == ["a01", "a02"]
    assert [t["id"] for t in sp.tracks(["a01t1", "feat1"])["tracks"]] == ["a01t1", "feat1"]
    assert [a["id"] for a in sp.artists(["nova"])["artists"]] == ["nova"]
