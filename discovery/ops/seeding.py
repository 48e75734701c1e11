"""Start a discovery: SELECT start_artist_discovery(name, lane => ...) (or _by_id), and say what
went wrong."""

from __future__ import annotations

import sys

import psycopg

from discovery.pgmq.lanes import INTERACTIVE
from discovery.pgmq.sql import query
from discovery.settings import get_settings


def start(
    database_url: str, artist_name: str | None = None, spotify_id: str | None = None, lane: str = INTERACTIVE
) -> int:
    """Send one artist_discovery message in `lane` (pgmq/lanes) through the SQL front door;
    returns its msg_id."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        if spotify_id is not None:
            row = conn.execute(
                query("start_artist_discovery_by_id"), {"spotify_id": spotify_id, "lane": lane}
            ).fetchone()
        else:
            row = conn.execute(query("start_artist_discovery"), {"artist_name": artist_name, "lane": lane}).fetchone()
    assert row is not None
    return int(row[0])


def seed_or_exit(artist_name: str | None, spotify_id: str | None, lane: str = INTERACTIVE) -> int:
    """For the command line: the msg_id, or a one-line error and exit status 2."""
    if (artist_name is None) == (spotify_id is None):
        sys.exit("seed: give an artist name, --spotify-id or --file (one of them)")
    try:
        return start(get_settings().database_url, artist_name, spotify_id, lane)
    except psycopg.errors.RaiseException as error:
        sys.exit(f"seed: {error.diag.message_primary}")
    except psycopg.Error as error:
        primary = getattr(error.diag, "message_primary", None) or str(error)
        sys.exit(f"seed: {primary}")
