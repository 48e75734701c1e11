"""Auto mode switches only on the refusal it is meant for; a refused credential is a hold for
every process with that credential, lifted by a process with the fixed one. Real clients against
the sandbox (a stand-in answers the malformed JSON the sandbox never gives)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from discovery.clients.breakers import read_hold, read_refusal
from discovery.clients.genius import Genius
from discovery.clients.redis_pool import shared_redis
from discovery.clients.spotify import MODE_MEMORY_S, spotify_client
from discovery.exceptions import BadResponse, Unauthorized, UpstreamUnavailable
from tests.clients.conftest import ACCEPTED, api_requests, fault_seed


@pytest.fixture
def malformed_json_upstream() -> Iterator[str]:
    """An upstream answering 200 with a body that is not JSON, to every GET."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = b'{"artists": {"items": [tru'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1/"
    httpd.shutdown()
    httpd.server_close()


def test_a_500_from_a_paged_spotify_call_does_not_switch_auto_mode(server, make_settings):
    server.configure(fault_rate={"spotify": 1.0}, seed=fault_seed("spotify", 500))
    client = spotify_client(make_settings(spotify_quota_mode="auto"))

    with pytest.raises(UpstreamUnavailable):
        client.search_artists("nova")

    assert client.mode == "extended"


def test_malformed_json_from_a_paged_spotify_call_does_not_switch_auto_mode(
    server, make_settings, malformed_json_upstream
):
    client = spotify_client(
        make_settings(
            spotify_quota_mode="auto",
            spotify_api_url=malformed_json_upstream,
            spotify_token_url=server.url + "/spotify/api/token",
        )
    )

    with pytest.raises(BadResponse):
        client.artist_albums("nova")

    assert client.mode == "extended"


def test_the_batch_endpoints_403_still_switches_auto_mode_and_remembers_it_for_hours(server, make_settings, redis_url):
    client = spotify_client(make_settings(spotify_quota_mode="auto"))

    client.albums(["a01"])  # the sandbox's app is in development mode: albums?ids= answers 403

    assert client.mode == "development"
    remembered_s = shared_redis(redis_url).ttl("discovery:spotify:mode")
    assert 3600 <= remembered_s <= MODE_MEMORY_S <= 24 * 3600


def test_a_refused_genius_token_holds_genius_for_every_process_until_one_with_the_fixed_token_succeeds(
    server, make_settings, redis_url, caplog
):
    server.configure(credentials={**ACCEPTED, "genius": {"token": "the-right-token"}})
    wrong = Genius(make_settings(genius_access_token="a-typo"))

    # The first call is refused: Genius is held for everyone with that token, with one clear line
    with pytest.raises(Unauthorized) as refused:
        wrong.song(1)
    assert refused.value.retry_after_s == pytest.approx(60, abs=1)
    hold = read_hold(shared_redis(redis_url), "genius")
    assert hold is not None and hold.kind == "credential"
    assert "Genius refused the access token: check GENIUS_ACCESS_TOKEN" in caplog.text

    # A second process with the same token sends nothing while the hold lasts
    asked = api_requests(server, "genius")
    with pytest.raises(Unauthorized):
        Genius(make_settings(genius_access_token="a-typo")).song(2)
    assert api_requests(server, "genius") == asked

    # A process restarted with the fixed token is not held; its success lifts the hold
    fixed = Genius(make_settings(genius_access_token="the-right-token"))
    assert fixed.song(1)["id"] == 1
    assert read_hold(shared_redis(redis_url), "genius") is None


def test_a_refusal_stays_shown_until_its_recheck_is_answered_and_a_successful_recheck_clears_it(
    server, make_settings, redis_url
):
    # Given Genius refused the token for a 1 s hold, and the hold's time is up
    server.configure(credentials={**ACCEPTED, "genius": {"token": "the-right-token"}})
    client = Genius(make_settings(genius_access_token="a-typo", discovery_credential_recheck_s=1))
    with pytest.raises(Unauthorized):
        client.song(1)
    time.sleep(1.2)

    # Then nothing is held back any more, yet the refusal is still there for status to show
    broker = shared_redis(redis_url)
    assert read_hold(broker, "genius") is None
    refusal = read_refusal(broker, "genius")
    assert refusal is not None and refusal.remaining_s == 0

    # When the recheck is refused again, the refusal is renewed; when it succeeds, it is gone
    with pytest.raises(Unauthorized):
        client.song(1)
    assert read_hold(broker, "genius") is not None
    time.sleep(1.2)
    server.configure(credentials={**ACCEPTED, "genius": {"token": "a-typo"}})  # Genius takes it now
    assert client.song(1)["id"] == 1
    assert read_refusal(broker, "genius") is None


def test_an_unset_genius_token_is_a_credential_hold_not_a_message_problem(make_settings, redis_url):
    with pytest.raises(Unauthorized, match="GENIUS_ACCESS_TOKEN is not set"):
        Genius(make_settings(genius_access_token="")).search("anything")

    hold = read_hold(shared_redis(redis_url), "genius")
    assert hold is not None and hold.kind == "credential"


def test_refused_spotify_client_credentials_hold_spotify_and_stop_asking_the_token_endpoint(
    server, make_settings, redis_url
):
    wrong = spotify_client(make_settings(spotify_client_secret="not-the-secret"))

    with pytest.raises(Unauthorized, match="Spotify refused the client credentials"):
        wrong.artist("nova")
    token_requests = server.stats()["spotify"]["endpoints"]["token"]["requests"]
    hold = read_hold(shared_redis(redis_url), "spotify")
    assert hold is not None and hold.kind == "credential"

    with pytest.raises(Unauthorized):
        wrong.artist("guest")
    assert server.stats()["spotify"]["endpoints"]["token"]["requests"] == token_requests
