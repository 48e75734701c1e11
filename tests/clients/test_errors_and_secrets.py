"""Only the project's errors leave a client, and no credential reaches a log line or the cache.

Each status comes from the sandbox over HTTP, produced by its knobs or its own rules, except the
four it cannot give that client (STAND_IN), which come from a one-status stand-in server."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis

from discovery.clients.genius import Genius
from discovery.clients.instagram import Instagram
from discovery.clients.musicbrainz import MusicBrainz
from discovery.clients.spotify import Spotify
from discovery.clients.spotify_token import TOKEN_KEY
from discovery.exceptions import (
    BadRequest,
    DiscoveryError,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    UpstreamUnavailable,
)
from discovery.sandbox.server import SandboxServer
from discovery.settings import Settings
from tests.clients.conftest import ACCEPTED, REFUSED, SECRETS, client_settings, fault_seed
from tests.clients.status_server import StatusServer

EXPECTED: dict[int | str, type[DiscoveryError]] = {
    400: BadRequest,
    # A refused credential holds the API for every process (a throttle, not the message's fault);
    # a 403 refuses one endpoint or object to a credential that works.
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    429: RateLimited,
    500: UpstreamUnavailable,
    502: UpstreamUnavailable,
    503: UpstreamUnavailable,
    "hang": UpstreamUnavailable,
}
CLIENTS: dict[str, Any] = {
    "spotify": Spotify,
    "genius": Genius,
    "musicbrainz": MusicBrainz,
    "instagram": Instagram,
}
RECORDING = "0b5d7a6e-2a6c-4c1e-9a50-6c0e2a9a7f01"
UNKNOWN_RECORDING = "00000000-0000-4000-8000-000000000000"
Call = Callable[[Any], Any]
# The call each case makes, unless its status needs another.
CALL: dict[str, Call] = {
    "spotify": lambda c: c.artist("nova"),
    "genius": lambda c: c.song(1),
    "musicbrainz": lambda c: c.recording(RECORDING),
    "instagram": lambda c: c.profile("gueststar"),
}
# Another URL of the same API: it fills a rate window of one request.
OTHER_CALL: dict[str, Call] = {
    "spotify": lambda c: c.artist("guest"),
    "genius": lambda c: c.song(2),
    "musicbrainz": lambda c: c.recordings_by_isrc("GBAAA2000001"),
    "instagram": lambda c: c.profile("nobody-here"),
}
NOT_FOUND_CALL: dict[str, Call] = {
    "spotify": lambda c: c.artist("nobody"),
    "genius": lambda c: c.song(999),
    "musicbrainz": lambda c: c.recording(UNKNOWN_RECORDING),
    "instagram": lambda c: c.profile("nobody-here"),
}
BAD_REQUEST_CALL: dict[str, Call] = {
    # A request the endpoint refuses as asked (a refused page size is not one: the client asks
    # again with 10; tests/clients/test_live_refusals.py).
    "spotify": lambda c: c.artist_albums("nova", include_groups="nonsense"),
    "musicbrainz": lambda c: c.recording("not-an-mbid"),
    "instagram": lambda c: c.profile(""),
}
STAND_IN = {("genius", 400), ("genius", 403), ("musicbrainz", 401), ("instagram", 403)}
HANG_S = 1.5
TIMEOUT_S = (1.0, 0.5)
URLLIB3_STATUS = re.compile(r'"[A-Z]+ \S+ HTTP/[\d.]+" (\d{3}) ')


def plant_revoked_token(redis_url: str) -> None:
    """Put a token the sandbox never issued where the shared token lives (a revoked token)."""
    token = {
        "access_token": "revoked-token",
        "token_type": "Bearer",
        "expires_in": 3600,
        "expires_at": int(time.time()) + 3600,
    }
    redis.Redis.from_url(redis_url).set(TOKEN_KEY, json.dumps(token))


def arrange(
    api: str, status: int | str, server: SandboxServer, make_settings: Callable[..., Settings]
) -> Callable[[], Any]:
    """Set the sandbox up so that the client's next call meets `status`; return that call."""
    mode = "extended" if api == "spotify" and status in (400, 403) else "auto"
    settings = make_settings(spotify_quota_mode=mode)
    client = CLIENTS[api](settings, timeout_s=TIMEOUT_S, retries=0)
    call = CALL[api]
    if status == 400:
        call = BAD_REQUEST_CALL[api]
    elif status == 401:
        server.configure(credentials=REFUSED)
        if api == "spotify":  # the API's 401 comes for a token it does not know
            plant_revoked_token(settings.redis_url)
    elif status == 403 and api == "spotify":
        call = lambda c: c.albums(["a01"])  # noqa: E731 - albums?ids= in development mode
    elif status == 403 and api == "musicbrainz":
        # MusicBrainz refuses a request without a User-Agent; our client always sends one.
        client._session.headers["User-Agent"] = ""
    elif status == 404:
        call = NOT_FOUND_CALL[api]
    elif status == 429:
        server.configure(rate={api: (1, 60)})
        OTHER_CALL[api](client)
    elif status == "hang":
        server.configure(hang_rate={api: 1.0}, hang_s=HANG_S)
    else:
        server.configure(fault_rate={api: 1.0}, seed=fault_seed(api, int(status)))
    return lambda: call(client)


def statuses_answered(caplog: pytest.LogCaptureFixture) -> list[int]:
    """The statuses upstream answered, from urllib3's debug lines."""
    found = (URLLIB3_STATUS.search(r.getMessage()) for r in caplog.records)
    return [int(match.group(1)) for match in found if match]


@pytest.fixture
def stand_in() -> Iterator[Callable[[int], StatusServer]]:
    started: list[StatusServer] = []

    def make(status: int) -> StatusServer:
        started.append(StatusServer(status).start())
        return started[-1]

    yield make
    for server in started:
        server.stop()


@pytest.mark.parametrize("status", list(EXPECTED), ids=str)
@pytest.mark.parametrize("api", list(CLIENTS))
def test_every_failure_leaves_a_client_as_a_project_error(
    api, status, server, make_settings, stand_in, redis_url, caplog
):
    caplog.set_level(logging.DEBUG, logger="urllib3")
    if (api, status) in STAND_IN:
        settings = client_settings(stand_in(status).url, redis_url)
        client = CLIENTS[api](settings, timeout_s=TIMEOUT_S, retries=0)
        when = lambda: CALL[api](client)  # noqa: E731
    else:
        when = arrange(api, status, server, make_settings)

    if api == "instagram" and status == 404:
        assert when() is None  # no such user: an answer, not an error
    else:
        with pytest.raises(DiscoveryError) as raised:
            when()
        assert isinstance(raised.value, EXPECTED[status]), repr(raised.value)

    if status == "hang":
        assert server.stats()[api]["hangs"] == 1
    else:
        assert status in statuses_answered(caplog), "the upstream never answered that status"


def test_an_unknown_profile_or_isrc_is_an_empty_answer(make_settings):
    settings = make_settings()

    assert Instagram(settings).profile("nobody-here") is None
    assert MusicBrainz(settings).recordings_by_isrc("GBZZZ0000000") == []


def test_no_log_line_or_cache_entry_holds_a_secret_or_token(
    server, make_settings, redis_url, caplog
):
    # Given every library's debug logging on
    caplog.set_level(logging.DEBUG)
    for name in ("urllib3", "requests", "spotipy", "spotipy.client", "spotipy.oauth2"):
        caplog.set_level(logging.DEBUG, logger=name)
    settings = make_settings()
    spotify, genius = Spotify(settings), Genius(settings)
    instagram, musicbrainz = Instagram(settings), MusicBrainz(settings)

    # When every client succeeds and fails against the sandbox
    spotify.search_artists("nova")
    spotify.albums(["a01", "a02"])  # a 403 on albums?ids=, then one by one
    spotify.tracks(["a01t1"])
    genius.search("Duet")
    genius.song(1)
    musicbrainz.recordings_by_isrc("GBAAA2000001")
    musicbrainz.recording(RECORDING)
    instagram.profile("gueststar")
    server.configure(
        fault_rate={"genius": 1.0},
        seed=fault_seed("genius", 500),
        credentials={**ACCEPTED, "instagram": REFUSED["instagram"]},
    )
    for call in (
        lambda: spotify.artist("nobody"),
        lambda: Genius(settings, retries=0).song(3),
        lambda: instagram.profile("someone"),
    ):
        with pytest.raises(DiscoveryError):
            call()

    # Then neither Redis nor the log holds a secret or the token
    client = redis.Redis.from_url(redis_url)
    token = client.get(TOKEN_KEY)
    assert token, "the shared token is in Redis, under its own key"
    secrets = [*SECRETS.values(), json.loads(token)["access_token"]]
    secrets.remove(SECRETS["spotify_client_id"])  # an id is not a secret
    cached = 0
    cache = redis.Redis.from_url(settings.cache_url())
    everything = [(client, key) for key in client.scan_iter()] + [(cache, key) for key in cache.scan_iter()]
    for client, key in everything:  # noqa: B007 - the broker's keys, then the cache's
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
