"""Only the project's errors leave a client, and no credential reaches a log line or the cache."""

from __future__ import annotations

import logging

import pytest
import redis

from discovery.clients.genius import Genius
from discovery.clients.instagram import Instagram
from discovery.clients.musicbrainz import MusicBrainz
from discovery.clients.spotify import TOKEN_KEY, Spotify
from discovery.exceptions import (
    BadResponse,
    DiscoveryError,
    NotFound,
    RateLimited,
    Unauthorized,
    UpstreamUnavailable,
)
from tests.clients.conftest import SECRETS

EXPECTED = {
    400: BadResponse,
    401: Unauthorized,
    403: Unauthorized,
    404: NotFound,
    429: RateLimited,
    500: UpstreamUnavailable,
    502: UpstreamUnavailable,
    503: UpstreamUnavailable,
    "hang": UpstreamUnavailable,
}
CALLS = {
    "spotify": (Spotify, lambda c: c.artist("someone")),
    "genius": (Genius, lambda c: c.song(1)),
    "musicbrainz": (MusicBrainz, lambda c: c.recording("rec-1")),
    "instagram": (Instagram, lambda c: c.profile("someone")),
}


@pytest.mark.parametrize("status", list(EXPECTED), ids=str)
@pytest.mark.parametrize("api", list(CALLS))
def test_every_failure_leaves_a_client_as_a_project_error(api, status, upstream, make_settings):
    cls, call = CALLS[api]
    client = cls(make_settings(), timeout_s=(1.0, 0.5), retries=0)
    if status == "hang":
        upstream.configure(hang_rate={api: 1.0}, hang_s=1.5)
    else:
        upstream.configure(force_status={api: status})

    if api == "instagram" and status == 404:
        assert call(client) is None  # no such user: an answer, not an error
        return
    with pytest.raises(DiscoveryError) as raised:
        call(client)

    assert isinstance(raised.value, EXPECTED[status]), repr(raised.value)


def test_an_unknown_profile_or_isrc_is_an_empty_answer(upstream, make_settings):
    settings = make_settings()

    assert Instagram(settings).profile("nobody-here") is None
    assert MusicBrainz(settings).recordings_by_isrc("MISSING0001") == []


def test_no_log_line_or_cache_entry_holds_a_secret_or_token(
    upstream, make_settings, redis_url, caplog
):
    caplog.set_level(logging.DEBUG)
    for name in (
        "urllib3",
        "requests",
        "spotipy",
        "spotipy.client",
        "spotipy.oauth2",
        "lyricsgenius",
    ):
        caplog.set_level(logging.DEBUG, logger=name)
    settings = make_settings()
    spotify, genius = Spotify(settings), Genius(settings)
    instagram, musicbrainz = Instagram(settings), MusicBrainz(settings)

    spotify.search_artists("secret keeper")
    spotify.albums(["x1", "x2"])
    spotify.tracks(["t1"])
    genius.search("a song")
    genius.song(5)
    musicbrainz.recordings_by_isrc("US0000001")
    instagram.profile("someone")
    upstream.configure(force_status={"spotify": 404, "genius": 500, "instagram": 401})
    for call in (
        lambda: spotify.artist("gone"),
        lambda: genius.song(6),
        lambda: instagram.profile("x"),
    ):
        with pytest.raises(DiscoveryError):
            call()

    client = redis.Redis.from_url(redis_url)
    token = client.get(TOKEN_KEY)
    assert token, "the shared token is in Redis, under its own key"
    access_token = __import__("json").loads(token)["access_token"]
    secrets = [*SECRETS.values(), access_token]
    secrets.remove(SECRETS["spotify_client_id"])  # an id is not a secret
    cached = 0
    for key in client.scan_iter():
        if key == TOKEN_KEY.encode():
            continue
        kind = client.type(key)
        values: list[bytes] = []
        if kind == b"string":
            values = [client.get(key) or b""]
        elif kind == b"hash":
            values = list(client.hgetall(key).values())
        elif kind == b"list":
            values = client.lrange(key, 0, -1)
        cached += key.startswith(b"discovery:http:")
        for value in values:
            for secret in secrets:
                assert secret.encode() not in value, f"{key!r} holds a secret"
    assert cached > 0
    for secret in secrets:
        assert secret not in caplog.text
    # spotipy did log its request headers; the credentials in them were masked
    assert "Sending GET" in caplog.text and "***" in caplog.text
