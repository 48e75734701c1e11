"""Spotify Web API under /spotify: the client-credentials token endpoint and the /v1 catalog
endpoints, with Development Mode's limits and missing fields (2026) or Extended Quota Mode's."""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import threading
import time
from collections.abc import Callable

from discovery.sandbox.exchange import Reply, Request, match_route
from discovery.sandbox.knobs import Knobs
from discovery.sandbox.paging import broken, page, parse_int
from discovery.sandbox.spotify_dev_mode import development_view
from discovery.sandbox.spotify_index import GROUP_ORDER, Json, SpotifyIndex, simplified_album
from discovery.sandbox.spotify_markets import Twins, with_twins

TOKEN_LIFETIME_S = 3600
SEARCH_OFFSET_MAX = 1000
# (default, max) limit for search and artists/{id}/albums in each mode.
LIST_LIMITS = {"development": (5, 10), "extended": (20, 50)}
ALBUM_TRACKS_DEFAULT, ALBUM_TRACKS_MAX = 20, 50
EMBEDDED_TRACKS = 50
BATCH_MAX = {"several_albums": 20, "several_tracks": 50, "several_artists": 50}
SEARCH_TYPES = {
    "album": "albums",
    "artist": "artists",
    "playlist": "playlists",
    "track": "tracks",
    "show": "shows",
    "episode": "episodes",
    "audiobook": "audiobooks",
}

ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(r"api/token"), "token"),
    ("GET", re.compile(r"v1/search"), "search"),
    ("GET", re.compile(r"v1/artists/(?P<id>[^/]+)"), "artist"),
    ("GET", re.compile(r"v1/artists/(?P<id>[^/]+)/albums"), "artist_albums"),
    ("GET", re.compile(r"v1/albums/(?P<id>[^/]+)"), "album"),
    ("GET", re.compile(r"v1/albums/(?P<id>[^/]+)/tracks"), "album_tracks"),
    ("GET", re.compile(r"v1/tracks/(?P<id>[^/]+)"), "track"),
    ("GET", re.compile(r"v1/albums"), "several_albums"),
    ("GET", re.compile(r"v1/tracks"), "several_tracks"),
    ("GET", re.compile(r"v1/artists"), "several_artists"),
]
ENDPOINTS = [name for _, _, name in ROUTES]
VERBS = {name: verb for verb, _, name in ROUTES}


def error(status: int, message: str, reason: str | None = None) -> Reply:
    body: Json = {"status": status, "message": message}
    if reason:
        body["reason"] = reason
    return Reply(status, {"error": body})


class SpotifyApi:
    name = "spotify"
    endpoints = ENDPOINTS
    ungated = frozenset({"token"})  # accounts.spotify.com is another service, without our knobs

    def __init__(self, section: Json, knobs: Callable[[], Knobs]) -> None:
        self._index = SpotifyIndex(section)
        self._twins = Twins(self._index.albums)
        self._knobs = knobs
        self._tokens: dict[str, float] = {}
        self._lock = threading.Lock()
        self._handlers: dict[str, Callable[[Request, str], Reply]] = {
            "search": self._search,
            "artist": self._artist,
            "artist_albums": self._artist_albums,
            "album": self._album,
            "album_tracks": self._album_tracks,
            "track": self._track,
            "several_albums": self._several,
            "several_tracks": self._several,
            "several_artists": self._several,
        }

    error = staticmethod(error)

    def route(self, method: str, path: str) -> tuple[str, str] | None:
        """(endpoint name, the id in the path or "") for a path below /spotify/."""
        return match_route(((pattern, name) for _, pattern, name in ROUTES), path)

    def handle(self, endpoint: str, object_id: str, request: Request) -> Reply:
        if request.method != VERBS[endpoint]:
            return error(405, "Method not allowed")
        if endpoint == "token":
            return self._token(request)
        refused = self._unauthorized(request)
        if refused:
            return refused
        reply = self._handlers[endpoint](request, endpoint if endpoint in BATCH_MAX else object_id)
        if self._knobs().spotify_mode == "development" and reply.status == 200:
            return Reply(reply.status, development_view(reply.body), reply.headers)
        return reply

    def adopt_tokens(self, other: SpotifyApi) -> None:
        """The tokens `other` issued stay good here (the server swapped its catalog)."""
        self._tokens = other._tokens

    # accounts: POST /api/token (client credentials)

    def _token(self, request: Request) -> Reply:
        form = request.form()
        if form.get("grant_type") != "client_credentials":
            return Reply(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "grant_type must be client_credentials",
                },
            )
        client_id, client_secret = _basic_auth(request.header("authorization"))
        client_id = client_id or form.get("client_id", "")
        client_secret = client_secret or form.get("client_secret", "")
        if not self._accepted(client_id, client_secret):
            return Reply(400, {"error": "invalid_client", "error_description": "Invalid client"})
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = time.monotonic() + TOKEN_LIFETIME_S
        return Reply(
            200, {"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME_S}
        )

    def _accepted(self, client_id: str, client_secret: str) -> bool:
        if not client_id or not client_secret:
            return False
        allowed = (self._knobs().credentials or {}).get("spotify")
        if allowed is None:
            return True
        return (client_id, client_secret) == (
            allowed.get("client_id"),
            allowed.get("client_secret"),
        )

    def _unauthorized(self, request: Request) -> Reply | None:
        scheme, _, token = request.header("authorization").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return error(401, "No token provided")
        expires = self._tokens.get(token)
        if expires is None:
            return error(401, "Invalid access token")
        if expires < time.monotonic():
            return error(401, "The access token expired")
        return None

    # /v1

    def _list_limit(self, request: Request, album_page_max: int = 0) -> int | None:
        default, highest = LIST_LIMITS[self._knobs().spotify_mode]
        if album_page_max:
            default, highest = min(default, album_page_max), min(highest, album_page_max)
        return parse_int(request.query.get("limit"), default, 1, highest)

    def _search(self, request: Request, _: str) -> Reply:
        query, types = request.query.get("q", ""), request.query.get("type", "")
        if not query:
            return error(400, "No search query")
        kinds = [kind.strip() for kind in types.split(",") if kind.strip()]
        if not kinds or any(kind not in SEARCH_TYPES for kind in kinds):
            return error(400, "Missing parameter type" if not kinds else "Invalid type")
        limit = self._list_limit(request)
        if limit is None:
            return error(400, "Invalid limit")
        offset = parse_int(request.query.get("offset"), 0, 0, SEARCH_OFFSET_MAX)
        if offset is None:
            return error(400, "Invalid offset")
        url = request.base_url + "/spotify/v1/search"
        body: Json = {}
        for kind in kinds:
            # Only artists are in a sandbox catalog; other kinds answer an empty page.
            found = self._index.search_artists(query) if kind == "artist" else []
            body[SEARCH_TYPES[kind]] = page(found, url, {"q": query, "type": kind}, offset, limit)
        return Reply(200, body)

    def _artist(self, _: Request, artist_id: str) -> Reply:
        artist = self._index.artists.get(artist_id)
        return Reply(200, artist) if artist else error(404, "Resource not found")

    def _artist_albums(self, request: Request, artist_id: str) -> Reply:
        if artist_id not in self._index.artists:
            return error(404, "Resource not found")
        groups_text = request.query.get("include_groups") or ",".join(GROUP_ORDER)
        groups = {group.strip() for group in groups_text.split(",") if group.strip()}
        if groups - set(GROUP_ORDER):
            return error(400, "Invalid include_groups")
        knobs = self._knobs()
        limit = self._list_limit(request, knobs.album_page_max)
        if limit is None:
            return error(400, "Invalid limit")
        offset = parse_int(request.query.get("offset"), 0, 0, 10**6)
        if offset is None:
            return error(400, "Invalid offset")
        items = [
            {**simplified_album(album), "album_group": group}
            for group, album in self._index.discography.get(artist_id, [])
            if group in groups
        ]
        if knobs.market_duplicates and not request.query.get("market"):
            items = with_twins(items)
        url = f"{request.base_url}/spotify/v1/artists/{artist_id}/albums"
        params: dict[str, str] = {name: request.query[name] for name in ("include_groups", "market") if name in request.query}
        return Reply(200, broken(page(items, url, params, offset, limit), items, self._knobs().broken_paging))

    def _album(self, request: Request, album_id: str) -> Reply:
        album = self._index.albums.get(album_id) or self._twin(album_id)
        if album is None:
            return error(404, "Resource not found")
        return Reply(200, self._full_album(request, album))

    def _full_album(self, request: Request, album: Json) -> Json:
        url = f"{request.base_url}/spotify/v1/albums/{album['id']}/tracks"
        tracks = page(album["tracks"]["items"], url, {}, 0, EMBEDDED_TRACKS)
        return {**album, "tracks": tracks}

    def _twin(self, album_id: str) -> Json | None:
        """A per-market copy, served while the knob that lists them is on."""
        return self._twins.album(album_id) if self._knobs().market_duplicates else None

    def _album_tracks(self, request: Request, album_id: str) -> Reply:
        album = self._index.albums.get(album_id) or self._twin(album_id)
        if album is None:
            return error(404, "Resource not found")
        limit = parse_int(request.query.get("limit"), ALBUM_TRACKS_DEFAULT, 1, ALBUM_TRACKS_MAX)
        if limit is None:
            return error(400, "Invalid limit")
        offset = parse_int(request.query.get("offset"), 0, 0, 10**6)
        if offset is None:
            return error(400, "Invalid offset")
        url = f"{request.base_url}/spotify/v1/albums/{album_id}/tracks"
        items = album["tracks"]["items"]
        return Reply(200, broken(page(items, url, {}, offset, limit), items, self._knobs().broken_paging))

    def _track(self, _: Request, track_id: str) -> Reply:
        track = self._index.track(track_id)
        return Reply(200, track) if track else error(404, "Resource not found")

    def _several(self, request: Request, endpoint: str) -> Reply:
        if self._knobs().spotify_mode == "development":
            return error(403, "Forbidden")
        ids = [i for i in request.query.get("ids", "").split(",") if i]
        if not ids:
            return error(400, "invalid id")
        if len(ids) > BATCH_MAX[endpoint]:
            return error(400, "Too many ids requested")
        # Unknown ids answer null in their place, as Spotify does.
        if endpoint == "several_albums":
            albums = [self._index.albums.get(i) or self._twin(i) for i in ids]
            return Reply(200, {"albums": [a and self._full_album(request, a) for a in albums]})
        if endpoint == "several_tracks":
            return Reply(200, {"tracks": [self._index.track(i) for i in ids]})
        return Reply(200, {"artists": [self._index.artists.get(i) for i in ids]})


def _basic_auth(header: str) -> tuple[str, str]:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return "", ""
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    client_id, _, client_secret = decoded.partition(":")
    return client_id, client_secret
