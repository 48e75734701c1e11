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
    from discovery import migrations
    from discovery.settings import get_settings

    applied = migrations.migrate(get_settings().database_url, create_db=create_db)
    click.echo(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else ""))


@cli.command()
@click.argument("artist_name", required=False)
@click.option("--spotify-id", help="Start from a Spotify artist id instead of a name.")
def seed(artist_name: str | None, spotify_id: str | None) -> None:
    """Put one artist on the artist_discovery queue and print its msg_id."""
    from discovery import seeding

    click.echo(seeding.seed_or_exit(artist_name, spotify_id))


def _register_optional_commands() -> None:
    # Subcommands that live beside the concept they drive.
    from discovery.sandbox.cli import sandbox

    cli.add_command(sandbox)


_register_optional_commands()


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
