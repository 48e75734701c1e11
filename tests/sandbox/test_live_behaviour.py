"""The sandbox answers as the live APIs do in 2026, each behind its knob (over HTTP): Spotify's
Premium 403, Genius's Cloudflare challenge, MusicBrainz's 503 above its rate, the 10-item
artist-albums page, per-market duplicate albums, release-level producer relations and artist
url relations."""

from __future__ import annotations

import json
from importlib import resources

import requests

from tests.fixtures_sandbox import spotify_session
from tests.sandbox.catalogs import small_catalog

GENIUS = {"Authorization": "Bearer t"}
MB = {"User-Agent": "discovery-tests/1 ( tests@discovery.invalid )"}


def demo_catalog() -> dict:
    return json.loads(resources.files("discovery.sandbox").joinpath("demo_catalog.json").read_text(encoding="utf-8"))


def test_premium_required_refuses_every_spotify_call_but_the_token(sandbox_factory):
    server = sandbox_factory(small_catalog(), spotify_premium_required=True)

    session = spotify_session(server)  # the token endpoint still answers
    answer = session.get(server.url + "/spotify/v1/artists/nova", timeout=5)

    assert answer.status_code == 403
    assert answer.json() == {
        "error": {"status": 403, "message": "Active premium subscription required for the owner of the app"}
    }
    assert server.stats()["spotify"]["refused"] == 1
    server.configure(spotify_premium_required=False)
    assert session.get(server.url + "/spotify/v1/artists/nova", timeout=5).status_code == 200


def test_the_cloudflare_knob_answers_genius_with_an_html_challenge(sandbox_factory):
    server = sandbox_factory(small_catalog(), genius_cloudflare=True)

    answer = requests.get(server.url + "/genius/songs/1", headers=GENIUS, timeout=5)

    assert answer.status_code == 403
    assert answer.headers["Content-Type"].startswith("text/html")
    assert answer.headers["cf-mitigated"] == "challenge"
    assert "<html" in answer.text and "Just a moment" in answer.text


def test_musicbrainz_answers_503_with_retry_after_above_its_rate_and_stays_blocked_while_over(sandbox_factory):
    catalog = demo_catalog()
    server = sandbox_factory(catalog, rate={"musicbrainz": "1/1"}, rate_status={"musicbrainz": 503})
    url = server.url + "/musicbrainz/ws/2/recording/" + catalog["musicbrainz"]["recordings"][0]["id"]

    first = requests.get(url, headers=MB, params={"fmt": "json"}, timeout=5)
    over = [requests.get(url, headers=MB, params={"fmt": "json"}, timeout=5) for _ in range(3)]

    assert first.status_code == 200
    assert [answer.status_code for answer in over] == [503, 503, 503]
    assert over[0].headers["Retry-After"] == "1"
    counted = server.stats()["musicbrainz"]
    assert counted["over_limit"] == 3 and counted["429"] == 0


def test_the_album_page_knob_refuses_a_limit_above_10_even_in_extended_mode(sandbox_factory):
    server = sandbox_factory(small_catalog(), spotify_mode="extended", album_page_max=10)
    session = spotify_session(server)
    url = server.url + "/spotify/v1/artists/nova/albums"

    refused = session.get(url, params={"limit": 50}, timeout=5)
    served = session.get(url, params={"limit": 10}, timeout=5)
    searched = session.get(server.url + "/spotify/v1/search", params={"q": "nova", "type": "artist", "limit": 50}, timeout=5)

    assert refused.status_code == 400 and refused.json()["error"]["message"] == "Invalid limit"
    assert served.status_code == 200 and len(served.json()["items"]) == 10
    assert searched.status_code == 200  # only the albums page is narrowed


def test_without_a_market_each_album_is_listed_twice_under_two_ids(sandbox_factory):
    server = sandbox_factory(small_catalog(), market_duplicates=True)
    session = spotify_session(server)
    url = server.url + "/spotify/v1/artists/nova/albums"

    anywhere = session.get(url, params={"limit": 10, "include_groups": "single"}, timeout=5).json()
    in_us = session.get(url, params={"limit": 10, "include_groups": "single", "market": "US"}, timeout=5).json()

    assert [album["name"] for album in anywhere["items"]] == ["Only One", "Only One"]
    assert len({album["id"] for album in anywhere["items"]}) == 2
    assert [album["name"] for album in in_us["items"]] == ["Only One"]
    twin = next(album["id"] for album in anywhere["items"] if album["id"] != "single1")
    served = session.get(server.url + f"/spotify/v1/albums/{twin}", timeout=5).json()
    assert served["id"] == twin and served["name"] == "Only One"


def test_release_credits_move_a_recordings_producers_to_its_release(sandbox_factory):
    catalog = demo_catalog()
    server = sandbox_factory(catalog, musicbrainz_release_credits=True)
    base = server.url + "/musicbrainz/ws/2/"
    credited = sorted(
        r["id"] for r in catalog["musicbrainz"]["recordings"] if any(rel["type"] == "producer" for rel in r["relations"])
    )
    moved = credited[0]

    recording = requests.get(base + f"recording/{moved}", headers=MB, params={"inc": "artist-rels+releases", "fmt": "json"}, timeout=5).json()
    [release] = recording["releases"]
    on_release = requests.get(base + f"release/{release['id']}", headers=MB, params={"inc": "artist-rels", "fmt": "json"}, timeout=5).json()
    kept = requests.get(base + f"recording/{credited[1]}", headers=MB, params={"inc": "artist-rels", "fmt": "json"}, timeout=5).json()

    assert not [rel for rel in recording["relations"] if rel["type"] == "producer"]
    producers = [rel["artist"]["name"] for rel in on_release["relations"] if rel["type"] == "producer"]
    original = next(r for r in catalog["musicbrainz"]["recordings"] if r["id"] == moved)
    assert producers == [rel["artist"]["name"] for rel in original["relations"] if rel["type"] == "producer"]
    assert on_release["title"]  # the Spotify album's name
    assert [rel for rel in kept["relations"] if rel["type"] == "producer"]  # every other one keeps its own
    server.configure(musicbrainz_release_credits=False)
    plain = requests.get(base + f"release/{release['id']}", headers=MB, params={"inc": "artist-rels", "fmt": "json"}, timeout=5).json()
    assert plain["relations"] == []


def test_url_rels_give_musicbrainz_artists_their_links(sandbox_factory):
    catalog = demo_catalog()
    server = sandbox_factory(catalog, musicbrainz_url_rels=True)
    artist = catalog["musicbrainz"]["artists"][0]
    url = server.url + f"/musicbrainz/ws/2/artist/{artist['id']}"

    linked = requests.get(url, headers=MB, params={"inc": "aliases+url-rels", "fmt": "json"}, timeout=5).json()
    server.configure(musicbrainz_url_rels=False)
    unlinked = requests.get(url, headers=MB, params={"inc": "aliases+url-rels", "fmt": "json"}, timeout=5).json()

    kinds = {rel["type"]: rel["url"]["resource"] for rel in linked["relations"]}
    assert set(kinds) == {"social network", "soundcloud", "official homepage"}
    assert kinds["social network"].startswith("https://www.instagram.com/")
    assert unlinked["relations"] == []
