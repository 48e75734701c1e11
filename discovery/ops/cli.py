"""The `discovery` command. Each subcommand imports what it needs when it runs."""

from __future__ import annotations

import click

from discovery.logs import configure_logging


@click.group()
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
    from discovery.ops import seeding

    msg_id = seeding.seed_or_exit(artist_name, spotify_id)
    click.echo(msg_id)
    if follow:
        from discovery.ops import progress
        from discovery.settings import get_settings

        settings = get_settings()
        [last] = progress.follow(
            settings.database_url, settings.redis_url, [progress.Seeded(msg_id, artist_name, spotify_id)]
        )
        if last.stage == "failed":
            raise click.ClickException(f"discovery of {last.artist} failed: {last.reason}")
        _print_report(last.spotify_id or artist_name or "", "table")


@cli.command()
@click.option("--artist", "artist", required=True, help="Artist name (or Spotify id) already discovered.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def report(artist: str, fmt: str) -> None:
    """Print what is known about an artist's producers."""
    _print_report(artist, fmt)


@cli.command()
@click.argument("artists", nargs=-1)
@click.option("--timeout", "timeout_s", default=150.0, show_default=True, help="Seconds to wait for discovery.")
@click.option("--sandbox/--real-apis", "use_sandbox", default=None,
              help="Default: the sandbox, unless Spotify and Genius credentials are set.")
def demo(artists: tuple[str, ...], timeout_s: float, use_sandbox: bool | None) -> None:
    """Run everything locally on the demo catalog and print the demo artists' producers."""
    from discovery.ops import demo as demos
    from discovery.settings import get_settings

    try:
        reports = demos.run(get_settings(), list(artists) or None, timeout_s=timeout_s, use_sandbox=use_sandbox)
    except KeyboardInterrupt:
        raise click.ClickException("interrupted; everything the demo started was stopped") from None
    if not reports:
        raise click.ClickException("no artist was discovered")


def _print_report(artist: str, fmt: str) -> None:
    from discovery.catalog import report as reports
    from discovery.settings import get_settings

    try:
        found = reports.build(get_settings().database_url, artist)
    except reports.ArtistNotKnown as error:
        raise click.ClickException(str(error)) from None
    if fmt == "json":
        click.echo(reports.as_json(found))
    elif fmt == "csv":
        click.echo(reports.as_csv(found), nl=False)
    else:
        from rich.console import Console

        Console(width=max(Console().width, 120)).print(reports.as_table(found))


def _register_optional_commands() -> None:
    # Subcommands that live beside the concept they drive.
    from discovery.sandbox.cli import sandbox

    cli.add_command(sandbox)


_register_optional_commands()

from discovery.ops import commands  # noqa: E402  (operator commands: status, dlq, exporter)

cli.add_command(commands.status)
cli.add_command(commands.dlq)
cli.add_command(commands.exporter)
cli.add_command(commands.prune)
cli.add_command(commands.soak)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
