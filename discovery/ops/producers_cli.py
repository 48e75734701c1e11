"""`discovery producers merge A B` and `discovery producers split A` (subcommands of the producers
group in ops/producers.py): a person fixes what the identity rules (catalog/identity.py) got
wrong. Both survive a re-discovery: a merge moves the source identities' links, a split records
that the identities are different people."""

from __future__ import annotations

import click


def _settings_url() -> str:
    from discovery.settings import get_settings

    return get_settings().database_url


@click.command()
@click.argument("keep")
@click.argument("other")
def merge(keep: str, other: str) -> None:
    """Merge producer OTHER into KEEP (each an id, a name or an alias)."""
    import psycopg

    from discovery.catalog import identity
    from discovery.pgmq import queues

    with psycopg.connect(_settings_url()) as conn, conn.transaction():
        identity.lock(conn)
        try:
            into_id, merged_id = identity.find_producer(conn, keep), identity.find_producer(conn, other)
            if into_id == merged_id:
                raise click.ClickException(f"{keep!r} and {other!r} are already one producer ({into_id})")
            into, gone = identity.producer_name(conn, into_id), identity.producer_name(conn, merged_id)
            identity.merge(conn, into_id, merged_id, f"merged by hand: {gone!r} into {into!r}", manual=True)
        except LookupError as error:
            raise click.ClickException(str(error)) from None
        wanted = identity.enrichment_wanted(conn, into_id)
        if wanted is not None:
            queues.send(conn, "social_enrichment", {"producerId": into_id, "producerName": wanted})
    click.echo(f"merged producer {merged_id} ({gone}) into {into_id} ({into})")


@click.command()
@click.argument("producer")
def split(producer: str) -> None:
    """Give each source identity of PRODUCER (an id, a name or an alias) its own producer again."""
    import psycopg

    from discovery.catalog import identity

    with psycopg.connect(_settings_url()) as conn, conn.transaction():
        identity.lock(conn)
        try:
            producer_id = identity.find_producer(conn, producer)
            created = identity.split(conn, producer_id)
        except LookupError as error:
            raise click.ClickException(str(error)) from None
    if not created:
        raise click.ClickException(f"producer {producer_id} has one source identity: nothing to split")
    click.echo(f"split producer {producer_id}; new producers: {', '.join(map(str, created))}")
