"""Genius API under /genius: search, songs/{id}, artists/{id} in Genius's meta/response
envelope, behind a bearer token."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from discovery.sandbox.exchange import Reply, Request, match_route
from discovery.sandbox.knobs import Knobs
from discovery.sandbox.paging import parse_int
from discovery.sandbox.text import tokens

Json = dict[str, Any]
PER_PAGE_DEFAULT, PER_PAGE_MAX = 10, 50
# The fields of a song that a search hit carries (the rest only come from songs/{id}).
SUMMARY_FIELDS = (
    "annotation_count",
    "api_path",
    "artist_names",
    "featured_artists",
    "full_title",
    "header_image_thumbnail_url",
    "header_image_url",
    "id",
    "instrumental",
    "language",
    "lyrics_owner_id",
    "lyrics_state",
    "lyrics_updated_at",
    "path",
    "primary_artist",
    "primary_artists",
    "pyongs_count",
    "relationships_index_url",
    "release_date_components",
    "release_date_for_display",
    "release_date_with_abbreviated_month_for_display",
    "song_art_image_thumbnail_url",
    "song_art_image_url",
    "stats",
    "title",
    "title_with_featured",
    "updated_by_human_at",
    "url",
)
ROUTES = [
    (re.compile(r"search"), "search"),
    (re.compile(r"songs/(?P<id>\d+)"), "song"),
    (re.compile(r"artists/(?P<id>\d+)"), "artist"),
]


def error(status: int, message: str, reason: str | None = None) -> Reply:
    return Reply(status, {"meta": {"status": status, "message": message}})


class GeniusApi:
    name = "genius"
    endpoints = [name for _, name in ROUTES]
    ungated: frozenset[str] = frozenset()

    def __init__(self, section: Json, knobs: Callable[[], Knobs]) -> None:
        self._songs: dict[int, Json] = {int(s["id"]): s for s in section.get("songs", [])}
        self._artists: dict[int, Json] = {int(a["id"]): a for a in section.get("artists", [])}
        self._song_tokens = index_songs(self._songs.values())
        self._knobs = knobs

    error = staticmethod(error)

    def route(self, method: str, path: str) -> tuple[str, str] | None:
        return match_route(ROUTES, path)

    def handle(self, endpoint: str, object_id: str, request: Request) -> Reply:
        if request.method != "GET":
            return error(405, "Method not allowed")
        if not self._authorized(request):
            return error(
                401, "This call requires an access_token. Please see: https://genius.com/developers"
            )
        if endpoint == "search":
            return self._search(request)
        found = (self._songs if endpoint == "song" else self._artists).get(int(object_id))
        if found is None:
            return error(404, "Not found")
        return Reply(200, {"meta": {"status": 200}, "response": {endpoint: found}})

    def _authorized(self, request: Request) -> bool:
        scheme, _, token = request.header("authorization").partition(" ")
        if scheme.lower() != "bearer":
            token = request.query.get("access_token", "")
        allowed = (self._knobs().credentials or {}).get("genius")
        return bool(token) and (allowed is None or token == allowed.get("token"))

    def _search(self, request: Request) -> Reply:
        """Songs sharing tokens with q: most shared tokens first, then most pageviews, then
        catalog order (so a popular cover or remix can outrank the original)."""
        per_page = parse_int(request.query.get("per_page"), PER_PAGE_DEFAULT, 1, PER_PAGE_MAX)
        page = parse_int(request.query.get("page"), 1, 1, 10**6)
        if per_page is None or page is None:
            return error(400, "Invalid per_page or page")
        ranked = rank_songs(self._song_tokens, request.query.get("q", ""))
        chosen = ranked[(page - 1) * per_page : page * per_page]
        hits = [
            {"highlights": [], "index": "song", "type": "song", "result": _summary(song)}
            for song in chosen
        ]
        return Reply(200, {"meta": {"status": 200}, "response": {"hits": hits}})


def index_songs(songs: Iterable[Json]) -> list[tuple[set[str], Json]]:
    """Each song with the search tokens of its title and artist."""
    return [(set(tokens(_searchable(song))), song) for song in songs]


def rank_songs(indexed: list[tuple[set[str], Json]], query: str) -> list[Json]:
    """Songs sharing tokens with `query`: most shared tokens first, then most pageviews, then
    catalog order (so a popular cover or remix can outrank the original)."""
    wanted = set(tokens(query))
    scored = [(len(words & wanted), song) for words, song in indexed]
    ranked = sorted(
        ((shared, song) for shared, song in scored if shared),
        key=lambda item: (-item[0], -_pageviews(item[1])),
    )
    return [song for _, song in ranked]


def _searchable(song: Json) -> str:
    artist = song.get("artist_names") or (song.get("primary_artist") or {}).get("name", "")
    return f"{song.get('title', '')} {artist}"


def _pageviews(song: Json) -> int:
    return int((song.get("stats") or {}).get("pageviews") or 0)


def _summary(song: Json) -> Json:
    return {key: song[key] for key in SUMMARY_FIELDS if key in song}
