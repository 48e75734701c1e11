"""`discovery sandbox`: serve the offline API sandbox in the foreground (and `generate` a catalog)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from discovery.exceptions import ConfigurationError
from discovery.sandbox.generate_cli import generate_command
from discovery.sandbox.knobs import HANG_S, SPOTIFY_MODES, KnobError
from discovery.settings import parse_pairs


@click.group(invoke_without_command=True)
@click.pass_context
@click.option(
    "--catalog",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Catalog JSON file (default: the bundled demo catalog).",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True)
@click.option(
    "--spotify-mode",
    type=click.Choice(SPOTIFY_MODES),
    default="development",
    show_default=True,
    help="development: limit <= 10, no batch endpoints (403).",
)
@click.option("--rate", multiple=True, metavar="API=N/SECONDS", help="Rolling rate window.")
@click.option("--quota", multiple=True, metavar="API=N", help="429 QUOTA_EXCEEDED after N.")
@click.option("--fault-rate", multiple=True, metavar="API=P", help="Share answered 500/502/503.")
@click.option("--hang-rate", multiple=True, metavar="API=P", help="Share never answered.")
@click.option("--hang-s", default=HANG_S, show_default=True, help="How long a hang lasts.")
@click.option("--latency-ms", multiple=True, metavar="API=L", help="Added to every answer.")
@click.option("--seed", default=0, show_default=True, help="The same seed gives the same faults.")
@click.option(
    "--credentials",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='JSON {"spotify": {"client_id", "client_secret"}, "genius": {"token"}, '
    '"instagram": {"key"}}: accept only these (default: any non-empty).',
)
@click.option(
    "--knob",
    "extra_knobs",
    multiple=True,
    metavar="NAME=JSON",
    help="Any other knob, e.g. spotify_premium_required=true, genius_cloudflare=true, "
    'rate_status={"musicbrainz":503}, album_page_max=10, market_duplicates=true, '
    "musicbrainz_release_credits=true, musicbrainz_url_rels=true.",
)
def sandbox(
    ctx: click.Context,
    catalog: Path | None,
    host: str,
    port: int,
    spotify_mode: str,
    rate: tuple[str, ...],
    quota: tuple[str, ...],
    fault_rate: tuple[str, ...],
    hang_rate: tuple[str, ...],
    hang_s: float,
    latency_ms: tuple[str, ...],
    seed: int,
    credentials: Path | None,
    extra_knobs: tuple[str, ...],
) -> None:
    """Run the offline API sandbox (Spotify, Genius, MusicBrainz, Instagram) in the foreground."""
    if ctx.invoked_subcommand is not None:
        return
    from discovery.sandbox.catalog import CatalogError, load_catalog
    from discovery.sandbox.server import SandboxServer

    try:
        knobs: dict[str, Any] = {
            "spotify_mode": spotify_mode,
            "rate": parse_pairs(",".join(rate), "--rate"),
            "quota": parse_pairs(",".join(quota), "--quota"),
            "fault_rate": parse_pairs(",".join(fault_rate), "--fault-rate"),
            "hang_rate": parse_pairs(",".join(hang_rate), "--hang-rate"),
            "hang_s": hang_s,
            "latency_ms": parse_pairs(",".join(latency_ms), "--latency-ms"),
            "seed": seed,
            "credentials": json.loads(credentials.read_text()) if credentials else None,
        }
        for item in extra_knobs:
            name, _, value = item.partition("=")
            knobs[name.strip()] = json.loads(value)
        server = SandboxServer(
            load_catalog(catalog) if catalog else None, host=host, port=port, **knobs
        )
    except (CatalogError, ConfigurationError, KnobError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"sandbox serving {catalog or 'the demo catalog'} at {server.url}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("sandbox stopped")


sandbox.add_command(generate_command, "generate")
