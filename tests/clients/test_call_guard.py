"""The one round trip before a send (clients/guard): a hold that binds takes no rate-limit slot,
one that does not bind (another credential's) lets the call through with its slot, and the
breaker's state read there is used by the call. Real Redis; nothing is sent upstream."""

from __future__ import annotations

import time

import pytest

from discovery.clients.breakers import ApiBreaker, extend_hold, stored_hold
from discovery.clients.guard import CallGuard
from discovery.clients.ratelimit import Rate, SharedRateLimit
from discovery.clients.redis_pool import shared_redis
from discovery.exceptions import RateLimited, Unauthorized

pytestmark = pytest.mark.integration


def guard_for(redis_url: str, credential: str = "ours") -> tuple[CallGuard, SharedRateLimit, ApiBreaker]:
    breaker = ApiBreaker("genius", redis_url, credential=credential)
    limit = SharedRateLimit("genius", Rate(5, 10), redis_url, max_wait_s=0)
    return CallGuard(breaker, limit), limit, breaker


def test_a_send_takes_one_slot_and_primes_the_breaker_state(redis_url: str) -> None:
    # Given no hold and an empty window
    guard, limit, breaker = guard_for(redis_url)

    # When a send is guarded
    guard.before_send()

    # Then it took one slot, and the breaker's next state read is the one read with it
    assert limit.used() == 1
    assert breaker.storage._primed.state == "closed"
    assert breaker.state == "closed"
    assert getattr(breaker.storage._primed, "state", None) is None


def test_a_rate_hold_refuses_the_send_without_taking_a_slot(redis_url: str) -> None:
    # Given a Retry-After hold of 30 s
    guard, limit, _ = guard_for(redis_url)
    extend_hold(shared_redis(redis_url), "genius", time.time() + 30, "rate")

    # When a send is guarded
    with pytest.raises(RateLimited) as raised:
        guard.before_send()

    # Then it is refused for the hold's time, and the window is untouched
    assert 25 < raised.value.retry_after_s <= 30
    assert limit.used() == 0


def test_a_hold_on_another_credential_lets_the_send_through_and_is_noted(redis_url: str) -> None:
    # Given a refusal of a credential other than ours
    extend_hold(shared_redis(redis_url), "genius", time.time() + 60, "credential", "the-old-one")
    guard, limit, breaker = guard_for(redis_url, credential="the-new-one")

    # When a send is guarded
    guard.before_send()

    # Then it goes, with its slot, and our success will clear the old refusal
    assert limit.used() == 1
    assert breaker.foreign_hold_seen
    assert stored_hold(shared_redis(redis_url), "genius") is not None


def test_a_hold_on_our_credential_refuses_the_send(redis_url: str) -> None:
    # Given a refusal of our own credential
    extend_hold(shared_redis(redis_url), "genius", time.time() + 60, "credential", "ours")
    guard, limit, _ = guard_for(redis_url)

    # When a send is guarded, then it is refused and takes no slot
    with pytest.raises(Unauthorized):
        guard.before_send()
    assert limit.used() == 0


def test_a_full_window_is_left_to_the_limiter_which_says_when_a_slot_frees(redis_url: str) -> None:
    # Given a window whose 5 slots are taken
    guard, limit, breaker = guard_for(redis_url)
    for _ in range(5):
        guard.before_send()

    # When a sixth send is guarded
    with pytest.raises(RateLimited) as raised:
        guard.before_send()

    # Then the limiter refuses it with the time to the next free slot, and no state is primed
    assert 0 < raised.value.retry_after_s <= 10.5
    assert limit.used() == 5
    assert getattr(breaker.storage._primed, "state", None) is None
