"""A response body read within bounds: at most so many bytes, within so many seconds in all.

requests reads a whole body into memory, and its read timeout is per chunk: an upstream (or
something in its place) that sends gigabytes, or one byte every few seconds, would fill a worker's
memory or hold it for ever. The adapter asks for the body as a stream and reads it here; past a
bound the connection is dropped and the call fails with a reason naming the bound.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import requests

from discovery.exceptions import BadResponse, UpstreamUnavailable

MAX_RESPONSE_BYTES = 8 * 1024 * 1024
CHUNK_BYTES = 64 * 1024


def read_capped(response: requests.Response, api: str, max_bytes: int, deadline_s: float) -> None:
    """Read `response`'s body (asked for as a stream) into it, as requests would have: refuse one
    over `max_bytes` (BadResponse, permanent) or slower in all than `deadline_s` (UpstreamUnavailable,
    retried later)."""
    where = f"{api} {response.request.method} {urlsplit(response.url).path}"
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        response.close()
        raise BadResponse(f"{where}: a body of {declared} bytes; at most {max_bytes} are read (DISCOVERY_MAX_RESPONSE_BYTES)")
    started = time.monotonic()
    body = bytearray()
    for chunk in response.iter_content(CHUNK_BYTES):
        body += chunk
        if len(body) > max_bytes:
            response.close()
            raise BadResponse(f"{where}: a body over {max_bytes} bytes (DISCOVERY_MAX_RESPONSE_BYTES); not read further")
        if time.monotonic() - started > deadline_s:
            response.close()
            raise UpstreamUnavailable(f"{where}: the body took over {deadline_s:.0f}s to arrive; not read further")
    response._content = bytes(body)
    response._content_consumed = True  # type: ignore[attr-defined]  # requests' own flag, not in its stubs
