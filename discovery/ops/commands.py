"""The operator's commands: `discovery status`, `discovery dlq ...`, `discovery exporter`.

Registered on the `discovery` group by cli.py; each imports what it needs when it runs.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from typing import Any

import click

from discovery.ops.exporter import DEFAULT_HOST, DEFAULT_PORT


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of tables.")
@click.option(
    "--dlq-window",
    "dlq_window",
    default="1h",
    show_default=True,
    help="A DLQ that received a message this recently needs attention (0: any non-empty DLQ).",
)
@click.option(
    "--timeout",
    "timeout_s",
    default=1.0,
    show_default=True,
    help="Seconds to wait for workers to answer.",
)
def status(as_json: bool, dlq_window: str, timeout_s: float) -> None:
    """Queues, dead letters, APIs and workers at a glance; exit 1: something needs attention."""
    from discovery.ops import environment
    from discovery.ops import status as statuses
    from discovery.ops.dlq import parse_duration_s
    from discovery.settings import get_settings

    try:
        window_s = parse_duration_s(dlq_window)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--dlq-window") from None
    if not as_json:
        # Without Postgres or Redis there is nothing to tabulate: one line saying which (exit 1).
        environment.require(get_settings(), migrated=False, redis_too=True)
    found = statuses.collect(get_settings(), dlq_window_s=window_s, inspect_timeout_s=timeout_s)
    if as_json:
        click.echo(json.dumps(found.as_dict(), indent=2, default=str))
    else:
        from rich.console import Console

        Console(width=max(Console().width, 120)).print(statuses.render(found))
    sys.exit(0 if found.healthy else 1)


@click.group()
def dlq() -> None:
    """Inspect, replay and purge dead letters (nothing is ever deleted: all is archived)."""


@dlq.command("list")
@click.argument("queue", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of text.")
def dlq_list(queue: str | None, as_json: bool) -> None:
    """Dead letters of QUEUE (or all): message, reason, attempts, first and last failure."""
    from discovery.ops import dlq as dead_letters

    with _connection() as conn:
        found = _or_usage_error(lambda: dead_letters.list_dead(conn, queue))
    if as_json:
        click.echo(json.dumps([dead.as_dict() for dead in found], indent=2, default=str))
        return
    if not found:
        click.echo("no dead letters" + (f" in {queue}" if queue else ""))
        return
    for dead in found:
        click.echo(
            f"{dead.queue} dlq msg {dead.msg_id} (was msg {dead.source_msg_id}, "
            f"{dead.attempts} attempt(s))\n"
            f"  reason:  {dead.error_type}: {dead.reason}\n"
            f"  failed:  first {_when(dead.first_failure_at)}, last {_when(dead.last_failure_at)}\n"
            f"  message: {json.dumps(dead.message, default=str)}"
        )


@dlq.command("replay")
@click.argument("queue")
@click.option("--id", "msg_ids", type=int, multiple=True, help="A DLQ msg_id (repeatable).")
@click.option("--all", "replay_all", is_flag=True, help="Every dead letter of QUEUE.")
def dlq_replay(queue: str, msg_ids: tuple[int, ...], replay_all: bool) -> None:
    """Send dead letters back to QUEUE with attempts reset; each leaves the DLQ (archived) in the
    same transaction, so replaying twice sends it once."""
    from discovery.ops import dlq as dead_letters

    if bool(msg_ids) == replay_all:
        raise click.UsageError("give either --id N (one or more) or --all")
    with _connection() as conn:
        results = _or_usage_error(
            lambda: dead_letters.replay(conn, queue, None if replay_all else msg_ids)
        )
    for result in results:
        if result.new_msg_id is None:
            click.echo(f"dlq msg {result.dlq_msg_id}: not in the DLQ (already replayed or purged)")
        else:
            click.echo(
                f"dlq msg {result.dlq_msg_id}: replayed to {result.queue} "
                f"as msg {result.new_msg_id}"
            )
    if not results:
        click.echo(f"no dead letters in {queue}")


@dlq.command("purge")
@click.argument("queue")
@click.option("--older-than", "older_than", required=True, help="Age such as 7d, 12h, 30m.")
def dlq_purge(queue: str, older_than: str) -> None:
    """Archive (never delete) QUEUE's dead letters older than --older-than."""
    from discovery.ops import dlq as dead_letters

    try:
        older_than_s = dead_letters.parse_duration_s(older_than)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--older-than") from None
    with _connection() as conn:
        archived = _or_usage_error(lambda: dead_letters.purge(conn, queue, older_than_s))
    click.echo(f"archived {len(archived)} dead letter(s) from {queue}")


@click.command()
@click.option("--port", default=DEFAULT_PORT, show_default=True, help="0 picks a free port.")
@click.option("--host", default=DEFAULT_HOST, show_default=True)
def exporter(port: int, host: str) -> None:
    """Serve Prometheus metrics (PGMQ depths, DLQs, throughput, errors) at /metrics."""
    from discovery.ops import environment
    from discovery.ops import exporter as exporters
    from discovery.runtime.schedule import intervals
    from discovery.settings import get_settings

    settings = get_settings()
    environment.require(settings)  # at start only: later a database blip shows in the metrics
    server, _thread = exporters.serve(
        settings.database_url, port=port, host=host, ticks_s=intervals(settings)
    )
    click.echo(f"exporter listening on http://{host}:{server.server_port}/metrics", err=True)
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    stopped.wait()
    server.shutdown()


@click.command()
@click.option(
    "--older-than",
    "older_than",
    default=None,
    help="Age such as 30d, 12h (default: DISCOVERY_RETENTION_S).",
)
@click.option("--dry-run", is_flag=True, help="Count what would go; remove nothing.")
def prune(older_than: str | None, dry_run: bool) -> None:
    """Remove archived messages, metrics and issues older than --older-than (dead letters stay;
    the exporter's totals survive as rollups)."""
    from discovery.ops import prune as pruning
    from discovery.ops.dlq import parse_duration_s
    from discovery.settings import get_settings

    settings = get_settings()
    try:
        older_than_s = (
            settings.discovery_retention_s if older_than is None else parse_duration_s(older_than)
        )
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--older-than") from None
    if older_than_s < 3600:
        raise click.BadParameter("keep at least 1h: status reads the last hour", param_hint="--older-than")
    click.echo(pruning.describe(pruning.run(settings.database_url, older_than_s, dry_run=dry_run)))


def _connection() -> Any:
    import psycopg

    from discovery.settings import get_settings

    return psycopg.connect(get_settings().database_url, autocommit=True)


def _or_usage_error(action: Any) -> Any:
    try:
        return action()
    except ValueError as error:
        raise click.UsageError(str(error)) from None


def _when(moment: Any) -> str:
    return "?" if moment is None else moment.isoformat(timespec="seconds")


COMMANDS = (status, dlq, exporter, prune)
