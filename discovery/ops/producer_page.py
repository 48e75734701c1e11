"""`discovery producer NAME`: one producer's aliases, links (each with why it was made) and credits
(each with its evidence)."""

from __future__ import annotations

import json
from typing import Any

import click


@click.command()
@click.argument("producer")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def producer(producer: str, fmt: str) -> None:
    """Show PRODUCER (an id, a name or an alias): aliases, links and credits with their evidence."""
    import psycopg

    from discovery.catalog import identity
    from discovery.settings import get_settings

    with psycopg.connect(get_settings().database_url) as conn:
        try:
            page = identity.producer_page(conn, identity.find_producer(conn, producer))
        except LookupError as error:
            raise click.ClickException(str(error)) from None
    if fmt == "json":
        click.echo(json.dumps(page, indent=2, ensure_ascii=False, default=str))
        return
    from rich.console import Console

    Console(width=max(Console().width, 120)).print(_tables(page))


def _evidence(credit: dict[str, Any]) -> str:
    if credit["genius_song_id"]:
        return f"Genius song {credit['genius_song_id']} ({credit['genius_section']})"
    if credit["musicbrainz_recording_id"]:
        attributes = ", ".join(credit["musicbrainz_attributes"] or []) or "no attributes"
        return (f"MusicBrainz recording {credit['musicbrainz_recording_id']} "
                f"({credit['musicbrainz_relation_type']}; {attributes}; ISRC {credit['isrc']})")
    return "—"


def _tables(page: dict[str, Any]) -> Any:
    from rich.console import Group
    from rich.table import Table

    links = Table(title=f"{page['name']} (producer {page['id']}): links")
    for column in ("Source", "Id", "Name there", "Why"):
        links.add_column(column)
    for link in page["links"]:
        links.add_row(link["source"], link["external_id"], link["name"], link["reason"])
    aliases = Table(title="Aliases")
    for column in ("Alias", "Source"):
        aliases.add_column(column)
    for alias in page["aliases"]:
        aliases.add_row(alias["alias"], alias["source"])
    credits = Table(title="Credits")
    for column in ("Track", "Album", "Role", "Credited as", "Evidence"):
        credits.add_column(column)
    for credit in page["credits"]:
        credits.add_row(credit["track"], credit["album"], credit["role"], credit["credited_as"] or "—",
                        _evidence(credit))
    return Group(links, aliases, credits)
