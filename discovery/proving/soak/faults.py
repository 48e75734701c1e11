"""The soak's faults: when each is injected, and whether it took effect.

A kill, a termination or a restart counts at once when it touched a process or connection; a 429
burst and the spent quota once a worker holds the API for that reason (a hold of that kind in the
broker), a forced hang once a request hung. What was injected but had no effect is counted apart
(`SoakResult.attempts`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

import redis

from discovery.clients.breakers import read_hold
from discovery.local.processes import Supervisor
from discovery.proving import chaos
from discovery.proving.soak.plan import SoakPlan, SoakResult
from discovery.sandbox.server import SandboxServer
from discovery.settings import APIS

# How long a forced hang waits for a request to hang before it is lifted as having had no effect.
FORCED_HANG_WAIT_S = 20.0
# How long a 429 burst or a spent quota waits for a worker to be refused: on a busy machine, or
# while pools restart after a broker restart, the APIs can be quiet for a while. (A burst that is
# never seen holds every API to one request per burst_s that long.)
REFUSAL_WAIT_S = 30.0
# The APIs every artist's discovery calls (Instagram only for producers with a handle).
BURST_APIS = ("spotify", "genius")


def schedule(plan: SoakPlan, rng: random.Random) -> list[tuple[float, str]]:
    """(seconds after the start, fault) for every fault of the plan, spread over the window."""
    kinds = (["kill"] * plan.kills + ["redis"] * plan.redis_restarts
             + ["postgres"] * plan.pg_terminations + ["beat"] * plan.beat_restarts)
    window = plan.chaos_window_s
    found = [(rng.uniform(1.0, window), kind) for kind in kinds]
    # Spotify is called most at the start (artists, albums, tracks): its refusals go there.
    found += [(rng.uniform(1.0, max(window / 3, 2.0)), "burst") for _ in range(plan.bursts)]
    found.append((rng.uniform(0.0, plan.quota_by_s), "quota"))
    # Forced hangs early too, while every API is still being called.
    found += [(rng.uniform(1.0, max(window / 3, 2.0)), "hang") for _ in range(plan.forced_hangs)]
    return sorted(found)


@dataclass
class _Watch:
    """A fault whose effect shows later: counted once `seen()`, given up `until` (seconds after
    the start); `done` runs either way (to lift what the fault set)."""

    kind: str
    seen: Callable[[], bool]
    until: float
    done: Callable[[], object] = lambda: None  # what it returns is not used


class Injector:
    """Injects the plan's faults on schedule and counts in `result.faults` only those that took
    effect: a kill, a termination or a restart at once when it touched a process or connection; a
    429 burst and the spent quota once a worker holds the API for that reason (a hold of that kind
    in the broker), a forced hang once a request hung."""

    def __init__(self, plan: SoakPlan, rng: random.Random, procs: Supervisor, sandbox: SandboxServer,
                 broker: chaos.RedisServer, database_url: str, result: SoakResult, out: TextIO) -> None:
        self.plan, self.rng, self.procs, self.sandbox, self.broker = plan, rng, procs, sandbox, broker
        self.database_url, self.result, self.out = database_url, result, out
        self.started = time.monotonic()
        self.lifts: list[tuple[float, str]] = []
        self.watches: list[_Watch] = []

    def run(self) -> None:
        self.started = time.monotonic()
        for at, kind in schedule(self.plan, self.rng):
            while self._now() < at:
                self._poll()
            try:
                line = self._inject(kind, at)
            except Exception as error:  # noqa: BLE001 - a fault that failed to inject is reported
                line = f"{kind} failed to inject: {error}"
                self.result.problems.append(line)
            self.result.attempts[kind] += 1
            self._say(f"fault at {self._now():5.1f}s: {line}")
            self.result.fault_log.append(f"{self._now():6.1f}s {line}")
        while self.lifts or self.watches:
            self._poll()

    def _inject(self, kind: str, at: float) -> str:
        plan, sandbox = self.plan, self.sandbox
        if kind == "kill":
            return self._took(kind, chaos.kill_random_worker_process(self.procs, self.rng))
        if kind == "redis":
            return self._took(kind, self.broker.restart())
        if kind == "postgres":
            return self._took(kind, chaos.terminate_connections(self.database_url))
        if kind == "beat":
            return self._took(kind, chaos.restart_beat(self.procs))
        if kind == "burst":
            line = chaos.burst_429(sandbox, BURST_APIS, plan.burst_s)
            self._until_refused(kind, "rate", BURST_APIS, at + plan.burst_s)
            return line
        if kind == "quota":
            line = chaos.spend_spotify_quota(sandbox, plan.quota_reset_s)
            self._until_refused(kind, "quota", ("spotify",), at + plan.quota_reset_s)
            return line
        # A forced hang: every request hangs until one has (the plan's hang_rate may give none).
        before = hangs(sandbox)
        sandbox.configure(hang_rate=dict.fromkeys(APIS, 1.0))
        self.watches.append(_Watch(kind, lambda: hangs(sandbox) > before, at + FORCED_HANG_WAIT_S,
                                   lambda: sandbox.configure(hang_rate=dict.fromkeys(APIS, plan.hang_rate))))
        return "every API request hangs until one has"

    def _until_refused(self, kind: str, hold: str, apis: tuple[str, ...], lift_at: float) -> None:
        """A 429 burst (hold "rate") or a spent quota (hold "quota") lasts until `lift_at`, and
        longer if no worker was refused yet (the APIs quiet, or held by another fault meanwhile):
        until one is, up to REFUSAL_WAIT_S after it began. The sandbox's knob has the hold's name."""
        began = self._now()
        self.watches.append(_Watch(kind, lambda: self._held(hold, apis), max(lift_at, began + REFUSAL_WAIT_S),
                                   lambda: self.lifts.append((lift_at, hold))))

    def _took(self, kind: str, injected: chaos.Injected) -> str:
        if injected.effective:
            self.result.faults[kind] += 1
            return injected.line
        return f"{injected.line} (no effect)"

    def _held(self, kind: str, apis: tuple[str, ...]) -> bool:
        """Whether a worker holds one of `apis` for `kind` (read from the broker's Redis)."""
        try:
            client = redis.Redis.from_url(self.broker.url, socket_timeout=1)
            with client:
                return any((hold := read_hold(client, api)) is not None and hold.kind == kind for api in apis)
        except redis.RedisError:  # restarting: look again at the next poll
            return False

    def _poll(self) -> None:
        now = self._now()
        for _, knob in [lift for lift in self.lifts if lift[0] <= now]:
            self._say(f"at {now:5.1f}s: {chaos.lift(self.sandbox, knob)}")
        self.lifts = [lift for lift in self.lifts if lift[0] > now]
        for watch in list(self.watches):
            seen = watch.seen()
            if seen or now > watch.until:
                self.watches.remove(watch)
                watch.done()
                if seen:
                    self.result.faults[watch.kind] += 1
                self._say(f"at {now:5.1f}s: {watch.kind} " + ("took effect" if seen else "had no effect"))
        time.sleep(0.1)

    def _now(self) -> float:
        return time.monotonic() - self.started

    def _say(self, line: str) -> None:
        self.out.write(f"  {line}\n")
        self.out.flush()


def hangs(sandbox: SandboxServer) -> int:
    return sum(int(stats["hangs"]) for stats in sandbox.stats().values())
