"""Quotas, breakers, retries and the shared rate limit, against the emulated upstream."""

from __future__ import annotations

import time

import pytest

from discovery.clients.breakers import BreakerPolicy, open_breakers
from discovery.clients.genius import Genius
from discovery.clients.spotify import Spotify
from discovery.exceptions import QuotaExhausted, UpstreamUnavailable
from tests.clients.conftest import result_of, run_process, start_process


def test_quota_exceeded_opens_the_spotify_breaker_for_every_process_until_the_reset(
    upstream, make_settings
):
    # Given a quota of 2 requests whose 429 says: come back in 3 s (43200 s in real life)
    upstream.configure(quota={"spotify": 2}, quota_retry_after_s=3)
    settings = make_settings()
    client = Spotify(settings)
    client.artist("q1")
    client.artist("q2")

    # When the third request meets QUOTA_EXCEEDED
    with pytest.raises(QuotaExhausted) as raised:
        client.artist("q3")

    # Then every process sees the breaker open and sends nothing until the reset
    assert 2 < raised.value.retry_after_s <= 3
    assert 0 < open_breakers(["spotify", "genius"], redis_url=settings.redis_url)["spotify"] <= 3
    sent = upstream.stats()["spotify"]["requests"]
    elsewhere = run_process(
        settings,
        """
        import json
        from discovery.clients.breakers import open_breakers
        from discovery.clients.spotify import spotify_client
        from discovery.exceptions import QuotaExhausted
        try:
            spotify_client().artist("q4")
            print(json.dumps("served"))
        except QuotaExhausted as error:
            print(json.dumps(["QuotaExhausted", round(error.retry_after_s), list(open_breakers(["spotify"]))]))
        """,
    )
    assert elsewhere[0] == "QuotaExhausted" and elsewhere[2] == ["spotify"]
    assert upstream.stats()["spotify"]["requests"] == sent

    # And after the reset the breaker lets a call through and closes
    upstream.configure(quota={})
    time.sleep(raised.value.until - time.time() + 0.1)
    assert open_breakers(["spotify"], redis_url=settings.redis_url) == {}
    assert client.artist("q5")["id"] == "q5"
    assert client._session.breaker.state == "closed"


def test_with_30_percent_faults_every_genius_call_eventually_succeeds(upstream, make_settings):
    upstream.configure(fault_rate={"genius": 0.3}, seed=7)
    client = Genius(make_settings())
    attempts = []

    for song_id in range(1, 41):
        for attempt in range(1, 6):  # what the worker does: give the message back, try later
            try:
                assert client.song(song_id)["id"] == song_id
                attempts.append(attempt)
                break
            except UpstreamUnavailable:
                continue
        else:
            pytest.fail(f"song {song_id} never succeeded")

    assert upstream.stats()["genius"]["faults"] > 0
    assert len(attempts) == 40


def test_with_the_genius_breaker_open_no_request_reaches_the_upstream(upstream, make_settings):
    settings = make_settings()
    client = Genius(settings, retries=0, breaker_policy=BreakerPolicy(fail_max=3, reset_s=60))
    upstream.configure(fault_rate={"genius": 1.0})
    for song_id in range(3):
        with pytest.raises(UpstreamUnavailable):
            client.song(song_id)
    sent = upstream.stats()["genius"]["requests"]
    upstream.configure(fault_rate={})

    with pytest.raises(UpstreamUnavailable) as raised:
        client.song(99)
    in_another_process = run_process(
        settings,
        """
        import json
        from discovery.clients.genius import genius_client
        from discovery.exceptions import UpstreamUnavailable
        try:
            genius_client().song(100)
            print(json.dumps("served"))
        except UpstreamUnavailable:
            print(json.dumps("refused"))
        """,
    )

    assert in_another_process == "refused"
    assert raised.value.retry_after_s and raised.value.retry_after_s > 50
    assert upstream.stats()["genius"]["requests"] == sent
    assert 50 < open_breakers(["genius"], redis_url=settings.redis_url)["genius"] <= 60


HAMMER = """
import json, sys, time, uuid
from discovery.clients.spotify import spotify_client
from discovery.exceptions import RateLimited
start, stop = float(sys.argv[1]), float(sys.argv[2])
client = spotify_client()
client.mode  # connect before the start line
time.sleep(max(start - time.time(), 0))
served = refused = 0
while time.time() < stop:
    try:
        client.search_artists("hammer " + uuid.uuid4().hex)
        served += 1
    except RateLimited as error:
        refused += 1
        time.sleep(min(error.retry_after_s, 0.5))  # the worker gives its message back
print(json.dumps([served, refused]))
"""


def test_four_processes_share_the_rate_limit_without_429s(upstream, make_settings):
    # 20 requests per 3 s stands in for Spotify's 100 per 30 s (same shape, ten times faster)
    requests_per_window, window_s, duration_s = 20, 3, 15.0
    upstream.configure(
        spotify_mode="development", rate={"spotify": (requests_per_window, window_s)}
    )
    settings = make_settings(
        spotify_quota_mode="development",
        discovery_rate_limits=f"spotify={requests_per_window}/{window_s}",
    )
    start = time.time() + 4.0
    processes = []
    for _ in range(4):
        code = HAMMER.replace("float(sys.argv[1])", repr(start)).replace(
            "float(sys.argv[2])", repr(start + duration_s)
        )
        processes.append(start_process(settings, code))

    results = [result_of(p, timeout_s=60) for p in processes]

    stats = upstream.stats()["spotify"]
    share_429 = stats.get("429s", 0) / stats["requests"]
    used = stats["served"] / (requests_per_window * duration_s / window_s)
    print(f"429 share {share_429:.2%}, rate used {used:.0%}, per process {results}")
    assert share_429 <= 0.01
    assert used >= 0.80
