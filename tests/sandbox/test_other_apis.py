"""The sandbox's Genius (through lyricsgenius, unmodified), MusicBrainz and Instagram provider."""

from __future__ import annotations

import lyricsgenius
import pytest
import requests
import urllib3

from tests.sandbox.catalogs import small_catalog

MBID = "0b5d7a6e-2a6c-4c1e-9a50-6c0e2a9a7f01"


@pytest.fixture
def server(sandbox_factory):
    return sandbox_factory(small_catalog())


def genius(server, token: str = "any-token") -> lyricsgenius.API:
    api = lyricsgenius.API(token, sleep_time=0)
    api.API_ROOT = server.url + "/genius/"  # lyricsgenius builds every URL on API_ROOT
    return api


def test_genius_search_ranks_shared_tokens_then_pageviews(server):
    hits = genius(server).search_songs("Duet Guest Star")["hits"]

    titles = [(hit["result"]["title"], hit["result"]["artist_names"]) for hit in hits]
    # the remix shares as many tokens as the original and has more pageviews
    assert titles == [
        ("Duet (Remix)", "Guest Star"),
        ("Duet", "Guest Star"),
        ("Duet", "Cover Band"),
    ]
    assert hits[0]["type"] == "song" and "description" not in hits[0]["result"]


def test_genius_songs_and_artists_come_in_the_genius_envelope(server):
    song = genius(server).song(1)
    raw = requests.get(
        server.url + "/genius/artists/10", headers={"Authorization": "Bearer t"}, timeout=5
    ).json()

    assert song["song"]["producer_artists"] == [{"id": 7, "name": "Pro Ducer"}]
    assert raw == {
        "meta": {"status": 200},
        "response": {"artist": small_catalog()["genius"]["artists"][0]},
    }


def test_genius_refuses_missing_and_restricted_tokens_and_unknown_ids(sandbox_factory):
    server = sandbox_factory(small_catalog(), credentials={"genius": {"token": "right"}})
    url = server.url + "/genius/songs/1"

    anonymous = requests.get(url, timeout=5)
    wrong = requests.get(url, headers={"Authorization": "Bearer wrong"}, timeout=5)
    right = requests.get(url, headers={"Authorization": "Bearer right"}, timeout=5)
    missing = requests.get(
        server.url + "/genius/songs/999", headers={"Authorization": "Bearer right"}, timeout=5
    )

    assert anonymous.status_code == wrong.status_code == 401
    assert wrong.json()["meta"]["status"] == 401
    assert right.status_code == 200
    assert missing.status_code == 404 and missing.json()["meta"] == {
        "status": 404,
        "message": "Not found",
    }


def test_musicbrainz_finds_recordings_by_isrc_and_with_artist_relations(server):
    base = server.url + "/musicbrainz/ws/2/"
    headers = {"User-Agent": "discovery-tests/1 (tests@example.org)"}

    by_isrc = requests.get(base + "isrc/GBAAA2000001", params={"fmt": "json"}, headers=headers)
    recording = requests.get(
        base + f"recording/{MBID}",
        params={"inc": "artist-rels+isrcs", "fmt": "json"},
        headers=headers,
    )

    assert by_isrc.json()["isrc"] == "GBAAA2000001"
    assert [r["id"] for r in by_isrc.json()["recordings"]] == [MBID]
    assert recording.json()["relations"][0]["attributes"] == ["co"]
    assert recording.json()["isrcs"] == ["GBAAA2000001"]


def test_musicbrainz_refuses_requests_without_a_user_agent_and_unknown_ids(server):
    base = server.url + "/musicbrainz/ws/2/"
    # urllib3 adds a User-Agent unless told to skip it
    no_agent = {"User-Agent": urllib3.util.SKIP_HEADER}

    anonymous = requests.get(base + "isrc/GBAAA2000001?fmt=json", headers=no_agent)
    unknown_isrc = requests.get(base + "isrc/GBAAA2999999?fmt=json")
    unknown_recording = requests.get(
        base + "recording/00000000-0000-0000-0000-000000000000?fmt=json"
    )

    assert anonymous.status_code == 403 and "error" in anonymous.json()
    assert unknown_isrc.status_code == 404 and unknown_isrc.json() == {"error": "Not Found"}
    assert unknown_recording.status_code == 404


def test_instagram_provider_answers_profiles_by_username_behind_a_key(server):
    url = server.url + "/instagram/v1/user/by/username"

    found = requests.get(url, params={"username": "gueststar"}, headers={"x-access-key": "k"})
    unknown = requests.get(url, params={"username": "nobody"}, headers={"x-access-key": "k"})
    keyless = requests.get(url, params={"username": "gueststar"})

    assert found.json()["follower_count"] == 10
    assert unknown.status_code == 404
    assert keyless.status_code == 401


def test_an_unknown_path_is_404_in_the_api_shape_and_still_counted(server):
    answer = requests.get(server.url + "/genius/nowhere", headers={"Authorization": "Bearer t"})

    assert answer.status_code == 404 and answer.json()["meta"]["status"] == 404
    assert server.stats()["genius"]["endpoints"]["other"]["requests"] == 1


def test_musicbrainz_gives_an_artist_with_its_aliases_only_when_asked_with_inc_aliases(sandbox_factory):
    catalog = small_catalog()
    catalog["musicbrainz"]["artists"] = [
        {"id": MBID, "name": "P. Ducer", "sort-name": "Ducer, P.", "type": "Person",
         "aliases": [{"name": "Pro Ducer", "sort-name": "Ducer, Pro", "type": "Artist name", "primary": None}]}
    ]
    base = sandbox_factory(catalog).url + "/musicbrainz/ws/2/"
    headers = {"User-Agent": "discovery-tests/1 (tests@example.org)"}

    asked = requests.get(base + f"artist/{MBID}", params={"inc": "aliases", "fmt": "json"}, headers=headers)
    plain = requests.get(base + f"artist/{MBID}", params={"fmt": "json"}, headers=headers)
    unknown = requests.get(base + "artist/00000000-0000-0000-0000-000000000000", headers=headers)

    assert asked.json()["name"] == "P. Ducer"
    assert [alias["name"] for alias in asked.json()["aliases"]] == ["Pro Ducer"]
    assert "aliases" not in plain.json()
    assert unknown.status_code == 404
