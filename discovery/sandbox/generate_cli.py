"""`discovery sandbox generate`: write a generated (or the demo) catalog and its answer key.

The answer key goes beside the catalog: `FILE` with its `.json` suffix replaced by
`.truth.json` (`cat.json` -> `cat.truth.json`), or `FILE + ".truth.json"` when FILE does not end
in `.json` (`cat` -> `cat.truth.json`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from discovery.sandbox.generator import LONG_ALBUM_TRACKS, demo_catalog, generate_catalog


def truth_path(catalog_path: Path) -> Path:
    """Where the answer key of `catalog_path` is written (rule in the module docstring)."""
    name = catalog_path.name
    stem = name[: -len(".json")] if name.endswith(".json") else name
    return catalog_path.with_name(stem + ".truth.json")


def write_json(path: Path, data: dict[str, Any]) -> None:
    # ASCII escapes keep the non-breaking and zero-width spaces visible in the file.
    path.write_text(json.dumps(data, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")


@click.command("generate")
@click.option(
    "--artists",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Seed artists (the ones to discover).",
)
@click.option(
    "--albums",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Albums per seed artist: exactly this for the first, at most this for others.",
)
@click.option(
    "--tracks",
    type=click.IntRange(min=1),
    default=6,
    show_default=True,
    help="Tracks per album, at most (at least half of it).",
)
@click.option(
    "--long-album",
    type=click.IntRange(min=0),
    default=LONG_ALBUM_TRACKS,
    show_default=True,
    help="Tracks on the first artist's first album, at least (0: off).",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same catalog.")
@click.option(
    "--shapes", is_flag=True,
    help="Add the title and artist shapes of real catalogs (generic titles on two albums, two scripts, bare feat, ...).",
)
@click.option("--demo", is_flag=True, help="Write the demo catalog shipped with the package.")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Catalog file; the answer key is written beside it as *.truth.json.",
)
def generate_command(
    artists: int, albums: int, tracks: int, long_album: int, seed: int, shapes: bool, demo: bool, out: Path
) -> None:
    """Write a deterministic sandbox catalog and its answer key."""
    if demo:
        catalog, truth = demo_catalog()
    else:
        catalog, truth = generate_catalog(
            artists, albums, tracks, seed, long_album_tracks=long_album, shapes=shapes
        )
    write_json(out, catalog)
    key = truth_path(out)
    write_json(key, truth)
    click.echo(
        f"wrote {out} ({len(catalog['spotify']['tracks'])} tracks) and {key} "
        f"({len(truth['producers'])} producers)"
    )
