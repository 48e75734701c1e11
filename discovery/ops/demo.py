"""`discovery demo`: the whole system on one machine, from one command.

Checks Postgres and Redis first (starting embedded ones under .discovery/ when they are not
reachable), migrates, starts the API sandbox on the bundled demo catalog (unless real credentials
are set) with placeholder credentials, beat with a fast schedule and the five pools, seeds the demo
artists, shows their progress, prints their producers and a summary, and stops everything it
started, also on Ctrl-C. Logs go to .discovery/demo-logs/<time>/.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from psycopg.conninfo import make_conninfo

from discovery.escaping import terminal
from discovery.exceptions import EnvironmentProblem
from discovery.local import services
from discovery.local.processes import DISCOVERY, Supervisor, free_port, wait_for
from discovery.ops import environment, progress, seeding
from discovery.pgmq import migrations
from discovery.settings import QUEUES, Settings

if TYPE_CHECKING:
    from rich.console import Console

FAST_SCHEDULE = ",".join(f"{queue}=1" for queue in QUEUES)
SANDBOX_CREDENTIALS = {
    "SPOTIFY_CLIENT_ID": "demo-client",
    "SPOTIFY_CLIENT_SECRET": "demo-secret",
    "GENIUS_ACCESS_TOKEN": "demo-token",
    "INSTAGRAM_API_KEY": "demo-key",
}
REAL_CREDENTIALS = ("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "GENIUS_ACCESS_TOKEN")


def demo_artists() -> list[str]:
    """The artists the demo catalog is about (its answer key lists them)."""
    text = resources.files("discovery.sandbox").joinpath("demo_catalog.truth.json").read_text(encoding="utf-8")
    return [artist["name"] for artist in json.loads(text)["artists"]]


def real_credentials_present(settings: Settings) -> bool:
    return all(getattr(settings, name.lower()).get_secret_value() for name in REAL_CREDENTIALS)


def _sandbox_up(url: str) -> bool:
    import requests

    try:
        return requests.get(url + "/_sandbox/stats", timeout=1).ok
    except requests.RequestException:
        return False


@dataclass
class DemoServices:
    """The Postgres and Redis the demo runs against, and what it started itself."""

    settings: Settings
    started_postgres: bool = False
    started_redis: bool = False
    folder: Path | None = None


def ensure_services(settings: Settings, console: Any, embedded: bool) -> DemoServices:
    """Use the Postgres and Redis the settings name where they answer; else start embedded ones
    (or, with embedded=False, fail naming what is unreachable). Checked before anything starts."""
    server_url = make_conninfo(settings.database_url, dbname="postgres")
    postgres_down = environment.postgres_problem(server_url)
    redis_down = environment.redis_problem(settings.redis_url)
    if not (postgres_down or redis_down):
        return DemoServices(settings)
    if not embedded:
        raise EnvironmentProblem((postgres_down or redis_down or "") + " (--no-embedded: not starting one)")
    folder = services.home()
    already = services.running(folder)
    state = services.up(folder, postgres=bool(postgres_down), redis=bool(redis_down))
    what = [
        f"{name} ({where})"
        for name, down, where in (
            ("Postgres", postgres_down, environment.where_postgres(state.database_url)),
            ("Redis", redis_down, environment.where_redis(state.redis_url)),
        )
        if down
    ]
    reused = (postgres_down and already.database_url) or (redis_down and already.redis_url)
    ending = "left running, as `discovery dev up` started them" if reused else "stopped at the end"
    console.print(f"not reachable as configured, so using embedded {' and '.join(what)} in {folder} ({ending})")
    update = {}
    if postgres_down:
        update["database_url"] = state.database_url
    if redis_down:
        update["redis_url"] = state.redis_url
    return DemoServices(
        settings.model_copy(update=update),
        started_postgres=bool(postgres_down) and not already.database_url,
        started_redis=bool(redis_down) and not already.redis_url,
        folder=folder,
    )


def stop_services(demo: DemoServices) -> None:
    """Stop the embedded servers this demo started (not those a `dev up` left running)."""
    if demo.folder is None:
        return
    if demo.started_postgres:
        services.stop_postgres(demo.folder)
    if demo.started_redis:
        services.stop_redis(services.Embedded.load(demo.folder).redis_pid)
    if demo.started_postgres and demo.started_redis:
        (demo.folder / services.STATE_FILE).unlink(missing_ok=True)


def new_log_dir() -> Path:
    """A fresh folder for this run's logs under the checkout's .discovery/demo-logs/."""
    folder = services.home() / "demo-logs" / time.strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run(
    settings: Settings,
    artists: list[str] | None = None,
    out: TextIO = sys.stdout,
    timeout_s: float = 150,
    use_sandbox: bool | None = None,
    log_dir: Path | None = None,
    graph_out: Path | None = None,
    embedded: bool = True,
) -> list[dict[str, Any]]:
    """Run the demo end to end; returns the reports it printed. With `graph_out`, also writes the
    first artist's collaboration graph there (.svg, .dot or .graphml)."""
    from rich.console import Console

    console = Console(file=out, width=max(Console(file=out).width, 120))
    began = time.monotonic()
    previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    demo = DemoServices(settings)
    supervisor: Supervisor | None = None
    reports: list[dict[str, Any]] = []
    try:
        demo = ensure_services(settings, console, embedded)
        settings = demo.settings
        if use_sandbox is None:
            use_sandbox = not real_credentials_present(settings)
        artists = artists or demo_artists()
        log_dir = log_dir or new_log_dir()
        console.print(f"[bold]discovery demo[/bold]: database {_redact(settings.database_url)}, logs in {log_dir}")
        migrations.migrate(settings.database_url, create_db=True)
        env = dict(os.environ)
        env.update(DATABASE_URL=settings.database_url, REDIS_URL=settings.redis_url, DISCOVERY_SCHEDULE=FAST_SCHEDULE)
        supervisor = Supervisor(log_dir, env)
        reports = _discover(settings, supervisor, env, artists, use_sandbox, console, out, timeout_s)
        if reports:
            _offer_graph(console, settings, reports[0]["artist"], graph_out)
        return reports
    finally:
        if supervisor is not None:
            console.print("stopping the processes the demo started…")
            supervisor.stop()
        stop_services(demo)
        signal.signal(signal.SIGTERM, previous)
        if supervisor is not None:
            console.print("stopped")
            console.print(summary(reports, time.monotonic() - began, supervisor.log_dir))


def _discover(
    settings: Settings, supervisor: Supervisor, env: dict[str, str], artists: list[str], use_sandbox: bool,
    console: Any, out: TextIO, timeout_s: float,
) -> list[dict[str, Any]]:
    from discovery.catalog import report

    if use_sandbox:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        # The demo's own placeholder credentials: the sandbox accepts any.
        env.update(SANDBOX_CREDENTIALS, DISCOVERY_API_BASE=url)
        supervisor.start("sandbox", DISCOVERY + ["sandbox", "--port", str(port)])
        wait_for(lambda: _sandbox_up(url), 30, "the sandbox")
        console.print(f"sandbox serving the demo catalog at {url} (placeholder credentials, fast schedule)")
    supervisor.beat()
    supervisor.all_pools(concurrency=2)
    console.print("beat and the five pools are running; seeding " + ", ".join(artists))
    seeds = [progress.Seeded(seeding.start(settings.database_url, name), name) for name in artists]
    last = progress.follow(settings.database_url, settings.redis_url, seeds, out=out, timeout_s=timeout_s)
    reports = []
    for item in last:
        if item.spotify_id is None:
            console.print(f"[red]{terminal(item.line())}[/red]")
            continue
        found = report.build(settings.database_url, item.spotify_id)
        reports.append(found)
        console.print(report.as_table(found))
    if not all(item.stage == "done" for item in last):
        console.print("[yellow]not everything finished in time; see the logs[/yellow]")
    return reports


def summary(reports: list[dict[str, Any]], elapsed_s: float, log_dir: Path) -> str:
    """One closing line: time, artists, tracks, producers, how many with Instagram, the logs."""
    producers = {p["name"]: p for found in reports for p in found["producers"]}
    with_instagram = sum(1 for p in producers.values() if p["socials"].get("instagram"))
    tracks = sum(int(found["tracks"]) for found in reports)
    return (
        f"demo finished in {elapsed_s:.0f}s: {len(reports)} artists, {tracks} tracks, "
        f"{len(producers)} producers ({with_instagram} with Instagram); logs in {log_dir}"
    )


def _offer_graph(console: Console, settings: Settings, artist: dict[str, Any], graph_out: Path | None) -> None:
    from discovery.catalog import graph
    from discovery.ops.drawing import write_graph

    if graph_out is None:
        console.print(
            f"draw who worked with whom: discovery graph --artist {artist['spotify_id']} --out graph.svg "
            "(or `discovery demo --graph graph.svg`)"
        )
        return
    drawn = graph.of_artist(settings.database_url, artist["spotify_id"])
    write_graph(drawn, graph_out)
    console.print(f"wrote {artist['name']}'s collaboration graph to {graph_out}")


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _redact(url: str) -> str:
    return environment.where_postgres(url)
