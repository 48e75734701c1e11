"""`discovery soak`: a generated catalog through beat and all five pools as real processes while
faults are injected together, then proof that nothing was lost or doubled.

Faults, all at once: sandbox 5xx on every API and hangs (rates of requests, and every request
hanging until one has, so that there is one), 429 bursts, a spent Spotify quota with a short
reset, SIGKILL of random worker processes, a restart of the broker's Redis, every Postgres
connection of the project terminated, a beat restart, and poison messages sent with pgmq.send. The broker and the cache run on redis-servers of the soak's own (the broker
persisted like docker-compose's, the cache an LRU bounded by `cache_maxmemory`), so restarting
them touches nothing else. Postgres itself is not restarted: it is shared with others here.
A fault counts (`SoakResult.faults`) only once it took effect: a kill that found no process or a
termination of no connection was injected (`SoakResult.attempts`) but does not count.

Checks, printed per queue: every committed message archived (processed or dead-lettered) and
none left waiting; nothing dead-lettered twice and no message sent twice; every poison message in
its DLQ with a reason naming its problem; no other dead letter; every artist's report equal to
the answer key; no duplicate row for any external id; the run finished with no manual step.
"""

from __future__ import annotations

import json
import logging
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, LiteralString, TextIO, cast

import psycopg
import redis

from discovery.catalog import artist_outcomes
from discovery.clients.breakers import read_hold
from discovery.ops import answer_key, chaos, seeding
from discovery.ops.poison import POISONS
from discovery.ops.processes import Supervisor, free_port
from discovery.pgmq import queues
from discovery.pgmq.sql import queries
from discovery.sandbox.generator import generate_catalog
from discovery.sandbox.server import SandboxServer
from discovery.settings import APIS, QUEUES

logger = logging.getLogger(__name__)

CREDENTIALS = {
    "SPOTIFY_CLIENT_ID": "soak-client",
    "SPOTIFY_CLIENT_SECRET": "soak-secret",
    "GENIUS_ACCESS_TOKEN": "soak-token",
    "INSTAGRAM_API_KEY": "soak-key",
}
POLL_S = 0.5
# How long a forced hang waits for a request to hang before it is lifted as having had no effect.
FORCED_HANG_WAIT_S = 20.0
# The APIs every artist's discovery calls (Instagram only for producers with a handle).
BURST_APIS = ("spotify", "genius")


@dataclass
class SoakPlan:
    """What to run and what to inject. The defaults are the full soak; see `short()`."""

    artists: int = 50
    albums: int = 3
    tracks: int = 5
    long_album_tracks: int = 0
    seed: int = 14
    fault_rate: float = 0.10  # share of requests to every API answered 5xx
    hang_rate: float = 0.02  # share of requests that hang
    hang_s: float = 12.0  # longer than the clients' read timeout
    forced_hangs: int = 1  # times every request hangs until one has (hang_rate alone may give none)
    kills: int = 8
    bursts: int = 2
    burst_s: float = 4.0
    quota_reset_s: int = 5
    quota_by_s: float = 20.0  # the quota is spent this soon after the start, while Spotify is busy
    redis_restarts: int = 1
    pg_terminations: int = 1
    beat_restarts: int = 1
    poison: bool = True
    chaos_window_s: float = 90.0  # faults are spread over this much of the run's start
    concurrency: int = 2
    cache_maxmemory: str = "64mb"
    timeout_s: float = 1200.0
    visibility_timeout_s: int = 30

    @classmethod
    def short(cls) -> SoakPlan:
        """The CI version: few artists, every kind of fault at least once, well under 2 minutes."""
        # Spotify's part of 4 artists is over about a second after the seeds: the quota comes
        # first, and holds Spotify (so Genius too waits) for its reset; the burst lasts past that.
        return cls(artists=4, albums=2, tracks=3, kills=2, bursts=1, burst_s=8.0, chaos_window_s=12.0,
                   hang_s=4.0, timeout_s=100.0, cache_maxmemory="2mb", quota_by_s=0.5)


@dataclass
class SoakResult:
    seconds: float = 0.0
    attempts: Counter[str] = field(default_factory=Counter)  # faults injected, by kind
    faults: Counter[str] = field(default_factory=Counter)  # of those, the ones that took effect
    fault_log: list[str] = field(default_factory=list)
    restarts: list[str] = field(default_factory=list)  # pools the restart policy started again
    ledgers: list[queues.Ledger] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    sandbox: dict[str, dict[str, int]] = field(default_factory=dict)
    cache_evictions: int = 0
    artists: int = 0

    @property
    def lost(self) -> int:
        return sum(ledger.waiting for ledger in self.ledgers)

    @property
    def doubled(self) -> int:
        return sum(ledger.doubled_dead_letters + ledger.doubled_messages for ledger in self.ledgers)

    @property
    def ok(self) -> bool:
        return not self.problems


def run(plan: SoakPlan, database_url: str, log_dir: Path | None = None, out: TextIO = sys.stdout) -> SoakResult:
    """Run the soak against `database_url` (a migrated database of its own) and check it."""
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="discovery-soak-"))
    rng = random.Random(plan.seed)
    result = SoakResult(artists=plan.artists)
    catalog, truth = generate_catalog(plan.artists, plan.albums, plan.tracks, plan.seed,
                                      long_album_tracks=plan.long_album_tracks)
    procs = Supervisor(log_dir, dict(os.environ))
    sandbox = SandboxServer(catalog, spotify_mode="extended", hang_s=plan.hang_s, seed=plan.seed).start()
    try:
        broker = chaos.RedisServer(procs, "redis-broker", free_port(), log_dir / "broker",
                                   ["--appendonly", "yes", "--appendfsync", "always",
                                    "--maxmemory-policy", "noeviction"]).start()
        cache = chaos.RedisServer(procs, "redis-cache", free_port(), log_dir / "cache",
                                  ["--appendonly", "no", "--maxmemory", plan.cache_maxmemory,
                                   "--maxmemory-policy", "allkeys-lru"]).start()
        procs.env.update(_environment(plan, database_url, broker.url, cache.url, sandbox.url))
        out.write(f"soak: {plan.artists} artists, logs in {log_dir}\n")
        procs.beat()
        procs.all_pools(concurrency=plan.concurrency)
        started = time.monotonic()
        for artist in truth["artists"]:
            seeding.start(database_url, artist["name"])
        poisoned = _send_poison(database_url) if plan.poison else []
        sandbox.configure(fault_rate=dict.fromkeys(APIS, plan.fault_rate),
                          hang_rate=dict.fromkeys(APIS, plan.hang_rate))
        injector = threading.Thread(
            target=_Injector(plan, rng, procs, sandbox, broker, database_url, result, out).run, daemon=True
        )
        injector.start()
        def keep() -> None:
            for line in chaos.restart_exited_pools(procs, plan.concurrency):
                result.restarts.append(f"{time.monotonic() - started:6.1f}s {line}")
                out.write(f"  {line}\n")

        finished = wait_until_drained(database_url, started + plan.timeout_s, injector.is_alive, keep)
        injector.join(timeout=60)
        result.seconds = time.monotonic() - started
        if not finished:
            result.problems.append(f"not drained after {plan.timeout_s:.0f}s: a fault needed a manual step")
        sandbox.configure(fault_rate={}, hang_rate={}, rate={}, quota={})
        result.sandbox = {api: {k: int(v) for k, v in stats.items() if k != "endpoints"}
                          for api, stats in sandbox.stats().items()}
        result.cache_evictions = int(cache.info("stats").get("evicted_keys", 0))  # type: ignore[call-overload]
        _check(database_url, catalog, truth, poisoned, result)
    finally:
        procs.stop()
        sandbox.stop()
    out.write(describe(result))
    return result


def _environment(plan: SoakPlan, database_url: str, broker_url: str, cache_url: str, api_base: str) -> dict[str, str]:
    vt = plan.visibility_timeout_s
    return {
        **CREDENTIALS,
        "DATABASE_URL": database_url,
        "REDIS_URL": broker_url,
        "DISCOVERY_CACHE_URL": cache_url,
        "DISCOVERY_API_BASE": api_base,
        "SPOTIFY_QUOTA_MODE": "extended",
        "DISCOVERY_SCHEDULE": ",".join(f"{queue}=1" for queue in QUEUES),
        "DISCOVERY_RATE_LIMITS": "spotify=1000/30,genius=200/1,musicbrainz=200/1,instagram=200/1",
        "DISCOVERY_VISIBILITY_TIMEOUT_S": str(vt),
        "DISCOVERY_TASK_SOFT_TIME_LIMIT_S": str(vt - 10),
        "DISCOVERY_TASK_TIME_LIMIT_S": str(vt - 5),
        "DISCOVERY_RETRY_BASE_S": "1",
        # Faults on every API at once: give a message enough attempts that only poison dies.
        "DISCOVERY_MAX_ATTEMPTS": "12",
        "DISCOVERY_LOG_FORMAT": "text",
    }


def _send_poison(database_url: str) -> list[tuple[int, str, str]]:
    """(msg_id, queue, reason_says) per poison message, sent with pgmq.send itself; reason_says is
    empty for a seed that must end as a "not found" outcome instead."""
    sent = []
    with psycopg.connect(database_url, autocommit=True) as conn:
        for poison in POISONS:
            msg_id = queues.send(conn, poison.queue, cast(dict[str, Any], poison.message))
            sent.append((msg_id, poison.queue, poison.reason_says))
    return sent


def _schedule(plan: SoakPlan, rng: random.Random) -> list[tuple[float, str]]:
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
    done: Callable[[], None] = lambda: None


class _Injector:
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
        for at, kind in _schedule(self.plan, self.rng):
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
            self.lifts.append((at + plan.burst_s, "rate"))
            self.watches.append(_Watch(kind, lambda: self._held("rate", BURST_APIS), at + plan.burst_s + 1))
            return line
        if kind == "quota":
            line = chaos.spend_spotify_quota(sandbox, plan.quota_reset_s)
            self.lifts.append((at + plan.quota_reset_s, "quota"))
            self.watches.append(_Watch(kind, lambda: self._held("quota", ("spotify",)), at + plan.quota_reset_s + 1))
            return line
        # A forced hang: every request hangs until one has (the plan's hang_rate may give none).
        before = _hangs(sandbox)
        sandbox.configure(hang_rate=dict.fromkeys(APIS, 1.0))
        self.watches.append(_Watch(kind, lambda: _hangs(sandbox) > before, at + FORCED_HANG_WAIT_S,
                                   lambda: sandbox.configure(hang_rate=dict.fromkeys(APIS, plan.hang_rate))))
        return "every API request hangs until one has"

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


def _hangs(sandbox: SandboxServer) -> int:
    return sum(int(stats["hangs"]) for stats in sandbox.stats().values())


def wait_until_drained(
    database_url: str,
    deadline: float,
    busy: Callable[[], bool] = lambda: False,
    keep: Callable[[], None] = lambda: None,
    polls: int = 4,
    poll_s: float = POLL_S,
) -> bool:
    """True once every work queue stayed empty for `polls` polls in a row while nothing is
    `busy` (faults still being injected); False at the deadline (time.monotonic())."""
    empty_polls = 0
    while time.monotonic() < deadline:
        time.sleep(poll_s)
        keep()
        try:
            with psycopg.connect(database_url, autocommit=True, connect_timeout=5) as conn:
                depths = queues.metrics(conn)
        except psycopg.Error:
            empty_polls = 0
            continue
        waiting = sum(depths[queue].length for queue in QUEUES if queue in depths)
        empty_polls = empty_polls + 1 if waiting == 0 and not busy() else 0
        if empty_polls >= polls:
            return True
    return False


def _check(database_url: str, catalog: dict[str, Any], truth: dict[str, Any],
           poisoned: list[tuple[int, str, str]], result: SoakResult) -> None:
    problems = result.problems
    poison_ids = {(queue, msg_id) for msg_id, queue, _ in poisoned}
    with psycopg.connect(database_url, autocommit=True) as conn:
        for queue in QUEUES:
            ledger = queues.ledger(conn, queue)
            result.ledgers.append(ledger)
            if ledger.waiting:
                problems.append(f"{queue}: {ledger.waiting} message(s) never finished")
            if ledger.doubled_dead_letters:
                problems.append(f"{queue}: {ledger.doubled_dead_letters} message(s) dead-lettered twice")
            if ledger.doubled_messages:
                problems.append(f"{queue}: {ledger.doubled_messages} message(s) sent twice")
            for dead in queues.dead_letters(conn, [queue]):
                source = int(dead.message.get("source_msg_id", -1))
                if (queue, source) not in poison_ids:
                    problems.append(f"{queue} msg {source} dead-lettered: {dead.message.get('reason')}")
        for msg_id, queue, says in poisoned:
            reason = queues.dead_reason(conn, queue, msg_id)
            if not says:
                search = artist_outcomes.artist_search(conn, msg_id)
                if reason is not None or search is None or search.outcome != artist_outcomes.NOT_FOUND:
                    problems.append(f"{queue} msg {msg_id}: not recorded as 'not found' ({reason or search})")
            elif reason is None:
                problems.append(f"poison {queue} msg {msg_id} is not in {queue}_dlq")
            elif says not in reason:
                problems.append(f"poison {queue} msg {msg_id}: reason {reason[:120]!r} does not say {says!r}")
        row = conn.execute(cast(LiteralString, queries("soak.sql")["duplicate_external_ids"])).fetchone()
        if row and row[0]:
            problems.append(f"{row[0]} external id(s) with more than one row")
    problems.extend(answer_key.differences(database_url, catalog, truth))


def describe(result: SoakResult) -> str:
    """The printed result: faults survived, the ledger per queue, and the verdict."""
    lines = [f"soak of {result.artists} artists finished in {result.seconds:.0f}s",
             "faults injected (took effect/injected): " + ", ".join(
                 f"{kind} {result.faults[kind]}/{count}" for kind, count in sorted(result.attempts.items()))]
    api_faults = {api: (stats.get("faults", 0), stats.get("hangs", 0), stats.get("429", 0))
                  for api, stats in result.sandbox.items()}
    lines.append("sandbox answered (5xx, hangs, 429): " + ", ".join(
        f"{api} {f}/{h}/{r}" for api, (f, h, r) in api_faults.items()))
    lines.append(f"cache evictions at its memory limit: {result.cache_evictions}")
    lines.append(f"pools restarted by the restart policy: {len(result.restarts)}")
    lines.extend(f"  {line}" for line in result.restarts)
    lines.append(f"{'queue':<26}{'sent':>7}{'processed':>10}{'dead':>6}{'waiting':>8}{'doubled':>8}")
    for ledger in result.ledgers:
        lines.append(f"{ledger.queue:<26}{ledger.sent:>7}{ledger.processed:>10}{ledger.dead_lettered:>6}"
                     f"{ledger.waiting:>8}{ledger.doubled_dead_letters + ledger.doubled_messages:>8}")
    lines.append(f"lost: {result.lost}, doubled: {result.doubled}")
    lines.extend(f"PROBLEM: {problem}" for problem in result.problems)
    lines.append("verdict: " + ("nothing lost, nothing doubled" if result.ok else "FAILED"))
    return "\n".join(lines) + "\n"


def as_json(result: SoakResult) -> str:
    return json.dumps({"seconds": round(result.seconds, 1), "faults": dict(result.faults),
                       "faults_injected": dict(result.attempts), "lost": result.lost,
                       "doubled": result.doubled, "problems": result.problems, "ok": result.ok}, indent=2)
