"""Spotify across processes: one token, one cache, one mode, one album store."""

from __future__ import annotations

from discovery.clients.spotify import spotify_client
from tests.clients.conftest import result_of, run_process, start_process

CALL_ARTIST = """
import json, sys
from discovery.clients.spotify import spotify_client
print(json.dumps(spotify_client().artist(sys.argv[1] if len(sys.argv) > 1 else "{artist}")))
"""


def test_two_processes_share_one_spotify_token(upstream, make_settings):
    settings = make_settings()
    processes = [
        start_process(settings, CALL_ARTIST.replace("{artist}", f"artist{n}")) for n in range(2)
    ]

    results = [result_of(p) for p in processes]

    assert [r["id"] for r in results] == ["artist0", "artist1"]
    assert upstream.stats()["spotify"]["token_requests"] == 1


def test_a_second_identical_request_from_another_process_comes_from_the_cache(
    upstream, make_settings
):
    settings = make_settings()
    run_process(settings, CALL_ARTIST.replace("{artist}", "cached1"))
    before = upstream.stats()["spotify"]["requests"]

    again = run_process(settings, CALL_ARTIST.replace("{artist}", "cached1"))

    assert again["id"] == "cached1"
    assert upstream.stats()["spotify"]["requests"] == before


def test_a_500_is_not_cached(upstream, make_settings):
    import pytest

    from discovery.exceptions import UpstreamUnavailable

    client = spotify_client(make_settings())
    upstream.configure(force_status={"spotify": 500})
    with pytest.raises(UpstreamUnavailable):
        client.artist("flaky1")
    upstream.configure(force_status={})
    before = upstream.stats()["spotify"]["requests"]

    assert client.artist("flaky1")["id"] == "flaky1"
    assert upstream.stats()["spotify"]["requests"] == before + 1


def test_auto_mode_switches_to_single_albums_after_a_403_and_still_answers(upstream, make_settings):
    upstream.configure(spotify_mode="development")
    client = spotify_client(make_settings(spotify_quota_mode="auto"))
    assert client.mode == "extended"

    albums = client.albums(["alb1", "alb2", "missing3"])

    assert [a["id"] for a in albums] == ["alb1", "alb2"]
    assert client.mode == "development" and client.page_size == 10
    other_process = run_process(
        make_settings(),
        """
        import json
        from discovery.clients.spotify import spotify_client
        print(json.dumps(spotify_client().mode))
        """,
    )
    assert other_process == "development"


def test_auto_mode_falls_back_to_pages_of_10_when_50_is_refused(upstream, make_settings):
    upstream.configure(spotify_mode="development")
    client = spotify_client(make_settings(spotify_quota_mode="auto"))

    page = client.artist_albums("artist1")

    assert page["limit"] == 10
    assert client.mode == "development"


def test_extended_mode_uses_batches_and_album_then_costs_no_request_in_any_process(
    upstream, make_settings
):
    upstream.configure(spotify_mode="extended")
    settings = make_settings(spotify_quota_mode="extended")
    client = spotify_client(settings)

    albums = client.albums([f"batch{n}" for n in range(25)])
    tracks = client.tracks([f"trk{n}" for n in range(60)])

    assert len(albums) == 25 and len(tracks) == 60
    assert tracks[0]["external_ids"]["isrc"]
    assert upstream.stats()["spotify"]["requests"] == 4  # 20 + 5 albums, 50 + 10 tracks
    album = run_process(
        settings,
        """
        import json
        from discovery.clients.spotify import spotify_client
        print(json.dumps(spotify_client().album("batch7")))
        """,
    )
    assert album["id"] == "batch7"
    assert upstream.stats()["spotify"]["requests"] == 4


def test_development_mode_albums_are_single_requests_cached_for_album(upstream, make_settings):
    upstream.configure(spotify_mode="development")
    client = spotify_client(make_settings(spotify_quota_mode="development"))

    client.albums(["dev1", "dev2"])
    before = upstream.stats()["spotify"]["requests"]
    album = client.album("dev2")

    assert album["id"] == "dev2"
    assert before == 2
    assert upstream.stats()["spotify"]["requests"] == 2
