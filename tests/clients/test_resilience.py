"""Quotas, breakers, retries and the shared rate limit, against the sandbox, across processes."""

from __future__ import annotations

import math
import time

import pytest
import redis
import requests

from discovery.clients.breakers import BreakerPolicy, breaker_state, open_breakers, read_hold
from discovery.clients.genius import Genius
from discovery.clients.spotify import Spotify
from discovery.exceptions import QuotaExhausted, RateLimited, UpstreamUnavailable
from tests.clients.conftest import (
    READY_THEN_WAIT,
    SECRETS,
    api_requests,
    release,
    result_of,
    run_process,
    start_process,
    wait_until_ready,
)

QUOTA_RETRY_AFTER_S = 3  # 43200 (twelve hours) in the sandbox's default, as in real life

REFUSED_SPOTIFY_CALL = (
    """
from discovery.clients.breakers import open_breakers
from discovery.clients.spotify import spotify_client
from discovery.exceptions import QuotaExhausted
client = spotify_client()
"""
    + READY_THEN_WAIT
    + """
try:
    print(json.dumps(["served", client.artist("other")["id"]]))
except QuotaExhausted as error:
    print(json.dumps(["QuotaExhausted", error.retry_after_s, list(open_breakers(["spotify"]))]))
"""
)


def test_quota_exceeded_opens_the_spotify_breaker_for_every_process_until_the_retry_after(
    server, make_settings
):
    # Given a quota of 2 requests, whose 429 says: come back in 3 s; and two other processes ready
    server.configure(quota={"spotify": 2}, quota_retry_after_s=QUOTA_RETRY_AFTER_S)
    settings = make_settings()
    others = [start_process(settings, REFUSED_SPOTIFY_CALL) for _ in range(2)]
    wait_until_ready(others)
    client = Spotify(settings)
    client.artist("nova")
    client.artist("guest")

    # When the third request meets QUOTA_EXCEEDED
    with pytest.raises(QuotaExhausted) as raised:
        client.artist("NOVA")
    sent = api_requests(server, "spotify")

    # Then every process finds the breaker open and sends nothing until the Retry-After
    release(others)
    refused = [result_of(p) for p in others]
    assert [r[0] for r in refused] == ["QuotaExhausted", "QuotaExhausted"]
    assert all(0 < r[1] <= QUOTA_RETRY_AFTER_S and r[2] == ["spotify"] for r in refused)
    assert 0 < raised.value.retry_after_s <= QUOTA_RETRY_AFTER_S
    with pytest.raises(QuotaExhausted):
        client.artist("NOVA")
    assert api_requests(server, "spotify") == sent == 3
    assert server.stats()["spotify"]["429"] == 1

    # And once the Retry-After has passed (and the sandbox's quota with it) the breaker closes
    time.sleep(max(raised.value.until - time.time(), 0) + 0.1)
    server.configure(quota={})
    assert open_breakers(["spotify"], redis_url=settings.redis_url) == {}
    served = run_process(
        settings,
        """
        import json
        from discovery.clients.spotify import spotify_client
        client = spotify_client()
        print(json.dumps([client.artist("other")["id"], client._session.breaker.state]))
        """,
    )
    assert served == ["other", "closed"]
    assert client.artist("NOVA")["id"] == "NOVA"


def test_with_30_percent_genius_faults_every_call_eventually_succeeds_through_retries(
    server, make_settings
):
    # Given a Genius that fails three requests in ten (500, 502 or 503; seeded, so it replays)
    server.configure(fault_rate={"genius": 0.3}, seed=7)
    client = Genius(make_settings())  # three retries with backoff and jitter on 5xx
    calls = [lambda n=n: client.search(f"Duet take {n}") for n in range(40)]
    calls += [lambda n=n: client.song(n) for n in range(1, 5)]

    # When 40 searches and 4 songs are asked, once each
    answers = [call() for call in calls]

    # Then every one succeeded, though the sandbox failed many of the requests
    stats = server.stats()["genius"]
    print(f"genius at fault rate 0.3: {stats['requests']} requests, {stats['faults']} failed")
    assert len(answers) == 44 and all(answers)
    assert stats["faults"] >= 10
    assert stats["requests"] - stats["faults"] == 44


BREAKER_REFUSED_CALL = """
import json
from discovery.clients.genius import genius_client
from discovery.exceptions import UpstreamUnavailable
try:
    genius_client().song(3)
    print(json.dumps("served"))
except UpstreamUnavailable:
    print(json.dumps("refused"))
"""


def test_with_the_genius_breaker_open_no_request_reaches_the_sandbox(server, make_settings):
    # Given three failures in a row, which open the Genius breaker for 60 s
    settings = make_settings()
    client = Genius(settings, retries=0, breaker_policy=BreakerPolicy(fail_max=3, reset_s=60))
    server.configure(fault_rate={"genius": 1.0})
    for song_id in (1, 2, 3):
        with pytest.raises(UpstreamUnavailable):
            client.song(song_id)
    sent = server.stats()["genius"]["requests"]
    server.configure(fault_rate={})

    # When this process and two others call Genius
    with pytest.raises(UpstreamUnavailable) as raised:
        client.song(4)
    elsewhere = [start_process(settings, BREAKER_REFUSED_CALL) for _ in range(2)]

    # Then all are refused, and the sandbox saw nothing more
    assert [result_of(p) for p in elsewhere] == ["refused", "refused"]
    assert raised.value.retry_after_s and raised.value.retry_after_s > 50
    assert server.stats()["genius"]["requests"] == sent == 3
    assert 50 < open_breakers(["genius"], redis_url=settings.redis_url)["genius"] <= 60


def test_a_429_met_by_the_half_open_trial_holds_for_its_retry_after_and_does_not_reopen_the_breaker(
    server, make_settings
):
    # Given the Genius breaker opened by a fault, for 3 s, and a rate window of 1 request a second
    # that another client has just used
    settings = make_settings()
    client = Genius(settings, retries=0, breaker_policy=BreakerPolicy(fail_max=1, reset_s=3))
    server.configure(fault_rate={"genius": 1.0})
    with pytest.raises(UpstreamUnavailable):
        client.song(1)
    server.configure(fault_rate={}, rate={"genius": (1, 1)})
    time.sleep(3.1)  # the breaker is half-open: the next call is its trial
    token = {"Authorization": f"Bearer {SECRETS['genius_access_token']}"}
    assert requests.get(f"{server.url}/genius/songs/1", headers=token, timeout=5).status_code == 200

    # When the trial call is refused with a 429
    with pytest.raises(RateLimited):
        client.song(2)

    # Then Genius is held for the Retry-After (a second), not for the breaker's reset
    broker = redis.Redis.from_url(settings.redis_url)
    hold = read_hold(broker, "genius")
    assert hold is not None and hold.kind == "rate" and hold.remaining_s <= 1.0, hold
    assert breaker_state(broker, "genius")[0] != "open"


HAMMER = (
    """
import time, uuid
from discovery.clients.spotify import spotify_client
from discovery.exceptions import RateLimited
client = spotify_client()
client.mode  # connected before the start
"""
    + READY_THEN_WAIT
    + """
started = time.time()
stop = started + float(sys.argv[1])
served = refused = 0
while time.time() < stop:
    try:
        client.search_artists("hammer " + uuid.uuid4().hex)
        served += 1
    except RateLimited as error:
        refused += 1
        time.sleep(min(error.retry_after_s, 0.5))  # the worker gives its message back
print(json.dumps([served, refused, started, time.time()]))
"""
)


def test_four_processes_hammering_spotify_share_its_rate_without_429s(server, make_settings):
    """The sandbox's window is 20 requests per 3 s, standing in for Spotify's 100 per 30 s (or
    `--rate spotify=20/30`): the same shape, ten times faster, so the test takes seconds."""
    # Given Spotify's rolling window, and our limiter set to the same rate, in four processes
    requests_per_window, window_s, duration_s = 20, 3, 13.5
    server.configure(rate={"spotify": (requests_per_window, window_s)})
    settings = make_settings(
        spotify_quota_mode="development",
        discovery_rate_limits=f"spotify={requests_per_window}/{window_s}",
    )
    hammers = [
        start_process(settings, HAMMER.replace("sys.argv[1]", str(duration_s))) for _ in range(4)
    ]
    wait_until_ready(hammers)

    # When they all search as fast as they can for 13.5 s
    release(hammers)
    per_process = [result_of(p) for p in hammers]

    # Then the sandbox refused at most 1% with 429, and at least 80% of the allowed rate was used
    search = server.stats()["spotify"]["endpoints"]["search"]
    answered = search["requests"] - search["429"]
    share_429 = search["429"] / search["requests"]
    # From the first start to the last stop (a wait for a slot may outlast `stop`), a rolling
    # window lets through at most one window's worth at the start and one each window after.
    hammered_s = max(p[3] for p in per_process) - min(p[2] for p in per_process)
    allowed = requests_per_window * (math.floor(hammered_s / window_s) + 1)
    used = answered / allowed
    print(
        f"spotify {requests_per_window}/{window_s}s, 4 processes for {hammered_s:.1f}s: "
        f"{search['requests']} requests, {search['429']} answered 429 ({share_429:.2%}); "
        f"{answered} served of at most {allowed} ({used:.0%}), "
        f"{answered / hammered_s:.2f}/s against {requests_per_window / window_s:.2f}/s; "
        f"[served, refused locally] per process {[p[:2] for p in per_process]}"
    )
    assert share_429 <= 0.01
    assert used >= 0.80
