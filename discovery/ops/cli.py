"""The `discovery` command. Each subcommand imports what it needs when it runs.

A problem with the environment (Postgres or Redis unreachable, the schema not migrated, a bad
setting) ends any command with one line naming what to fix and a non-zero exit, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from discovery.logs import configure_logging


class DiscoveryGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:
            from discovery.ops.environment import explain

            line = explain(error)
            if line is None:
                raise
            raise click.ClickException(line) from None


@click.group(cls=DiscoveryGroup)
def cli() -> None:
    """Find the producers behind music."""
    configure_logging()


@cli.command()
@click.option("--create-db", is_flag=True, help="Create the database first when it is missing.")
def migrate(create_db: bool) -> None:
    """Install PGMQ (when needed), apply sql/ migrations and create the queues."""
    from discovery.pgmq import migrations
    from discovery.settings import get_settings

    settings = get_settings()
    applied = migrations.migrate(
        settings.database_url,
        create_db=create_db,
        worker_password=settings.discovery_worker_password.get_secret_value(),
    )
    click.echo(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else ""))


@cli.command()
@click.argument("artist_name", required=False)
@click.option("--spotify-id", help="Start from a Spotify artist id instead of a name.")
@click.option("--follow", is_flag=True, help="Watch this artist's discovery until it is done, then report.")
def seed(artist_name: str | None, spotify_id: str | None, follow: bool) -> None:
    """Put one artist on the artist_discovery queue and print its msg_id."""
    from discovery.ops import environment, seeding
    from discovery.settings import get_settings

    settings = get_settings()
    # Without Redis nothing would move: say so now rather than follow a wait that never ends.
    environment.require(settings, redis_too=follow)
    msg_id = seeding.seed_or_exit(artist_name, spotify_id)
    click.echo(msg_id)
    if follow:
        from discovery.ops import progress

        [last] = progress.follow(
            settings.database_url, settings.redis_url, [progress.Seeded(msg_id, artist_name, spotify_id)]
        )
        if last.stage == "failed":
            raise click.ClickException(f"discovery of {last.artist} failed: {last.reason}")
        if last.stage == "not found":
            return  # an outcome, already shown: no report to print
        _print_report(last.spotify_id or artist_name or "", "table")
        from discovery.ops.coverage_cli import coverage_line

        click.echo(coverage_line(settings.database_url, last.spotify_id or artist_name or ""))


@cli.command()
@click.option("--artist", "artist", required=True, help="Artist name (or Spotify id) already discovered.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--history", is_flag=True, help="Also when each credit was first seen, and the credits that ended.")
def report(artist: str, fmt: str, history: bool) -> None:
    """Print what is known about an artist's producers."""
    from discovery.ops import environment
    from discovery.settings import get_settings

    environment.require(get_settings())
    _print_report(artist, fmt, history)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def artists(fmt: str) -> None:
    """Everything discovered: each artist searched for, what it came to, with counts and state."""
    from discovery.ops import environment, listing
    from discovery.settings import get_settings

    settings = get_settings()
    environment.require(settings)
    rows = listing.collect(settings.database_url)
    if fmt == "json":
        import json

        click.echo(json.dumps(rows, indent=2, default=str))
    else:
        from rich.console import Console

        Console(width=max(Console().width, 120)).print(listing.as_table(rows))


@cli.command()
@click.argument("artists", nargs=-1)
@click.option("--timeout", "timeout_s", default=150.0, show_default=True, help="Seconds to wait for discovery.")
@click.option("--sandbox/--real-apis", "use_sandbox", default=None,
              help="Default: the sandbox, unless Spotify and Genius credentials are set.")
@click.option("--graph", "graph_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the first artist's collaboration graph (FILE.svg, .dot or .graphml).")
@click.option("--embedded/--no-embedded", default=True, show_default=True,
              help="Start an embedded Postgres/Redis (under .discovery/) when the configured one is not reachable.")
def demo(
    artists: tuple[str, ...], timeout_s: float, use_sandbox: bool | None, graph_out: Path | None, embedded: bool
) -> None:
    """Run everything locally on the demo catalog and print the demo artists' producers."""
    from discovery.ops import demo as demos
    from discovery.settings import get_settings

    try:
        reports = demos.run(
            get_settings(), list(artists) or None, timeout_s=timeout_s, use_sandbox=use_sandbox,
            graph_out=graph_out, embedded=embedded,
        )
    except KeyboardInterrupt:
        raise click.ClickException("interrupted; everything the demo started was stopped") from None
    if not reports:
        raise click.ClickException("no artist was discovered")


def _print_report(artist: str, fmt: str, history: bool = False) -> None:
    from discovery.catalog import report as reports
    from discovery.settings import get_settings

    try:
        found = reports.build(get_settings().database_url, artist)
    except reports.ArtistNotKnown as error:
        raise click.ClickException(str(error)) from None
    if history:
        from discovery.ops import freshness

        freshness.print_report_with_history(found, fmt)
    elif fmt == "json":
        click.echo(reports.as_json(found))
    elif fmt == "csv":
        click.echo(reports.as_csv(found), nl=False)
    else:
        from rich.console import Console

        Console(width=max(Console().width, 120)).print(reports.as_table(found))


def _register_optional_commands() -> None:
    # Subcommands that live beside the concept they drive.
    from discovery.ops.coverage_cli import coverage
    from discovery.sandbox.cli import sandbox

    cli.add_command(sandbox)
    cli.add_command(coverage)


_register_optional_commands()

from discovery.ops import commands  # noqa: E402  (operator commands: status, dlq, exporter)

cli.add_command(commands.status)
cli.add_command(commands.dlq)
cli.add_command(commands.exporter)
cli.add_command(commands.prune)

from discovery.ops import producers  # noqa: E402  (a producer's page, search, graph)

cli.add_command(producers.producer)
cli.add_command(producers.producers)
cli.add_command(producers.graph)

from discovery.ops import freshness  # noqa: E402  (watched artists, refresh, what changed)

cli.add_command(freshness.watch)
cli.add_command(freshness.refresh_command)
cli.add_command(freshness.changes)

from discovery.ops import dev  # noqa: E402  (embedded services for development)

cli.add_command(dev.dev)
