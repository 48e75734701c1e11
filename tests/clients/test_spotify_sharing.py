"""Spotify across processes, against the sandbox: one token, one cache, one mode, one album store."""

from __future__ import annotations

import pytest

from discovery.clients.spotify import Spotify, spotify_client
from discovery.exceptions import UpstreamUnavailable
from tests.clients.conftest import (
    READY_THEN_WAIT,
    endpoint_requests,
    fault_seed,
    release,
    result_of,
    run_process,
    start_process,
    wait_until_ready,
)

READY_ARTIST = (
    """
from discovery.clients.spotify import spotify_client
client = spotify_client()
"""
    + READY_THEN_WAIT
    + """
print(json.dumps(client.artist("{artist}")))
"""
)
CALL_ARTIST = """
import json
from discovery.clients.spotify import spotify_client
print(json.dumps(spotify_client().artist("{artist}")))
"""


def test_two_processes_share_one_spotify_token(server, make_settings):
    # Given two processes with their clients built and no token anywhere yet
    settings = make_settings()
    processes = [
        start_process(settings, READY_ARTIST.replace("{artist}", artist))
        for artist in ("nova", "guest")
    ]
    wait_until_ready(processes)

    # When both call Spotify at the same moment
    release(processes)
    results = [result_of(p) for p in processes]

    # Then both are served, with the one token the sandbox issued
    assert [r["id"] for r in results] == ["nova", "guest"]
    assert endpoint_requests(server, "spotify", "token") == 1
    assert endpoint_requests(server, "spotify", "artist") == 2


def test_a_second_identical_request_from_another_process_comes_from_the_cache(
    server, make_settings
):
    settings = make_settings()
    first = run_process(settings, CALL_ARTIST.replace("{artist}", "nova"))
    before = server.stats()

    again = run_process(settings, CALL_ARTIST.replace("{artist}", "nova"))

    assert again == first
    assert server.stats() == before, "the sandbox saw the second request"


def test_a_500_is_not_cached(server, make_settings):
    # Given a Spotify that answers 500 to the first request for an artist
    client = Spotify(make_settings(), retries=0)
    server.configure(fault_rate={"spotify": 1.0}, seed=fault_seed("spotify", 500))
    with pytest.raises(UpstreamUnavailable):
        client.artist("nova")
    assert server.stats()["spotify"]["faults"] == 1
    server.configure(fault_rate={})
    before = endpoint_requests(server, "spotify", "artist")

    # When the same request is made again, then again
    served = client.artist("nova")
    after_second = endpoint_requests(server, "spotify", "artist")
    client.artist("nova")

    # Then the second asks the sandbox (the 500 was not kept); the third does not (the 200 was)
    assert served["id"] == "nova"
    assert after_second == before + 1
    assert endpoint_requests(server, "spotify", "artist") == after_second


def test_auto_mode_switches_to_single_albums_after_the_sandboxs_403_and_the_call_succeeds(
    server, make_settings
):
    # Given an app in Development Mode (the sandbox's default) and a client in auto mode
    settings = make_settings(spotify_quota_mode="auto")
    client = spotify_client(settings)
    assert client.mode == "extended"

    # When it asks for albums, one of them unknown
    albums = client.albums(["a01", "a02", "nosuchalbum"])

    # Then albums?ids= was refused once, the albums came one by one, and the cluster remembers
    assert [a["id"] for a in albums] == ["a01", "a02"]
    assert endpoint_requests(server, "spotify", "several_albums") == 1
    assert endpoint_requests(server, "spotify", "album") == 3
    assert client.mode == "development" and client.page_size("search") == 10
    in_another_process = run_process(
        settings,
        """
        import json
        from discovery.clients.spotify import spotify_client
        client = spotify_client()
        print(json.dumps([client.mode, [a["id"] for a in client.albums(["a03"])]]))
        """,
    )
    assert in_another_process == ["development", ["a03"]]
    assert endpoint_requests(server, "spotify", "several_albums") == 1


def test_a_refused_page_size_is_asked_again_with_10_and_is_no_mode_change(server, make_settings):
    # Given an auto-mode client (extended: search pages of 50) and an app in Development Mode
    client = spotify_client(make_settings(spotify_quota_mode="auto"))

    # When it searches for two names
    first = client.search_artists("nova")
    second = client.search_artists("kid")

    # Then the page of 50 was refused once (400 "Invalid limit"), asked again with 10, and the
    # second search asked 10 at once; the quota mode did not move
    assert first and second is not None
    assert endpoint_requests(server, "spotify", "search") == 3
    assert client.page_size("search") == 10
    assert client.mode == "extended"


def test_artist_albums_are_asked_in_pages_of_10_in_development_mode_and_50_in_extended(server, make_settings):
    server.configure(spotify_mode="extended")
    for mode, size in (("extended", 50), ("development", 10)):
        page = spotify_client(make_settings(spotify_quota_mode=mode)).artist_albums("nova")

        assert page["limit"] == size and len(page["items"]) == min(size, 13) and page["total"] == 13


def test_extended_mode_uses_batches_and_album_then_costs_no_request_in_any_process(
    server, make_settings
):
    # Given an app with Extended Quota Mode
    server.configure(spotify_mode="extended")
    settings = make_settings(spotify_quota_mode="extended")
    client = spotify_client(settings)
    album_ids = ["long", *(f"a{n:02}" for n in range(1, 12)), "single1", "comp1", "guestalbum"]

    # When it asks for 15 albums and 6 unknown ones, and for 60 tracks
    albums = client.albums(album_ids + [f"unknown{n}" for n in range(6)])
    tracks = client.tracks([f"longt{n}" for n in range(1, 61)])

    # Then 20 + 1 albums and 50 + 10 tracks a call, and album() costs nothing anywhere
    assert [a["id"] for a in albums] == album_ids
    assert len(tracks) == 60 and tracks[0]["album"]["id"] == "long"
    assert endpoint_requests(server, "spotify", "several_albums") == 2
    assert endpoint_requests(server, "spotify", "several_tracks") == 2
    album = run_process(
        settings,
        """
        import json
        from discovery.clients.spotify import spotify_client
        print(json.dumps(spotify_client().album("a07")))
        """,
    )
    assert album["id"] == "a07" and album["name"] == "Record 7"
    assert endpoint_requests(server, "spotify", "album") == 0


def test_development_mode_asks_albums_one_by_one_and_remembers_them(server, make_settings):
    client = spotify_client(make_settings(spotify_quota_mode="development"))

    client.albums(["a01", "a02"])
    album = client.album("a02")

    assert album["id"] == "a02"
    assert endpoint_requests(server, "spotify", "album") == 2
    assert endpoint_requests(server, "spotify", "several_albums") == 0
