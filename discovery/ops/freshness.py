"""`discovery watch add|remove|list`, `discovery refresh` and `discovery changes`: keeping the data
true (docs/operating.md "Keeping data true")."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import psycopg

from discovery.catalog import history, refresh, watching
from discovery.exceptions import InvalidMessage
from discovery.pgmq import queues
from discovery.pgmq.messages import validate
from discovery.settings import Settings, get_settings

SPOTIFY_ID = re.compile(r"[0-9A-Za-z]{22}")
SPOTIFY_ARTIST = re.compile(r"(?:spotify:artist:|open\.spotify\.com/artist/)([0-9A-Za-z]{22})")
DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
UNITS_S = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def _ready() -> Settings:
    from discovery.ops import environment

    settings = get_settings()
    environment.require(settings)
    return settings


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value is not None else "never"


# -- watch ------------------------------------------------------------------------------------


@click.group()
def watch() -> None:
    """Watched artists: their releases are listed again on the cadence, their recordings checked."""


def add_one(conn: psycopg.Connection, name: str | None, spotify_id: str | None) -> str:
    """Watch a discovered artist, or seed one not discovered yet (watched once found); a line
    saying which."""
    found = watching.find_artist(conn, spotify_id or name or "")
    if found is not None:
        new = watching.watch(conn, found[0], watching.BY_HAND)
        return f"{'watching' if new else 'already watching'} {found[1]} ({found[0]})"
    if spotify_id is not None and not SPOTIFY_ID.fullmatch(spotify_id):
        raise InvalidMessage(f"a Spotify artist id is 22 letters and digits, got {spotify_id!r}")
    message: dict[str, Any] = {"artistId": spotify_id} if spotify_id else {"artistName": name}
    validate("artist_discovery", message | {"watch": True})
    msg_id = queues.send(conn, "artist_discovery", message | {"watch": True})
    return f"seeded {spotify_id or name!r} (msg {msg_id}): watched once found"


def _file_entries(path: Path) -> list[tuple[str | None, str | None]]:
    """One artist per line: a name, or a Spotify artist URI or URL; blank lines and # comments skipped."""
    entries: list[tuple[str | None, str | None]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        matched = SPOTIFY_ARTIST.search(text)
        entries.append((None, matched.group(1)) if matched else (text, None))
    return entries


@watch.command("add")
@click.argument("name", required=False)
@click.option("--spotify-id", help="A Spotify artist id instead of a name.")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="One artist per line: a name, or a Spotify artist URI/URL.")
def watch_add(name: str | None, spotify_id: str | None, path: Path | None) -> None:
    """Watch an artist (one not discovered yet is seeded, and watched once found)."""
    if sum(value is not None for value in (name, spotify_id, path)) != 1:
        raise click.UsageError("give a NAME, --spotify-id ID or --file PATH (one of them)")
    settings = _ready()
    entries = _file_entries(path) if path else [(name, spotify_id)]
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        for entry_name, entry_id in entries:
            try:
                click.echo(add_one(conn, entry_name, entry_id))
            except InvalidMessage as error:
                raise click.ClickException(f"watch add {entry_id or entry_name!r}: {error}") from None


@watch.command("remove")
@click.argument("name")
def watch_remove(name: str) -> None:
    """Stop watching an artist (by name or Spotify id); what was discovered stays."""
    settings = _ready()
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        found = watching.find_artist(conn, name)
        if found is None:
            raise click.ClickException(f"no artist named {name!r} has been discovered")
        removed = watching.unwatch(conn, found[0])
    click.echo(f"{'stopped watching' if removed else 'was not watching'} {found[1]} ({found[0]})")


@watch.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def watch_list(fmt: str) -> None:
    """Watched artists with their last and next refresh."""
    settings = _ready()
    with psycopg.connect(settings.database_url) as conn:
        rows = watching.watched(conn, settings.discovery_refresh_cadence_s)
    if fmt == "json":
        click.echo(json.dumps([{key: watching.when(value) if isinstance(value, datetime) else value
                                for key, value in row.items()} for row in rows], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} watched artists (refreshed every {_cadence(settings)})")
    for column in ("Artist", "Spotify id", "Watched since", "Why", "Last refresh", "Next refresh"):
        table.add_column(column)
    now = datetime.now(UTC)
    for row in rows:
        due = row["next_refresh"]
        table.add_row(row["name"], row["spotify_id"], _when(row["watched_since"]), row["reason"],
                      _when(row["last_refresh"]), "due now" if due <= now else _when(due))
    Console(width=max(Console().width, 120)).print(table)


def _cadence(settings: Settings) -> str:
    seconds = settings.discovery_refresh_cadence_s
    return f"{seconds / 86400:g} days" if seconds >= 86400 else f"{seconds / 3600:g} hours"


# -- refresh ----------------------------------------------------------------------------------


@click.command("refresh")
@click.option("--artist", "artist", help="One artist (name or Spotify id), watched or not.")
@click.option("--all", "everyone", is_flag=True, help="Every watched artist.")
@click.option("--now", "regardless", is_flag=True,
              help="Also check every recording of those artists again, whatever its age.")
def refresh_command(artist: str | None, everyone: bool, regardless: bool) -> None:
    """Refresh now: list the artists' releases again (fetching only new ones) and identify again
    their recordings that are due (with --now, all of them), in the refresh lane and budget."""
    if (artist is None) == (not everyone):
        raise click.UsageError("give --artist NAME or --all (one of them)")
    settings = _ready()
    with psycopg.connect(settings.database_url) as conn, conn.transaction():
        if artist is not None:
            found = watching.find_artist(conn, artist)
            if found is None:
                raise click.ClickException(f"no artist named {artist!r} has been discovered")
            artists = [found[0]]
        else:
            artists = refresh.watched_artists(conn)
        queued = refresh.queue_artist_refreshes(conn, artists)
        keys = refresh.due_recordings(conn, 10**9, artists, regardless=regardless) if artists else []
        checks = refresh.queue_recording_checks(conn, keys)
    from discovery.clients import budget

    left = ", ".join(f"{api} {calls}" for api, calls in budget.left_today(settings).items())
    click.echo(f"queued {queued} artist refresh(es) and {checks} recording check(s); refresh budget left today: {left}")


# -- changes ----------------------------------------------------------------------------------


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """"7d", "12h", "30m", "2w", or an ISO date/time (UTC unless it says otherwise)."""
    now = now or datetime.now(UTC)
    matched = DURATION.match(text)
    if matched:
        return now - timedelta(seconds=int(matched.group(1)) * UNITS_S[matched.group(2)])
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(f"{text!r}: give a duration (30m, 12h, 7d, 2w) or an ISO date/time") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def as_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(history.CHANGE_COLUMNS)
    for row in rows:
        writer.writerow([_cell(row[column]) for column in history.CHANGE_COLUMNS])
    return out.getvalue()


def _cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


@click.command("changes")
@click.option("--since", "since_text", default="7d", show_default=True, help="30m, 12h, 7d, 2w or an ISO date/time.")
@click.option("--artist", "artist", help="Only this artist's changes (name as stored).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def changes(since_text: str, artist: str | None, fmt: str) -> None:
    """What changed: new releases and tracks, new and ended credits, new producers (SQL:
    SELECT * FROM recent_changes(since))."""
    since = parse_since(since_text)
    settings = _ready()
    with psycopg.connect(settings.database_url) as conn:
        rows = history.changes(conn, since)
    if artist is not None:
        rows = [row for row in rows if (row["artist"] or "").casefold() == artist.casefold()]
    if fmt == "json":
        click.echo(json.dumps([{key: _cell(value) for key, value in row.items()} for row in rows], indent=2,
                              ensure_ascii=False))
    elif fmt == "csv":
        click.echo(as_csv(rows), nl=False)
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"{len(rows)} changes since {_when(since)}")
        for column in ("When", "Kind", "Artist", "Track", "Producer", "Source", "Album", "Role", "Detail"):
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(_when(row["changed_at"]), row["kind"], row["artist"], row["track"] or "",
                          row["producer"] or "", row["source"] or "", row["album"] or "", row["role"] or "",
                          row["detail"] or "")
        Console(width=max(Console().width, 120)).print(table)


# -- report --history -------------------------------------------------------------------------

HISTORY_COLUMNS = ("status", "first_seen", "ended_at", "ended_because")


def print_report_with_history(found: dict[str, Any], fmt: str) -> None:
    """`discovery report --history`: the report, each credit with when it was first seen, and the
    artist's ended credits (JSON: `ended_credits`; CSV: rows with status "ended"; table: a second table)."""
    from discovery.catalog import report as reports

    with psycopg.connect(get_settings().database_url) as conn:
        full = history.with_history(conn, found)
    if fmt == "json":
        click.echo(reports.as_json(full))
    elif fmt == "csv":
        click.echo(history_csv(full), nl=False)
    else:
        from rich.console import Console

        console = Console(width=max(Console().width, 120))
        console.print(reports.as_table(full))
        console.print(ended_table(full["ended_credits"]))


def history_csv(full: dict[str, Any]) -> str:
    """The report's CSV with HISTORY_COLUMNS, then one row per ended credit."""
    from discovery.catalog import report as reports

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow((*reports.CSV_COLUMNS, *HISTORY_COLUMNS))
    artist = full["artist"]["name"]
    for producer in full["producers"]:
        socials = producer["socials"]
        for credit in producer["credits"]:
            writer.writerow([
                artist, producer["name"], producer["genius_id"], producer["musicbrainz_id"], credit["spotify_track_id"],
                credit["track"], credit["album"], credit["role"], credit["source"], credit["confidence"],
                socials["instagram"], socials["instagram_followers"], socials["twitter"], socials["facebook"],
                *reports.evidence_cells(credit), "in force", credit.get("first_seen"), "", "",
            ])
    for ended in full["ended_credits"]:
        writer.writerow([
            artist, ended["producer"], ended["genius_id"], ended["musicbrainz_id"], ended["spotify_track_id"],
            ended["track"], ended["album"], ended["role"], ended["source"], ended["confidence"], "", "", "", "",
            *reports.evidence_cells(ended), "ended", ended["first_seen"], ended["ended_at"], ended["ended_because"],
        ])
    return out.getvalue()


def ended_table(ended: list[dict[str, Any]]) -> Any:
    from rich.table import Table

    table = Table(title=f"{len(ended)} ended credits")
    for column in ("Producer", "Track", "Role", "Source", "First seen", "Ended", "Why"):
        table.add_column(column, overflow="fold")
    for row in ended:
        table.add_row(row["producer"], row["track"], row["role"], row["source"], row["first_seen"][:16],
                      row["ended_at"][:16], row["ended_because"])
    return table
