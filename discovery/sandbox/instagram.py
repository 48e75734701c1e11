"""The Instagram data provider under /instagram: profiles by username, behind x-access-key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from discovery.sandbox.exchange import Reply, Request
from discovery.sandbox.knobs import Knobs

Json = dict[str, Any]


def error(status: int, message: str, reason: str | None = None) -> Reply:
    return Reply(status, {"detail": message, **({"exc_type": reason} if reason else {})})


class InstagramApi:
    name = "instagram"
    endpoints = ["user"]
    ungated: frozenset[str] = frozenset()

    def __init__(self, section: Json, knobs: Callable[[], Knobs]) -> None:
        self._profiles = {p["username"].casefold(): p for p in section.get("profiles", [])}
        self._knobs = knobs

    error = staticmethod(error)

    def route(self, method: str, path: str) -> tuple[str, str] | None:
        return ("user", "") if path == "v1/user/by/username" else None

    def handle(self, endpoint: str, object_id: str, request: Request) -> Reply:
        if request.method != "GET":
            return error(405, "Method not allowed")
        key = request.header("x-access-key")
        allowed = (self._knobs().credentials or {}).get("instagram")
        if not key or (allowed is not None and key != allowed.get("key")):
            return error(401, "Invalid or missing x-access-key")
        username = request.query.get("username", "").strip().lstrip("@")
        if not username:
            return error(400, "username is required")
        profile = self._profiles.get(username.casefold())
        if profile is None:
            return error(404, "Target user not found", "UserNotFound")
        return Reply(200, profile)
