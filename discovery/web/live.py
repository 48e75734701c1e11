"""The seed form's two halves: what a person typed (a name, a Spotify artist id or its URL) turned
into a call of the seed function, and the discovery it started followed live as server-sent
events, from the same snapshots `discovery seed --follow` prints (ops/progress)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

import psycopg
from psycopg import IsolationLevel
from starlette.concurrency import run_in_threadpool

from discovery.ops import progress, seeding

# open.spotify.com/artist/ID (with or without a locale segment or query), spotify:artist:ID, or a bare id.
_SPOTIFY_ID = r"[0-9A-Za-z]{22}"
_ARTIST_URL = re.compile(rf"(?:https?://)?open\.spotify\.com/(?:intl-[a-z-]+/)?artist/({_SPOTIFY_ID})(?:[/?#].*)?")
_ARTIST_URI = re.compile(rf"spotify:artist:({_SPOTIFY_ID})")
NAME_MAX_CHARS = 200
POLL_S = 1.0
# A page left open does not poll for ever: a discovery still running by then is followed by reloading.
FOLLOW_FOR_S = 30 * 60


class SeedRefused(ValueError):
    """The form's text cannot start a discovery; the message is the page's one sentence."""


@dataclass(frozen=True)
class Wanted:
    name: str | None = None
    spotify_id: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.spotify_id or "?"


def parse(text: str) -> Wanted:
    """A name, or a Spotify artist id from an id, a spotify:artist: URI or an open.spotify.com URL."""
    text = text.strip()
    if not text:
        raise SeedRefused("Give an artist's name, Spotify id or Spotify URL.")
    for pattern in (_ARTIST_URL, _ARTIST_URI):
        found = pattern.fullmatch(text)
        if found:
            return Wanted(spotify_id=found.group(1))
    if "open.spotify.com/" in text or text.startswith("spotify:"):
        raise SeedRefused("That Spotify address does not name an artist (it should look like open.spotify.com/artist/…).")
    if re.fullmatch(_SPOTIFY_ID, text) and not text.isalpha():
        return Wanted(spotify_id=text)
    if len(text) > NAME_MAX_CHARS:
        raise SeedRefused(f"An artist's name can be at most {NAME_MAX_CHARS} characters long.")
    return Wanted(name=text)


def start(database_url: str, wanted: Wanted) -> int:
    """Queue the discovery through the seed function (the interactive lane); its msg_id."""
    try:
        return seeding.start(database_url, wanted.name, wanted.spotify_id)
    except psycopg.errors.RaiseException as error:
        raise SeedRefused(_sentence(error.diag.message_primary or "the seed was refused")) from None


def _sentence(text: str) -> str:
    text = text.removeprefix("start_artist_discovery: ").removeprefix("start_artist_discovery_by_id: ")
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def look(database_url: str, redis_url: str, msg_id: int, wanted: Wanted) -> progress.Snapshot:
    """One consistent snapshot of the seeded artist (what seed --follow shows on each line)."""
    paused = progress.paused_apis(redis_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        with conn.transaction():
            return progress.snapshot(conn, msg_id, wanted.name, wanted.spotify_id, paused)


def as_event(snapshot: progress.Snapshot) -> str:
    """One server-sent event: `progress` while it runs, `done` once finished (the same fields)."""
    fields: dict[str, Any] = {**asdict(snapshot), "line": snapshot.line(), "finished": snapshot.finished}
    fields["next_retry"] = snapshot.next_retry.isoformat() if snapshot.next_retry else None
    kind = "done" if snapshot.finished else "progress"
    return f"event: {kind}\ndata: {json.dumps(fields, ensure_ascii=False)}\n\n"


async def events(
    take: Callable[[], progress.Snapshot], disconnected: Callable[[], Any], poll_s: float = POLL_S
) -> AsyncIterator[str]:
    """A snapshot as an event every poll until the discovery is finished (or the page is closed),
    counts never going back (progress.forward_only)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    shown: progress.Snapshot | None = None
    while True:
        current = await run_in_threadpool(take)
        shown = progress.forward_only(shown, replace(current, elapsed_s=loop.time() - started))
        yield as_event(shown)
        if shown.finished or loop.time() - started > FOLLOW_FOR_S or await disconnected():
            return
        await asyncio.sleep(poll_s)
