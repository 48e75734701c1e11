"""The sandbox HTTP server: one host for Spotify, Genius, MusicBrainz and the Instagram provider,
plus /_sandbox/ control endpoints (stats, reset, config, and catalog: serve another catalog). Runs in a background thread (tests) or the foreground (CLI)."""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import urlsplit

from discovery.sandbox.catalog import Catalog, load_demo_catalog, validate_catalog
from discovery.sandbox.exchange import Reply, Request, first_values
from discovery.sandbox.gate import Gate
from discovery.sandbox.genius import GeniusApi
from discovery.sandbox.instagram import InstagramApi
from discovery.sandbox.knobs import KnobError, Knobs
from discovery.sandbox.musicbrainz import MusicBrainzApi
from discovery.sandbox.musicbrainz_extras import MusicBrainzExtras
from discovery.sandbox.refusals import service_refusal
from discovery.sandbox.spotify import SpotifyApi
from discovery.sandbox.stats import Stats

logger = logging.getLogger(__name__)
OTHER_ENDPOINT = "other"  # a path below an API's prefix that it does not serve


class Api(Protocol):
    name: str
    endpoints: list[str]
    ungated: frozenset[str]

    def route(self, method: str, path: str) -> tuple[str, str] | None: ...
    def handle(self, endpoint: str, object_id: str, request: Request) -> Reply: ...
    def error(self, status: int, message: str, reason: str | None = None) -> Reply: ...


class SandboxServer:
    """SandboxServer(catalog=None, host, port=0, **knobs).start() -> serving at .url.

    `catalog=None` serves the bundled demo catalog; knobs are those of `Knobs`."""

    def __init__(
        self, catalog: Catalog | None = None, host: str = "127.0.0.1", port: int = 0, **knobs: Any
    ) -> None:
        catalog = load_demo_catalog() if catalog is None else catalog
        self.knobs = Knobs().updated(**knobs)
        self.apis: dict[str, Api] = self._apis(catalog)
        self._stats = Stats({name: api.endpoints for name, api in self.apis.items()})
        self._gate = Gate(self.knobs)
        self._stopping = threading.Event()
        self._httpd = _HTTPServer((host, port), _Handler)
        self._httpd.sandbox = self
        self._thread: threading.Thread | None = None

    def _apis(self, catalog: Catalog) -> dict[str, Api]:
        validate_catalog(catalog)
        current = self._current_knobs
        return {
            "spotify": SpotifyApi(catalog.get("spotify", {}), current),
            "genius": GeniusApi(catalog.get("genius", {}), current),
            "musicbrainz": MusicBrainzApi(catalog.get("musicbrainz", {}), current, MusicBrainzExtras(catalog)),
            "instagram": InstagramApi(catalog.get("instagram", {}), current),
        }

    def replace_catalog(self, catalog: Catalog) -> None:
        """Serve another catalog from now on (the world changed: a new album, credits added or
        removed); knobs, counters, rate windows and issued tokens carry over."""
        apis = self._apis(catalog)
        old, new = self.apis["spotify"], apis["spotify"]
        if isinstance(old, SpotifyApi) and isinstance(new, SpotifyApi):
            new.adopt_tokens(old)
        self.apis = apis

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        assert isinstance(host, str)  # an IP socket's address (a Unix socket's would be bytes)
        return f"http://{host}:{port}"

    def _current_knobs(self) -> Knobs:
        return self.knobs

    def start(self) -> SandboxServer:
        """Serve in a background thread."""
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted."""
        try:
            self._httpd.serve_forever()
        finally:
            self._stopping.set()
            self._httpd.server_close()

    def stop(self) -> None:
        self._stopping.set()  # wakes requests that are hanging
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stats(self) -> dict[str, Any]:
        return self._stats.snapshot()

    def configure(self, **knobs: Any) -> Knobs:
        """Change knobs while running; rate windows and quota use carry over."""
        self.knobs = self.knobs.updated(**knobs)
        self._gate.configure(self.knobs)
        return self.knobs

    def reset(self) -> None:
        """Zero the counters, empty the rate windows and quotas, restart the seeded draws."""
        self._stats.reset()
        self._gate.reset(self.knobs)

    def dispatch(self, request: Request) -> Reply | None:
        """The reply to `request`, or None to close the connection without one (a hang)."""
        api_name, _, below = request.path.partition("/")
        if api_name == "_sandbox":
            return self._control(below, request)
        api = self.apis.get(api_name)
        if api is None:
            return Reply(404, {"error": f"no API at /{api_name}; try one of {sorted(self.apis)}"})
        routed = api.route(request.method, below.rstrip("/"))  # spotipy asks for albums/?ids=
        endpoint, object_id = routed if routed else (OTHER_ENDPOINT, "")
        knobs = self.knobs
        latency_ms = knobs.latency_ms.get(api_name)
        if latency_ms:
            time.sleep(latency_ms / 1000)
        if endpoint in api.ungated:
            self._stats.count(api_name, endpoint)
            return api.handle(endpoint, object_id, request)
        refusal = service_refusal(api_name, endpoint, knobs)
        if refusal is not None:
            self._stats.count(api_name, endpoint, "refused")
            return refusal
        verdict = self._gate.admit(api_name)
        if verdict.kind == "hang":
            self._stats.count(api_name, endpoint, "hangs")
            self._stopping.wait(knobs.hang_s)
            return None
        if verdict.kind == "fault":
            self._stats.count(api_name, endpoint, "faults")
            return api.error(verdict.status, "Sandbox fault")
        if verdict.kind == "rate" and verdict.status != 429:
            self._stats.count(api_name, endpoint, "over_limit")
            reply = api.error(verdict.status, "Your requests are exceeding the allowable rate limit")
            reply.headers["Retry-After"] = str(verdict.retry_after_s)
            return reply
        if verdict.kind in ("rate", "quota"):
            self._stats.count(api_name, endpoint, "429")
            if verdict.kind == "rate":
                self._stats.count_only(api_name, endpoint, "over_limit")
            reason = "QUOTA_EXCEEDED" if verdict.kind == "quota" else None
            reply = api.error(429, "Too many requests", reason)
            reply.headers["Retry-After"] = str(verdict.retry_after_s)
            return reply
        self._stats.count(api_name, endpoint)
        if routed is None:
            return api.error(404, "Service not found")
        return api.handle(endpoint, object_id, request)

    def _control(self, action: str, request: Request) -> Reply:
        if action == "stats" and request.method == "GET":
            return Reply(200, self.stats())
        if action == "reset" and request.method == "POST":
            self.reset()
            return Reply(200, {"reset": True})
        if action == "config" and request.method == "POST":
            try:
                changes = json.loads(request.body or b"{}")
                if not isinstance(changes, dict):
                    raise KnobError("the body is a JSON object of knob names and values")
                knobs = self.configure(**changes)
            except (ValueError, TypeError) as error:
                return Reply(400, {"error": str(error)})
            return Reply(200, knobs.as_json())
        if action == "catalog" and request.method == "POST":
            try:
                self.replace_catalog(json.loads(request.body or b"{}"))
            except ValueError as error:  # not JSON, or a catalog that breaks a rule (CatalogError)
                return Reply(400, {"error": str(error)})
            return Reply(200, {"replaced": True})
        return Reply(404, {"error": "control endpoints: GET stats, POST reset, POST config, POST catalog"})


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    sandbox: SandboxServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse one connection
    server_version = "discovery-sandbox"
    sys_version = ""
    disable_nagle_algorithm = True
    server: _HTTPServer

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def _serve(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        host = self.headers.get("Host") or self.server.sandbox.url.removeprefix("http://")
        request = Request(
            method=self.command,
            path=split.path.lstrip("/"),
            query=first_values(split.query),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
            base_url=f"http://{host}",
        )
        try:
            reply = self.server.sandbox.dispatch(request)
        except Exception:
            logger.exception("sandbox request failed: %s %s", self.command, self.path)
            reply = Reply(500, {"error": "sandbox error"})
        if reply is None:
            self.close_connection = True
            return
        payload = reply.encoded()
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
