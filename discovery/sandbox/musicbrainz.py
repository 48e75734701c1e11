"""MusicBrainz ws/2 under /musicbrainz: ISRC lookups, recordings with artist relations (and
releases, inc=releases), releases (inc=artist-rels) and artists with their aliases (inc=aliases)
and, with the knob, their url relations (inc=url-rels); see musicbrainz_extras.
Like the real service, it refuses requests without a User-Agent."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from discovery.sandbox.exchange import Reply, Request, match_route
from discovery.sandbox.knobs import Knobs
from discovery.sandbox.musicbrainz_extras import MusicBrainzExtras

Json = dict[str, Any]
ISRC = re.compile(r"[A-Z]{2}[A-Z0-9]{3}\d{7}")
MBID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ROUTES = [
    (re.compile(r"ws/2/isrc/(?P<id>[^/]+)"), "isrc"),
    (re.compile(r"ws/2/recording/(?P<id>[^/]+)"), "recording"),
    (re.compile(r"ws/2/artist/(?P<id>[^/]+)"), "artist"),
    (re.compile(r"ws/2/release/(?P<id>[^/]+)"), "release"),
]
# What each inc= value adds to a recording; without it the field is left out.
INCLUDES = {"artist-rels": "relations", "isrcs": "isrcs", "artist-credits": "artist-credit", "aliases": "aliases"}


def error(status: int, message: str, reason: str | None = None) -> Reply:
    return Reply(status, {"error": message})


class MusicBrainzApi:
    name = "musicbrainz"
    endpoints = [name for _, name in ROUTES]
    ungated: frozenset[str] = frozenset()

    def __init__(self, section: Json, knobs: Callable[[], Knobs], extras: MusicBrainzExtras | None = None) -> None:
        self._knobs = knobs
        self._extras = extras or MusicBrainzExtras({"musicbrainz": section})
        self._recordings: dict[str, Json] = {r["id"]: r for r in section.get("recordings", [])}
        self._artists: dict[str, Json] = {a["id"]: a for a in section.get("artists", [])}
        self._by_isrc: dict[str, list[Json]] = {}
        for recording in self._recordings.values():
            for isrc in recording.get("isrcs", []):
                self._by_isrc.setdefault(isrc, []).append(recording)

    error = staticmethod(error)

    def route(self, method: str, path: str) -> tuple[str, str] | None:
        return match_route(ROUTES, path)

    def handle(self, endpoint: str, object_id: str, request: Request) -> Reply:
        if request.method != "GET":
            return error(405, "Method not allowed")
        if not request.header("user-agent"):
            return error(
                403,
                "Please provide a meaningful User-Agent; see "
                "https://musicbrainz.org/doc/MusicBrainz_API/Rate_Limiting",
            )
        includes = set(request.query.get("inc", "").replace(" ", "+").split("+"))
        if endpoint == "isrc":
            if not ISRC.fullmatch(object_id):
                return error(400, "Invalid isrc.")
            recordings = self._by_isrc.get(object_id)
            if not recordings:
                return error(404, "Not Found")
            return Reply(
                200, {"isrc": object_id, "recordings": [_shaped(r, includes) for r in recordings]}
            )
        if not MBID.fullmatch(object_id):
            return error(400, "Invalid mbid.")
        knobs = self._knobs()
        if endpoint == "release":
            release = self._extras.release(object_id, knobs.musicbrainz_release_credits, includes)
            return Reply(200, release) if release is not None else error(404, "Not Found")
        found = (self._artists if endpoint == "artist" else self._recordings).get(object_id)
        if found is None:
            return error(404, "Not Found")
        answer = _shaped(found, includes)
        if endpoint == "recording":
            if "relations" in answer:
                answer["relations"] = self._extras.recording_relations(found, knobs.musicbrainz_release_credits)
            if "releases" in includes:
                answer["releases"] = self._extras.releases_of(object_id)
        if endpoint == "artist" and "url-rels" in includes:
            answer["relations"] = self._extras.url_relations(found) if knobs.musicbrainz_url_rels else []
        return Reply(200, answer)


def _shaped(recording: Json, includes: set[str]) -> Json:
    left_out = {field for inc, field in INCLUDES.items() if inc not in includes}
    return {key: value for key, value in recording.items() if key not in left_out}
