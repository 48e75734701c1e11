"""`discovery producer`, `discovery producers` and `discovery graph`: the results seen from a
producer, and drawn."""

from __future__ import annotations

from pathlib import Path

import click

from discovery.escaping import csv_cell, terminal
from discovery.ops import producers_cli
from discovery.settings import get_settings

GRAPH_FORMATS = (".svg", ".dot", ".graphml")


@click.command()
@click.argument("name", required=False)
@click.option("--genius-id", type=int, help="The producer's Genius artist id.")
@click.option("--musicbrainz-id", help="The producer's MusicBrainz artist id.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def producer(name: str | None, genius_id: int | None, musicbrainz_id: str | None, fmt: str) -> None:
    """A producer's page: ids, socials, aliases and links (with why), every credit across artists
    (with its evidence), artists and collaborators. NAME may be an id, a name or an alias."""
    from discovery.catalog import producer_page

    if sum(x is not None for x in (name, genius_id, musicbrainz_id)) != 1:
        raise click.UsageError("give exactly one of NAME, --genius-id, --musicbrainz-id")
    try:
        page = producer_page.build(
            get_settings().database_url, name=name, genius_id=genius_id, musicbrainz_id=musicbrainz_id
        )
    except producer_page.ProducerNotKnown as error:
        raise click.ClickException(str(error)) from error
    if fmt == "json":
        click.echo(producer_page.as_json(page))
    elif fmt == "csv":
        click.echo(producer_page.as_csv(page), nl=False)
    else:
        from rich.console import Console

        Console(width=max(Console().width, 140)).print(producer_page.as_table(page))


@click.group(invoke_without_command=True)
@click.option("--artist", help="List this artist's producers (name or Spotify id).")
@click.option("--search", "text", help="Producers any of whose names or aliases contains this (accents, case and apostrophes ignored).")
@click.option("--sort", type=click.Choice(["credits", "name"]), default="credits", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_context
def producers(ctx: click.Context, artist: str | None, text: str | None, sort: str, limit: int, fmt: str) -> None:
    """Search producers by name, or list one artist's producers by number of credits; `merge` and
    `split` fix which names are one person."""
    import json

    import psycopg

    from discovery.catalog import producer_page
    from discovery.catalog.report import ArtistNotKnown

    if ctx.invoked_subcommand is not None:
        return
    if (artist is None) == (text is None):
        raise click.UsageError("give exactly one of --artist, --search")
    url = get_settings().database_url
    try:
        found = producer_page.of_artist(url, artist) if artist is not None else producer_page.search(url, text or "", limit)
    except ArtistNotKnown as error:
        raise click.ClickException(str(error)) from error
    except psycopg.errors.DataError as error:  # search_producers says what is wrong with the text
        raise click.ClickException(error.diag.message_primary or str(error)) from error
    if sort == "name":
        found.sort(key=lambda row: (row["name"].casefold(), row["id"]))
    found = found[:limit]
    if fmt == "json":
        click.echo(json.dumps(found, indent=2, ensure_ascii=False, default=int))
        return
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=["id", "name", "genius_id", "musicbrainz_id", "credits", "tracks"])
        writer.writeheader()
        writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in found)
        click.echo(out.getvalue(), nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(found)} producer(s)")
    for column in ("Producer", "Genius id", "MusicBrainz id", "Credits", "Tracks"):
        table.add_column(column)
    for row in found:
        table.add_row(terminal(row["name"]), str(row["genius_id"] or "—"), terminal(row["musicbrainz_id"] or "—"),
                      str(row["credits"]), str(row["tracks"]))
    Console(width=max(Console().width, 120)).print(table)


producers.add_command(producers_cli.merge)
producers.add_command(producers_cli.split)


@click.command()
@click.option("--artist", help="The artist's graph: their producers and who worked with whom.")
@click.option("--producer", "producer_name", help="The producer's graph: their artists and collaborators.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="FILE.svg, FILE.dot or FILE.graphml")
def graph(artist: str | None, producer_name: str | None, out: Path) -> None:
    """Write the collaboration graph (edges weighted by shared credited tracks)."""
    from discovery.catalog import graph as graphs
    from discovery.catalog.producer_page import ProducerNotKnown
    from discovery.catalog.report import ArtistNotKnown
    from discovery.ops.drawing import write_graph

    if (artist is None) == (producer_name is None):
        raise click.UsageError("give exactly one of --artist, --producer")
    if out.suffix.lower() not in GRAPH_FORMATS:
        raise click.UsageError(f"--out must end in one of {', '.join(GRAPH_FORMATS)}")
    url = get_settings().database_url
    try:
        drawn = graphs.of_artist(url, artist) if artist is not None else graphs.of_producer(url, name=producer_name)
    except (ArtistNotKnown, ProducerNotKnown) as error:
        raise click.ClickException(str(error)) from error
    write_graph(drawn, out)
    click.echo(f"wrote {out} ({drawn.number_of_nodes()} nodes, {drawn.number_of_edges()} edges)")
