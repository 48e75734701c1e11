"""Rate windows, quotas, faults, hangs, latency, stats and the control endpoints, over HTTP."""

from __future__ import annotations

import time

import pytest
import requests

from tests.fixtures_sandbox import spotify_session
from tests.sandbox.catalogs import small_catalog

GENIUS = {"Authorization": "Bearer t"}


def genius_song(server, session=requests) -> requests.Response:
    return session.get(server.url + "/genius/songs/1", headers=GENIUS, timeout=5)


def test_the_rolling_window_answers_429_with_retry_after_until_it_frees(sandbox_factory):
    server = sandbox_factory(small_catalog(), rate={"spotify": (3, 1.0)})
    session = spotify_session(server)
    url = server.url + "/spotify/v1/artists/nova"

    served = [session.get(url).status_code for _ in range(3)]
    refused = session.get(url)
    time.sleep(int(refused.headers["Retry-After"]) + 0.05)
    again = session.get(url)

    assert served == [200, 200, 200]
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert refused.json() == {"error": {"status": 429, "message": "Too many requests"}}
    assert again.status_code == 200
    assert server.stats()["spotify"]["endpoints"]["artist"] == {
        "requests": 5,
        "429": 1,
        "faults": 0,
        "hangs": 0,
        "over_limit": 1,
        "refused": 0,
    }


def test_retry_after_is_the_whole_seconds_until_the_oldest_request_leaves(sandbox_factory):
    server = sandbox_factory(small_catalog(), rate={"genius": "2/30"})

    genius_song(server), genius_song(server)
    refused = genius_song(server)

    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert refused.json()["meta"]["status"] == 429


def test_the_quota_answers_quota_exceeded_with_a_long_retry_after(sandbox_factory):
    server = sandbox_factory(small_catalog(), quota={"spotify": 2})
    session = spotify_session(server)
    url = server.url + "/spotify/v1/artists/nova"

    served = [session.get(url).status_code for _ in range(2)]
    refused = session.get(url)

    assert served == [200, 200]
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "43200"
    assert refused.json() == {
        "error": {"status": 429, "message": "Too many requests", "reason": "QUOTA_EXCEEDED"}
    }
    server.reset()
    assert session.get(url).status_code == 200


def fault_statuses(server, count: int) -> list[int]:
    session = requests.Session()
    return [genius_song(server, session).status_code for _ in range(count)]


def test_faults_come_at_the_configured_rate_and_replay_with_the_seed(sandbox_factory):
    server = sandbox_factory(small_catalog(), fault_rate={"genius": 0.3}, seed=7)

    first = fault_statuses(server, 1000)
    server.reset()
    replay = fault_statuses(server, 1000)
    server.configure(seed=8)
    other_seed = fault_statuses(server, 1000)

    faults = [status for status in first if status != 200]
    assert 240 <= len(faults) <= 360  # 300 expected; 4 standard deviations is ±58
    assert set(faults) == {500, 502, 503}
    assert replay == first and other_seed != first
    assert server.stats()["genius"]["endpoints"]["song"]["faults"] == sum(
        status != 200 for status in replay + other_seed
    )


def test_hangs_come_at_the_configured_rate_and_close_without_an_answer(sandbox_factory):
    server = sandbox_factory(small_catalog(), hang_rate={"instagram": 0.2}, hang_s=0.05, seed=1)
    url = server.url + "/instagram/v1/user/by/username?username=gueststar"

    outcomes = []
    for _ in range(300):
        try:
            outcomes.append(requests.get(url, headers={"x-access-key": "k"}, timeout=2).status_code)
        except requests.ConnectionError:
            outcomes.append("hang")

    hangs = outcomes.count("hang")
    assert 35 <= hangs <= 85  # 60 expected
    assert set(outcomes) == {200, "hang"}
    assert server.stats()["instagram"]["endpoints"]["user"]["hangs"] == hangs


def test_a_hang_outlasts_a_client_timeout(sandbox_factory):
    server = sandbox_factory(small_catalog(), hang_rate={"genius": 1.0}, hang_s=5)

    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        requests.get(server.url + "/genius/songs/1", headers=GENIUS, timeout=0.3)

    assert time.monotonic() - started < 2


def test_latency_delays_every_answer(sandbox_factory):
    server = sandbox_factory(small_catalog(), latency_ms={"genius": 150})

    started = time.monotonic()
    assert genius_song(server).status_code == 200

    assert time.monotonic() - started >= 0.15


def test_stats_count_every_request_per_api_and_endpoint_including_refused_ones(sandbox_factory):
    server = sandbox_factory(small_catalog())
    session = spotify_session(server)
    session.get(server.url + "/spotify/v1/search?q=nova&type=artist")
    session.get(server.url + "/spotify/v1/albums?ids=a01")  # 403 in development mode
    requests.get(server.url + "/spotify/v1/artists/nova")  # 401
    requests.get(server.url + "/musicbrainz/ws/2/isrc/GBAAA2000001?fmt=json")

    stats = requests.get(server.url + "/_sandbox/stats").json()

    spotify = stats["spotify"]
    assert spotify["endpoints"]["token"]["requests"] == 1
    assert spotify["endpoints"]["search"]["requests"] == 1
    assert spotify["endpoints"]["several_albums"]["requests"] == 1
    assert spotify["endpoints"]["artist"]["requests"] == 1
    assert spotify["requests"] == 4
    assert stats["musicbrainz"]["endpoints"]["isrc"]["requests"] == 1
    assert stats["genius"]["requests"] == stats["instagram"]["requests"] == 0
    assert set(stats["genius"]["endpoints"]) >= {"search", "song", "artist"}


def test_the_control_endpoints_reset_and_configure_while_running(sandbox_factory):
    server = sandbox_factory(small_catalog())
    session = spotify_session(server)
    genius_song(server)

    configured = requests.post(
        server.url + "/_sandbox/config",
        json={"spotify_mode": "extended", "quota": {"genius": 0}, "rate": {"spotify": "100/30"}},
    )
    refused = requests.post(server.url + "/_sandbox/config", json={"no_such_knob": 1})
    requests.post(server.url + "/_sandbox/reset")

    assert configured.status_code == 200 and configured.json()["rate"] == {"spotify": [100, 30.0]}
    assert refused.status_code == 400 and "no_such_knob" in refused.json()["error"]
    assert server.stats()["genius"]["requests"] == 0
    assert session.get(server.url + "/spotify/v1/albums?ids=a01").status_code == 200
    assert genius_song(server).status_code == 429
