"""`discovery soak`: a generated catalog through beat and all five pools as real processes while
faults are injected together, then proof that nothing was lost or doubled.

Faults, all at once (soak/faults schedules them and counts those that took effect): sandbox 5xx
on every API and hangs (rates of requests, and every request hanging until one has, so that
there is one), 429 bursts, a spent Spotify quota with a short reset, SIGKILL of random worker
processes, a restart of the broker's Redis, every Postgres connection of the project terminated,
a beat restart, and poison messages sent with pgmq.send. The broker and the cache run on
redis-servers of the soak's own (the broker persisted like docker-compose's, the cache an LRU
bounded by `cache_maxmemory`), so restarting them touches nothing else. Postgres itself is not
restarted: it is shared with others here.

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
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, cast

import psycopg

from discovery.catalog import artist_outcomes
from discovery.local.processes import Supervisor, free_port
from discovery.ops import seeding
from discovery.pgmq import queues
from discovery.pgmq.sql import queries
from discovery.proving import answer_key, chaos
from discovery.proving.soak import faults as soak_faults
from discovery.proving.soak.plan import SoakPlan, SoakResult
from discovery.proving.soak.poison import POISONS
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


def run(plan: SoakPlan, database_url: str, log_dir: Path | None = None, out: TextIO = sys.stdout) -> SoakResult:
    """Run the soak against `database_url` (a migrated database of its own) and check it."""
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="discovery-soak-"))
    rng = random.Random(plan.seed)
    result = SoakResult(artists=plan.artists)
    catalog, truth = generate_catalog(plan.artists, plan.albums, plan.tracks, plan.seed,
                                      long_album_tracks=plan.long_album_tracks)
    procs = Supervisor(log_dir, dict(os.environ))
    # Extended mode: the fault schedule is tuned to its pace (tried in Development Mode, the short
    # soak's 429 burst once met no refused worker in 60 s). The e2e tests cover Development Mode.
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
            target=soak_faults.Injector(plan, rng, procs, sandbox, broker, database_url, result, out).run, daemon=True
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
        result.cache_evictions = int(cache.info("stats").get("evicted_keys", 0))
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
        row = conn.execute(queries("soak.sql")["duplicate_external_ids"]).fetchone()
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
