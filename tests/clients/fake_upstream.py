"""A small emulated upstream for the client tests: the four APIs under one host, with the knobs
the tests need (Spotify mode, rolling rate window, quota, faults, hangs, forced status) and
per-API counters. It stands in for discovery.sandbox until that server is available, and keeps
the same shape: FakeUpstream(catalog, **knobs).start() -> .url, .stats(), .configure(), .stop().
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DEFAULTS: dict[str, Any] = {
    "spotify_mode": "development",
    "rate": {},
    "quota": {},
    "quota_retry_after_s": 43200,
    "fault_rate": {},
    "hang_rate": {},
    "hang_s": 3.0,
    "force_status": {},
    "seed": 1,
}


def album(album_id: str) -> dict[str, Any]:
    return {
        "id": album_id,
        "name": f"Album {album_id}",
        "album_type": "album",
        "artists": [{"id": "artist1", "name": "Artist One"}],
        "tracks": {"items": [{"id": f"{album_id}t1", "name": "Song"}], "total": 1, "next": None},
    }


def track(track_id: str) -> dict[str, Any]:
    return {"id": track_id, "name": f"Track {track_id}", "external_ids": {"isrc": f"US{track_id}"}}


class FakeUpstream:
    def __init__(self, **knobs: Any) -> None:
        self.knobs = {**DEFAULTS, **knobs}
        self.lock = threading.Lock()
        self.reset()
        self._server: ThreadingHTTPServer | None = None

    def reset(self) -> None:
        with getattr(self, "lock", threading.Lock()):
            self.counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            self.windows: dict[str, deque[float]] = defaultdict(deque)
            self.tokens: set[str] = set()
            self.random = random.Random(self.knobs["seed"])

    def configure(self, **knobs: Any) -> None:
        with self.lock:
            self.knobs.update(knobs)

    def stats(self) -> dict[str, dict[str, int]]:
        with self.lock:
            return {api: dict(c) for api, c in self.counts.items()}

    def start(self) -> FakeUpstream:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake.handle(self, "GET")

            def do_POST(self) -> None:
                fake.handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # -- serving -------------------------------------------------------------------------------

    def handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        if length:
            h.rfile.read(length)
        parts = urlsplit(h.path)
        api, _, rest = parts.path.lstrip("/").partition("/")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        status, body, headers = self.answer(api, rest, query, h.headers, method)
        if status == 0:  # a hang: no answer until after the client gave up
            time.sleep(self.knobs["hang_s"])
            status, body, headers = 503, {"error": "hung"}, {}
        data = json.dumps(body).encode()
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                h.send_header(name, value)
            h.end_headers()
            h.wfile.write(data)
        except OSError:
            pass

    def answer(
        self, api: str, rest: str, q: dict[str, str], headers: Any, method: str
    ) -> tuple[int, Any, dict[str, str]]:
        with self.lock:
            counts = self.counts[api]
            if api == "spotify" and rest == "api/token":
                counts["token_requests"] += 1
                token = uuid.uuid4().hex
                self.tokens.add(token)
                return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600}, {}
            counts["requests"] += 1
            endpoint = rest.rstrip("/")
            counts[f"GET {endpoint.split('/')[0] if '/' in endpoint else endpoint}"] += 1
            forced = self.knobs["force_status"].get(api)
            if forced:
                counts["forced"] += 1
                return forced, {"error": {"status": forced, "message": "forced"}}, {}
            quota = self.knobs["quota"].get(api)
            if quota is not None and counts["served"] >= quota:
                counts["429s"] += 1
                body = {
                    "error": {
                        "status": 429,
                        "message": "Too many requests",
                        "reason": "QUOTA_EXCEEDED",
                    }
                }
                return 429, body, {"Retry-After": str(self.knobs["quota_retry_after_s"])}
            rate = self.knobs["rate"].get(api)
            if rate:
                limit, window = rate
                now = time.monotonic()
                times = self.windows[api]
                while times and times[0] <= now - window:
                    times.popleft()
                if len(times) >= limit:
                    counts["429s"] += 1
                    wait = max(1, int(times[0] + window - now + 0.999))
                    return (
                        429,
                        {"error": {"status": 429, "message": "rate"}},
                        {"Retry-After": str(wait)},
                    )
                times.append(now)
            if self.random.random() < self.knobs["hang_rate"].get(api, 0.0):
                counts["hangs"] += 1
                return 0, None, {}
            if self.random.random() < self.knobs["fault_rate"].get(api, 0.0):
                counts["faults"] += 1
                return self.random.choice([500, 502, 503]), {"error": "fault"}, {}
            mode = self.knobs["spotify_mode"]
        if api == "spotify":
            auth = headers.get("Authorization", "")
            if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
                return 401, {"error": {"status": 401, "message": "Invalid access token"}}, {}
        status, body = self.route(api, endpoint, q, headers, mode)
        if status == 200:
            with self.lock:
                counts["served"] += 1
        return status, body, {}

    def route(
        self, api: str, path: str, q: dict[str, str], headers: Any, mode: str
    ) -> tuple[int, Any]:
        parts = path.split("/")
        if api == "spotify":
            parts = parts[1:]  # v1
            if parts == ["search"]:
                if int(q.get("limit", 10)) > (10 if mode == "development" else 50):
                    return 400, {"error": {"status": 400, "message": "Invalid limit"}}
                items = (
                    [] if "nobody" in q.get("q", "") else [{"id": "artist1", "name": q.get("q")}]
                )
                return 200, {
                    "artists": {
                        "items": items,
                        "total": len(items),
                        "next": None,
                        "offset": int(q.get("offset", 0)),
                        "limit": int(q["limit"]),
                    }
                }
            if parts[0] in ("albums", "tracks") and len(parts) == 1:
                if mode == "development":
                    return 403, {"error": {"status": 403, "message": "Forbidden"}}
                make = album if parts[0] == "albums" else track
                return 200, {
                    parts[0]: [
                        None if i.startswith("missing") else make(i) for i in q["ids"].split(",")
                    ]
                }
            if parts[0] == "albums" and len(parts) == 3:
                return 200, {
                    "items": [track(parts[1] + "t1")],
                    "total": 1,
                    "next": None,
                    "offset": int(q.get("offset", 0)),
                    "limit": int(q.get("limit", 20)),
                }
            if parts[0] in ("albums", "tracks", "artists") and len(parts) == 2:
                if parts[1].startswith("missing"):
                    return 404, {"error": {"status": 404, "message": "Non existing id"}}
                if parts[0] == "artists":
                    return 200, {"id": parts[1], "name": "Artist"}
                return 200, (album if parts[0] == "albums" else track)(parts[1])
            if parts[0] == "artists" and parts[2:] == ["albums"]:
                limit = int(q.get("limit", 20))
                if limit > (10 if mode == "development" else 50):
                    return 400, {"error": {"status": 400, "message": "Invalid limit"}}
                return 200, {
                    "items": [album("a1")],
                    "total": 1,
                    "next": None,
                    "offset": int(q.get("offset", 0)),
                    "limit": limit,
                }
        if api == "genius":
            if not headers.get("Authorization", "").startswith("Bearer "):
                return 401, {"meta": {"status": 401}}
            if parts[0] == "search":
                hits = [{"type": "song", "result": {"id": 1, "title": q.get("q")}}]
                return 200, {"meta": {"status": 200}, "response": {"hits": hits}}
            if parts[0] == "songs":
                return 200, {"meta": {"status": 200}, "response": {"song": {"id": int(parts[1])}}}
            if parts[0] == "artists":
                return 200, {"meta": {"status": 200}, "response": {"artist": {"id": int(parts[1])}}}
        if api == "musicbrainz":
            if not headers.get("User-Agent"):
                return 403, {"error": "no user agent"}
            if parts[2] == "isrc":
                if parts[3].startswith("MISSING"):
                    return 404, {"error": "Not Found"}
                return 200, {"isrc": parts[3], "recordings": [{"id": "rec1", "title": "Song"}]}
            if parts[2] == "recording":
                return 200, {
                    "id": parts[3],
                    "relations": [{"type": "producer"}],
                    "ua": headers.get("User-Agent"),
                }
        if api == "instagram":
            if not headers.get("x-access-key"):
                return 401, {"detail": "no key"}
            name = q.get("username", "")
            if name.startswith("nobody"):
                return 404, {"detail": "Not found"}
            return 200, {"username": name, "follower_count": 10}
        return 404, {"error": "no route"}
