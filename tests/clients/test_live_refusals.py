"""The clients against the live APIs' 2026 behaviour (the sandbox's knobs): a refusal of the whole
service is a cluster-wide hold with its reason that sends nothing more until its recheck; a
MusicBrainz 503 with Retry-After is a rate hold, not a retry; a refused page size or a missing
market is fixed in the client; the real MusicBrainz is never called without a contact; a token
lock that cannot be had is a throttle."""

from __future__ import annotations

import time

import pytest
import redis

from discovery.clients import spotify_token
from discovery.clients.breakers import stored_hold
from discovery.clients.genius import Genius
from discovery.clients.musicbrainz import MusicBrainz, contact_problem
from discovery.clients.spotify import Spotify
from discovery.exceptions import Forbidden, RateLimited, ServiceRefused, Throttled, Unauthorized

pytestmark = pytest.mark.integration

RECORDING = "0b5d7a6e-2a6c-4c1e-9a50-6c0e2a9a7f01"  # the small catalog's MusicBrainz recording
OTHER = "0b5d7a6e-2a6c-4c1e-9a50-6c0e2a9a7f0{}"


def test_spotifys_premium_403_holds_spotify_with_its_reason_until_a_recheck_succeeds(server, make_settings, redis_url):
    # Given Spotify answers every call with the Premium 403
    client = Spotify(make_settings(spotify_quota_mode="development", discovery_credential_recheck_s=1))
    server.configure(spotify_premium_required=True)

    # When two calls are made
    with pytest.raises(ServiceRefused) as first:
        client.artist("nova")
    with pytest.raises(ServiceRefused) as second:
        client.artist("nova")

    # Then the first was refused and held Spotify with the reason; the second sent nothing
    assert isinstance(first.value, Throttled) and first.value.retry_after_s == 1
    hold = stored_hold(redis.Redis.from_url(redis_url), "spotify")
    assert hold is not None and hold.kind == "refused" and "Active premium subscription required" in hold.reason
    assert "held" in str(second.value)
    assert server.stats()["spotify"]["refused"] == 1

    # And once Spotify answers again, the first call after the recheck succeeds and clears it
    server.configure(spotify_premium_required=False)
    time.sleep(1.1)
    assert client.artist("nova")["name"] == "Nova Kid"
    assert stored_hold(redis.Redis.from_url(redis_url), "spotify") is None


def test_a_cloudflare_challenge_from_genius_holds_genius_naming_it(server, make_settings, redis_url):
    server.configure(genius_cloudflare=True)

    with pytest.raises(ServiceRefused):
        Genius(make_settings()).song(1)

    hold = stored_hold(redis.Redis.from_url(redis_url), "genius")
    assert hold is not None and hold.kind == "refused" and "Cloudflare challenge" in hold.reason


def test_a_403_on_one_endpoint_is_that_calls_error_and_holds_nothing(server, make_settings, redis_url):
    # A batch endpoint in Development Mode: the credential works, this call is refused
    with pytest.raises(Forbidden):
        Spotify(make_settings(spotify_quota_mode="extended")).albums(["a01"])

    assert stored_hold(redis.Redis.from_url(redis_url), "spotify") is None


def test_a_musicbrainz_503_with_retry_after_holds_musicbrainz_and_is_not_retried(server, make_settings, redis_url):
    # Given MusicBrainz at 1 request/s answering 503 above it, and a limiter of ours that lets more through
    server.configure(rate={"musicbrainz": "1/1"}, rate_status={"musicbrainz": 503})
    client = MusicBrainz(make_settings())

    # When three calls come at once (three recordings: the HTTP cache would answer a repeat)
    client.recording(RECORDING)
    with pytest.raises(RateLimited) as refused:
        client.recording(OTHER.format(2))
    with pytest.raises(RateLimited):
        client.recording(OTHER.format(3))

    # Then one 503 was answered (no retry in the next slot, nothing sent while held)
    counted = server.stats()["musicbrainz"]
    assert counted["over_limit"] == 1 and counted["requests"] == 2
    assert refused.value.retry_after_s == 1
    hold = stored_hold(redis.Redis.from_url(redis_url), "musicbrainz")
    assert hold is not None and hold.kind == "rate" and "503 with Retry-After 1s" in hold.reason


def test_market_duplicates_give_one_album(server, make_settings):
    server.configure(market_duplicates=True)

    page = Spotify(make_settings(spotify_quota_mode="development")).artist_albums("nova", include_groups="single")

    assert [album["id"] for album in page["items"]] == ["single1"]


def test_a_refused_album_page_of_50_is_asked_again_with_10_and_remembered_not_read_as_a_mode(server, make_settings):
    # Given an extended-mode app whose artist-albums endpoint refuses pages above 10
    server.configure(spotify_mode="extended", album_page_max=10)
    client = Spotify(make_settings(spotify_quota_mode="extended"))

    # When it lists an artist's albums twice
    first, second = client.artist_albums("nova"), client.artist_albums("nova", offset=10)

    # Then the refused page of 50 was asked again with 10 once, the next call asked 10 at once,
    # and the app is still in extended mode
    assert first["limit"] == 10 and first["total"] == 13 and len(second["items"]) == 3
    assert server.stats()["spotify"]["endpoints"]["artist_albums"]["requests"] == 3
    assert client.page_size("artist_albums") == 10 and client.mode == "extended"


@pytest.mark.parametrize("contact", ["", "discovery@example.org", "just a name"])
def test_the_real_musicbrainz_is_never_called_without_a_real_contact(make_settings, redis_url, contact):
    settings = make_settings(musicbrainz_api_url="https://musicbrainz.org/ws/2/", musicbrainz_contact=contact)

    with pytest.raises(Unauthorized) as refused:
        MusicBrainz(settings).recording(RECORDING)

    assert "MUSICBRAINZ_CONTACT" in str(refused.value) and "\n" not in str(refused.value)
    hold = stored_hold(redis.Redis.from_url(redis_url), "musicbrainz")
    assert hold is not None and hold.kind == "credential"


def test_a_contact_is_needed_only_by_the_real_musicbrainz():
    assert contact_problem("", "http://127.0.0.1:8765/musicbrainz/ws/2/") is None
    assert contact_problem("ops@label.fm", "https://musicbrainz.org/ws/2/") is None
    assert contact_problem("https://label.fm/contact", "https://beta.musicbrainz.org/ws/2/") is None
    assert contact_problem("x@example.com", "https://musicbrainz.org/ws/2/") is not None


def test_a_token_lock_that_cannot_be_had_is_a_throttle_not_a_failure(server, make_settings, redis_url, monkeypatch):
    # Given another process holds the token lock longer than we wait for it, and no token is cached
    monkeypatch.setattr(spotify_token, "TOKEN_LOCK_TIMEOUT_S", 0.2)
    client = redis.Redis.from_url(redis_url)
    client.delete(spotify_token.TOKEN_KEY)
    held = client.lock(spotify_token.TOKEN_LOCK_KEY, timeout=10)
    assert held.acquire(blocking=False)
    try:
        # When a call needs the token
        with pytest.raises(RateLimited) as waited:
            Spotify(make_settings(spotify_quota_mode="development")).artist("nova")
    finally:
        held.release()

    # Then it is throttled (the message waits without spending an attempt), not an error
    assert waited.value.retry_after_s == spotify_token.TOKEN_LOCK_RETRY_S


def test_the_premium_403_on_a_batch_endpoint_is_no_verdict_on_the_quota_mode(server, make_settings):
    # Given an auto-mode client (extended: batch endpoints) and Spotify refusing the app
    client = Spotify(make_settings(spotify_quota_mode="auto"))
    server.configure(spotify_premium_required=True)

    # When it asks for albums in a batch
    with pytest.raises(ServiceRefused):
        client.albums(["a01", "a02"])

    # Then the refusal is a hold, not a switch to development mode
    assert client.mode == "extended"
