"""`discovery coverage`: why each track has (or lacks) its producers."""

from __future__ import annotations

import click


@click.command()
@click.option("--artist", help="Artist name (or Spotify id) already discovered; default: every artist.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def coverage(artist: str | None, fmt: str) -> None:
    """Count the tracks per outcome and per source, and list the uncredited ones with their reason."""
    from discovery.catalog import coverage as coverages
    from discovery.catalog.report import ArtistNotKnown
    from discovery.settings import get_settings

    try:
        found = coverages.build(get_settings().database_url, artist)
    except ArtistNotKnown as error:
        raise click.ClickException(str(error)) from None
    if fmt == "json":
        click.echo(coverages.as_json(found))
    elif fmt == "csv":
        click.echo(coverages.as_csv(found), nl=False)
    else:
        from rich.console import Console

        Console(width=max(Console().width, 120)).print(coverages.as_table(found))


def coverage_line(database_url: str, artist: str) -> str:
    """The artist's coverage in one line (what `seed --follow` ends with)."""
    from discovery.catalog import coverage as coverages

    return coverages.line(coverages.build(database_url, artist))
