"""An API response is read within bounds: a body past DISCOVERY_MAX_RESPONSE_BYTES is refused
naming the bound, whether it declares its length or streams without one, and is not kept."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from discovery.clients.genius import Genius
from discovery.clients.response_cap import read_capped
from discovery.exceptions import BadResponse
from discovery.sandbox.server import SandboxServer
from discovery.settings import Settings
from tests.clients.conftest import ACCEPTED, client_settings
from tests.sandbox.catalogs import small_catalog


def test_a_genius_song_larger_than_the_bound_is_refused_naming_the_setting(
    sandbox_factory: Callable[..., SandboxServer], redis_url: str
) -> None:
    # Given a Genius song of about 3 MB, and a bound of 1 MB
    catalog = small_catalog()
    catalog["genius"]["songs"][0]["producer_artists"] = [{"id": n, "name": f"Producer {n}"} for n in range(60_000)]
    server = sandbox_factory(catalog, credentials=ACCEPTED)
    settings: Settings = client_settings(server.url, redis_url, discovery_max_response_bytes=1024 * 1024)

    # When the client asks for it
    with pytest.raises(BadResponse) as refused:
        Genius(settings, retries=0).song(1)

    # Then it is refused, naming the bound
    assert "at most 1048576 are read (DISCOVERY_MAX_RESPONSE_BYTES)" in str(refused.value)


@pytest.fixture
def streaming_server() -> Iterator[str]:
    """Answers 2 MB in chunks, without a Content-Length."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"[" * 65536
            try:
                for _ in range(32):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading: what the test wants

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/endless"
    httpd.shutdown()
    httpd.server_close()


def test_a_streamed_body_without_a_length_is_cut_at_the_bound(streaming_server: str) -> None:
    response = requests.get(streaming_server, stream=True, timeout=5)

    with pytest.raises(BadResponse, match=r"a body over 262144 bytes \(DISCOVERY_MAX_RESPONSE_BYTES\); not read further"):
        read_capped(response, "genius", 256 * 1024, deadline_s=30)
