"""The proving harness's commands: `discovery bench` and `discovery soak`, added to the `discovery`
group by the entry point (discovery/cli.py). Each imports what it needs when it runs."""

from __future__ import annotations

import sys

import click


@click.command()
@click.option("--quick", is_flag=True, help="Every measurement, small: shows the bench works, not the figures.")
@click.option("--concurrency", default=2, show_default=True, help="Processes per pool.")
@click.option("--markdown", "markdown_to", type=click.Path(dir_okay=False), help="Also append the figures to this file.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON document on stdout (the progress lines go to stderr).")
@click.option("--only", type=click.Choice(["throughput"]),
              help="Only this part: throughput (the Celery no-op ceiling, the pipeline against it and its CPU).")
def bench(quick: bool, concurrency: int, markdown_to: str | None, as_json: bool, only: str | None) -> None:
    """Measure throughput, latency, the bridge at depth and memory against their ceilings."""
    import time

    from discovery.proving import bench as benches
    from discovery.settings import get_settings

    started = time.monotonic()
    figures = benches.run(get_settings(), quick, concurrency, sys.stderr if as_json else sys.stdout, only=only)
    if markdown_to:
        with open(markdown_to, "a", encoding="utf-8") as out:
            out.write("\n" + benches.as_markdown(figures, quick, concurrency, time.monotonic() - started))
    if as_json:
        click.echo(benches.as_json(figures))


@click.command()
@click.option("--short", is_flag=True, help="The CI version: 4 artists, every fault once.")
@click.option("--artists", type=int, default=None, help="Artists in the generated catalog (default 50).")
@click.option("--kills", type=int, default=None, help="Worker processes to SIGKILL (default 8).")
@click.option("--seed", type=int, default=None, help="Seed of the catalog and of the faults.")
@click.option("--keep-database", is_flag=True, help="Leave the soak's database for inspection.")
@click.option("--json", "as_json", is_flag=True, help="Also print a JSON summary.")
def soak(short: bool, artists: int | None, kills: int | None, seed: int | None, keep_database: bool,
         as_json: bool) -> None:
    """Chaos soak: a generated catalog through beat and the five pools while faults are injected;
    exit 1 unless nothing was lost or doubled. Runs in a new database on DATABASE_URL's server
    (needs the right to create it and to terminate its connections) and its own redis-servers."""
    import uuid

    from psycopg.conninfo import make_conninfo

    from discovery.pgmq import migrations
    from discovery.proving import soak as soaks
    from discovery.settings import get_settings

    plan = soaks.SoakPlan.short() if short else soaks.SoakPlan()
    for name, value in (("artists", artists), ("kills", kills), ("seed", seed)):
        if value is not None:
            setattr(plan, name, value)
    name = f"discovery_soak_{uuid.uuid4().hex[:8]}"
    url = make_conninfo(get_settings().database_url, dbname=name)
    migrations.migrate(url, create_db=True)
    try:
        result = soaks.run(plan, url)
    finally:
        if keep_database:
            click.echo(f"database kept: {name}", err=True)
        else:
            migrations.drop_database(url)
    if as_json:
        click.echo(soaks.as_json(result))
    sys.exit(0 if result.ok else 1)


COMMANDS = (bench, soak)
