"""One request into the sandbox and one reply out of it, independent of the HTTP server."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # below the API's prefix, e.g. "v1/artists/0OdUWJ0sBjDrqHygGUXeCF"
    query: dict[str, str]
    headers: dict[str, str]  # names lower-cased
    body: bytes
    base_url: str  # "http://host:port" as the client reached us

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def form(self) -> dict[str, str]:
        return first_values(self.body.decode("utf-8", "replace"))


@dataclass
class Reply:
    status: int
    body: Any  # JSON, or the text of a page when content_type says so
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"

    def encoded(self) -> bytes:
        if isinstance(self.body, str) and not self.content_type.startswith("application/json"):
            return self.body.encode("utf-8")
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def first_values(query: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(query, keep_blank_values=True).items()}


def match_route(routes: Iterable[tuple[re.Pattern[str], str]], path: str) -> tuple[str, str] | None:
    """(endpoint name, the id in the path or "") of the first route matching `path`."""
    for pattern, name in routes:
        match = pattern.fullmatch(path)
        if match:
            return name, match.groupdict().get("id") or ""
    return None
