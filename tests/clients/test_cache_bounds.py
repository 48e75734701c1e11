"""The HTTP cache: on a Redis apart from the broker, each Spotify object cached once and slimmed,
expiries per endpoint from settings."""

from __future__ import annotations

import pytest
import redis

from discovery.clients.cache import DEFAULT_TTLS_S, parse_ttls
from discovery.clients.genius import Genius
from discovery.clients.spotify import spotify_client
from discovery.clients.spotify_token import TOKEN_KEY
from discovery.exceptions import ConfigurationError
from tests.clients.conftest import endpoint_requests


def keys(url: str) -> list[bytes]:
    return sorted(redis.Redis.from_url(url).scan_iter())


def values(url: str) -> list[bytes]:
    client = redis.Redis.from_url(url)
    found = []
    for key in client.scan_iter():
        if client.type(key) == b"string":
            found.append(client.get(key) or b"")
        elif client.type(key) == b"hash":
            found.extend(client.hgetall(key).values())
    return found


def test_the_cache_lives_apart_from_the_broker(server, make_settings, redis_url):
    # Given clients whose settings name no DISCOVERY_CACHE_URL
    settings = make_settings()
    assert settings.cache_url() != settings.redis_url

    # When they call the APIs
    spotify_client(settings).search_artists("nova")
    Genius(settings).search("Duet")

    # Then every cached response is in the cache's database, none in the broker's
    broker, cache = keys(redis_url), keys(settings.cache_url())
    assert [k for k in cache if k.startswith(b"discovery:http:spotify")]
    assert [k for k in cache if k.startswith(b"discovery:http:genius")]
    assert not [k for k in broker if k.startswith(b"discovery:http:")]
    # And what must never be evicted stays with the broker
    assert TOKEN_KEY.encode() in broker and TOKEN_KEY.encode() not in cache


def test_each_album_and_track_is_cached_once_and_without_available_markets(server, make_settings):
    # Given an app with Extended Quota Mode, asking for albums and tracks in batches
    server.configure(spotify_mode="extended")
    settings = make_settings(spotify_quota_mode="extended")
    client = spotify_client(settings)

    albums = client.albums(["a01", "a02", "a03"])
    tracks = client.tracks(["a01t1", "a01t2"])

    # Then the cache holds one key per object and no copy of the batch responses
    cache = keys(settings.cache_url())
    assert [k for k in cache if k.startswith(b"discovery:spotify:album:")] == [
        b"discovery:spotify:album:a01",
        b"discovery:spotify:album:a02",
        b"discovery:spotify:album:a03",
    ]
    assert len([k for k in cache if k.startswith(b"discovery:spotify:track:")]) == 2
    assert not [k for k in cache if k.startswith(b"discovery:http:spotify")], "batch responses cached too"
    # And nothing stored carries available_markets, while what workers read is there
    assert albums[0]["available_markets"] == ["GB", "US"]  # the live answer is untouched
    stored = values(settings.cache_url())
    assert stored and not [v for v in stored if b"available_markets" in v]
    again = client.album("a02")
    assert again["name"] == albums[1]["name"] and again["tracks"]["items"][0]["id"] == "a02t1"
    assert "available_markets" not in again
    assert endpoint_requests(server, "spotify", "album") == 0
    assert tracks[0]["id"] == "a01t1"


def test_paged_responses_are_stored_slimmed_and_still_answer_from_the_cache(server, make_settings):
    # Extended Quota Mode: Development Mode no longer gives available_markets on simplified tracks.
    server.configure(spotify_mode="extended")
    settings = make_settings(spotify_quota_mode="development")
    client = spotify_client(settings)

    first = client.album_tracks("a01")
    before = endpoint_requests(server, "spotify", "album_tracks")
    second = client.album_tracks("a01")

    assert endpoint_requests(server, "spotify", "album_tracks") == before, "answered by the sandbox"
    assert [t["id"] for t in second["items"]] == [t["id"] for t in first["items"]]
    assert "available_markets" in first["items"][0] and "available_markets" not in second["items"][0]


def test_cache_expiries_are_settings_per_endpoint(server, make_settings):
    # Given Genius answers never cached, and album objects kept one hour
    settings = make_settings(
        spotify_quota_mode="development", discovery_cache_ttls="genius=0,spotify.objects=3600"
    )
    genius = Genius(settings)

    genius.song(1)
    genius.song(1)
    spotify_client(settings).album("a01")

    # Then Genius was asked twice, and the album's key expires within the hour
    assert endpoint_requests(server, "genius", "song") == 2
    ttl = redis.Redis.from_url(settings.cache_url()).ttl("discovery:spotify:album:a01")
    assert 3500 < ttl <= 3600


def test_unknown_endpoints_or_bad_values_in_the_cache_ttls_are_refused():
    assert parse_ttls("") == DEFAULT_TTLS_S
    assert parse_ttls("spotify.search=60")["spotify.search"] == 60
    with pytest.raises(ConfigurationError, match="unknown endpoint 'spotify.albumz'"):
        parse_ttls("spotify.albumz=60")
    with pytest.raises(ConfigurationError, match="not whole seconds"):
        parse_ttls("genius=soon")
