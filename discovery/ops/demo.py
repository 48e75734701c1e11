"""`discovery demo`: the whole system on one machine, from one command.

Migrates, starts the API sandbox on the bundled demo catalog (unless real credentials are set),
beat with a fast schedule and the five pools, seeds the demo artists, shows their progress, prints
their producers, and stops everything it started, also on Ctrl-C.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from discovery.ops import progress, seeding
from discovery.ops.processes import DISCOVERY, Supervisor, free_port, wait_for
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


def run(
    settings: Settings,
    artists: list[str] | None = None,
    out: TextIO = sys.stdout,
    timeout_s: float = 150,
    use_sandbox: bool | None = None,
    log_dir: Path | None = None,
    graph_out: Path | None = None,
) -> list[dict]:
    """Run the demo end to end; returns the reports it printed. With `graph_out`, also writes the
    first artist's collaboration graph there (.svg, .dot or .graphml)."""
    from rich.console import Console

    from discovery.catalog import report

    console = Console(file=out, width=max(Console(file=out).width, 120))
    if use_sandbox is None:
        use_sandbox = not real_credentials_present(settings)
    artists = artists or demo_artists()
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="discovery-demo-"))
    console.print(f"[bold]discovery demo[/bold]: database {_redact(settings.database_url)}, logs in {log_dir}")
    migrations.migrate(settings.database_url, create_db=True)

    env = dict(os.environ)
    env.update(DATABASE_URL=settings.database_url, REDIS_URL=settings.redis_url, DISCOVERY_SCHEDULE=FAST_SCHEDULE)
    supervisor = Supervisor(log_dir, env)
    previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        if use_sandbox:
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            env.update(SANDBOX_CREDENTIALS, DISCOVERY_API_BASE=url)
            supervisor.start("sandbox", DISCOVERY + ["sandbox", "--port", str(port)])
            wait_for(lambda: _sandbox_up(url), 30, "the sandbox")
            console.print(f"sandbox serving the demo catalog at {url}")
        supervisor.beat()
        supervisor.all_pools(concurrency=2)
        console.print("beat and the five pools are running; seeding " + ", ".join(artists))
        seeds = [progress.Seeded(seeding.start(settings.database_url, name), name) for name in artists]
        last = progress.follow(settings.database_url, settings.redis_url, seeds, out=out, timeout_s=timeout_s)
        reports = []
        for item in last:
            if item.spotify_id is None:
                console.print(f"[red]{item.line()}[/red]")
                continue
            found = report.build(settings.database_url, item.spotify_id)
            reports.append(found)
            console.print(report.as_table(found))
        if not all(item.stage == "done" for item in last):
            console.print("[yellow]not everything finished in time; see the logs[/yellow]")
        if reports:
            _offer_graph(console, settings, reports[0]["artist"], graph_out)
        return reports
    finally:
        console.print("stopping the processes the demo started…")
        supervisor.stop()
        signal.signal(signal.SIGTERM, previous)
        console.print("stopped")


def _offer_graph(console: Console, settings: Settings, artist: dict, graph_out: Path | None) -> None:
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
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(url)
    return f"{params.get('host', 'localhost')}:{params.get('port', 5432)}/{params.get('dbname', '')}"
