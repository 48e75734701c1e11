"""`discovery dev up|down|status`: an embedded Postgres and Redis (under .discovery/) for a longer
development session on a machine that has neither; prints the URLs to export."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from discovery.local.services import Embedded


@click.group()
def dev() -> None:
    """Embedded Postgres and Redis for development (the `embedded` extra)."""


@dev.command()
def up() -> None:
    """Start them (or find them running) and print the settings to export."""
    from discovery.local import services
    from discovery.pgmq import migrations

    folder = services.home()
    state = services.up(folder)
    migrations.migrate(state.database_url, create_db=True)
    click.echo(f"embedded Postgres and Redis running in {folder}; stop them with `discovery dev down`")
    _print_exports(state)


@dev.command()
def down() -> None:
    """Stop them (their data stays in the folder)."""
    from discovery.local import services

    folder = services.home()
    services.down(folder)
    click.echo(f"embedded Postgres and Redis in {folder} stopped")


@dev.command("status")
def status_() -> None:
    """Say what runs; exit 1 when something is not running."""
    from discovery.local import services

    folder = services.home()
    state = services.running(folder)
    click.echo(f"Postgres: {'running' if state.database_url else 'stopped'}; "
               f"Redis: {'running' if state.redis_url else 'stopped'} (in {folder})")
    if state.database_url and state.redis_url:
        _print_exports(state)
    else:
        raise SystemExit(1)


def _print_exports(state: Embedded) -> None:
    click.echo(f"export DATABASE_URL='{state.database_url}'")
    click.echo(f"export REDIS_URL='{state.redis_url}'")
