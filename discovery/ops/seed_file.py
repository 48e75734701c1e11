"""`discovery seed --file PATH`: a backfill, one artist a line, in the bulk lane (pgmq/lanes).

A line is an artist's name, a Spotify artist id (22 letters and digits), an open.spotify.com
artist URL or a `spotify:artist:` URI; or the file is a CSV whose header has a column `artist` or
`spotify_id` (both: the id wins where a row has one). Lines starting with `#` are comments.
What the file repeats, and artists already discovered or already queued in any lane, are
skipped; a bad line is refused with its line number and why, and never stops the rest. The
messages go out in chunks, one transaction each (pgmq.send_batch), so a file of 100,000 lines
takes seconds, not one round trip per line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import LiteralString
from urllib.parse import urlsplit

import psycopg

from discovery.pgmq import lanes, queues
from discovery.pgmq.sql import queries

STAGE = "artist_discovery"
CHUNK = 5000
MAX_NAME_CHARS = 200  # as start_artist_discovery allows
SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")
# What the seed function refuses in a name (0061): ESC starts terminal sequences, a newline forges a log line.
CONTROL_CHARACTER = re.compile("[\x01-\x1f\x7f-\x9f]")
# Blank as the SQL front door sees it: no-break and zero-width spaces are not visible characters.
INVISIBLE = frozenset("\u00a0\u200b\u200c\u200d\u2060\ufeff")
CSV_COLUMNS = ("artist", "spotify_id")


@dataclass(frozen=True)
class Artist:
    """One artist asked for: by Spotify id, or by name."""

    line: int
    spotify_id: str | None = None
    name: str | None = None
    folded: str = ""  # the name, case and spacing aside: what tells two names apart

    @property
    def key(self) -> str:
        return self.spotify_id or f"name:{self.folded}"

    @property
    def message(self) -> dict[str, str]:
        return {"artistId": self.spotify_id} if self.spotify_id else {"artistName": self.name or ""}


@dataclass(frozen=True)
class Refusal:
    line: int
    reason: str  # blank | control character U+XXXX at character N | too long (N characters; at most 200) | not an id: ...


@dataclass
class Summary:
    """What a seed file came to."""

    lane: str = lanes.BULK
    lines: int = 0
    queued: int = 0
    discovered: int = 0  # already discovered
    waiting: int = 0  # already queued, in any lane
    repeated: int = 0  # the file had them on an earlier line
    refused: list[Refusal] = field(default_factory=list)

    @property
    def already_known(self) -> int:
        return self.discovered + self.waiting

    def text(self) -> str:
        head = (
            f"queued {self.queued} in the {self.lane} lane; already known {self.already_known} "
            f"({self.discovered} discovered, {self.waiting} queued); repeated in the file "
            f"{self.repeated}; refused {len(self.refused)}"
        )
        lines = [head]
        if self.queued == 0 and self.already_known:
            lines.append("nothing new: every artist of this file is already discovered or queued")
        lines += [f"line {refusal.line}: {refusal.reason}" for refusal in self.refused]
        return "\n".join(lines)


def _fold(name: str) -> str:
    return " ".join(name.split()).lower()


def parse_value(line: int, text: str, *, id_only: bool = False) -> Artist | Refusal:
    """One line's (or cell's) artist, or why it is refused."""
    value = text.strip()
    if all(char.isspace() or char in INVISIBLE for char in value):
        return Refusal(line, "blank")
    control = CONTROL_CHARACTER.search(value)
    if control is not None:  # as start_artist_discovery refuses them (migration 0061)
        return Refusal(line, f"control character U+{ord(control.group()):04X} at character {control.start() + 1}")
    if "://" in value or value.startswith(("open.spotify.com/", "spotify:")):
        return _from_link(line, value)
    if SPOTIFY_ID.match(value):
        return Artist(line, spotify_id=value)
    if id_only:
        return Refusal(line, f"not an id: {value[:60]!r} is not 22 letters and digits")
    if len(value) > MAX_NAME_CHARS:
        return Refusal(line, f"too long ({len(value)} characters; at most {MAX_NAME_CHARS})")
    return Artist(line, name=value, folded=_fold(value))


def _from_link(line: int, value: str) -> Artist | Refusal:
    """open.spotify.com/artist/ID (any locale prefix, query string) or spotify:artist:ID."""
    if value.startswith("spotify:"):
        parts = value.split(":")
        found = parts[2] if len(parts) == 3 and parts[1] == "artist" else None
    else:
        split = urlsplit(value if "://" in value else "https://" + value)
        segments = [part for part in split.path.split("/") if part]
        found = None
        if split.hostname == "open.spotify.com" and "artist" in segments[:-1]:
            found = segments[segments.index("artist") + 1]
    if found is None or not SPOTIFY_ID.match(found):
        return Refusal(line, f"not an id: {value[:80]!r} is no Spotify artist link")
    return Artist(line, spotify_id=found)


def read_entries(path: Path) -> Iterator[Artist | Refusal]:
    """The file's artists and refusals, in file order, numbered by line."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        first = handle.readline()
        header = [cell.strip().lower() for cell in next(csv.reader([first]), [])]
        if any(column in header for column in CSV_COLUMNS):
            yield from _read_csv(handle, header)
            return
        handle.seek(0)
        for number, text in enumerate(handle, start=1):
            if not text.lstrip().startswith("#"):
                yield parse_value(number, text)


def _read_csv(handle: Iterator[str], header: list[str]) -> Iterator[Artist | Refusal]:
    # The header was line 1; csv tells which line a row ended on (a quoted cell may span lines).
    reader = csv.reader(handle)
    for row in reader:
        number = reader.line_num + 1
        cells = dict(zip(header, row, strict=False))
        spotify_id = (cells.get("spotify_id") or "").strip()
        if spotify_id:
            yield parse_value(number, spotify_id, id_only=True)
        else:
            yield parse_value(number, cells.get("artist") or "")


def _q(name: str) -> LiteralString:
    return queries("seeding.sql")[name]


class _Known:
    """Artists already discovered or queued: the queued ones read once, the discovered ones per
    chunk (by index for ids)."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.queued_ids: set[str] = set()
        self.queued_names: set[str] = set()
        for queue in lanes.lane_queues(STAGE):
            self.queued_ids |= queues.waiting_values(conn, queue, "artistId")
            self.queued_names |= {_fold(name) for name in queues.waiting_values(conn, queue, "artistName", fold=True)}

    def split(self, conn: psycopg.Connection, chunk: list[Artist]) -> tuple[list[Artist], int, int]:
        """(new artists, how many are discovered, how many are queued)."""
        ids = [artist.spotify_id for artist in chunk if artist.spotify_id]
        names = [artist.folded for artist in chunk if artist.name]
        found_ids = {row[0] for row in conn.execute(_q("known_ids"), {"ids": ids})} if ids else set()
        found_names = {_fold(row[0]) for row in conn.execute(_q("known_names"), {"names": names})} if names else set()
        fresh: list[Artist] = []
        discovered = waiting = 0
        for artist in chunk:
            if artist.spotify_id in found_ids or (artist.name and artist.folded in found_names):
                discovered += 1
            elif artist.spotify_id in self.queued_ids or (artist.name and artist.folded in self.queued_names):
                waiting += 1
            else:
                fresh.append(artist)
        return fresh, discovered, waiting


def seed_file(
    database_url: str,
    path: Path,
    *,
    lane: str = lanes.BULK,
    chunk_size: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Queue every new artist of `path` in `lane`; `progress(lines)` after each chunk."""
    target = lanes.lane_queue(STAGE, lanes.check_lane(lane))
    summary = Summary(lane)
    seen: set[str] = set()
    with psycopg.connect(database_url, autocommit=True) as conn:
        known = _Known(conn)
        chunk: list[Artist] = []
        for entry in read_entries(path):
            summary.lines += 1
            if isinstance(entry, Refusal):
                summary.refused.append(entry)
            elif entry.key in seen:
                summary.repeated += 1
            else:
                seen.add(entry.key)
                chunk.append(entry)
            if len(chunk) >= chunk_size:
                _send(conn, known, chunk, target, summary)
                chunk = []
                if progress is not None:
                    progress(summary.lines)
        _send(conn, known, chunk, target, summary)
        if progress is not None:
            progress(summary.lines)
    return summary


def _send(conn: psycopg.Connection, known: _Known, chunk: list[Artist], target: str, summary: Summary) -> None:
    if not chunk:
        return
    with conn.transaction():
        fresh, discovered, waiting = known.split(conn, chunk)
        if fresh:
            queues.send_batch(conn, target, [artist.message for artist in fresh])
            queues.notify_insert(conn, target)
    summary.discovered += discovered
    summary.waiting += waiting
    summary.queued += len(fresh)


def count_lines(path: Path) -> int:
    """The file's lines, for the progress bar's total."""
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def seed_with_progress(database_url: str, path: Path, lane: str = lanes.BULK) -> str:
    """seed_file with a rich progress bar (on a terminal), then the summary's text."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("seeding {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=False,
    ) as bar:
        task = bar.add_task(path.name, total=count_lines(path))
        summary = seed_file(database_url, path, lane=lane, progress=lambda lines: bar.update(task, completed=lines))
    return summary.text()
