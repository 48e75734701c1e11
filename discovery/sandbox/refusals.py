"""Refusals of the whole service, answered before an API sees the request, as the live APIs
answer them in 2026: Spotify's 403 for a Development Mode app whose owner has no Premium, and
the Cloudflare challenge page Genius's front answers with a 403."""

from __future__ import annotations

from discovery.sandbox.exchange import Reply
from discovery.sandbox.knobs import Knobs

PREMIUM_MESSAGE = "Active premium subscription required for the owner of the app"
CHALLENGE_PAGE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head>
<body><noscript>Enable JavaScript and cookies to continue</noscript></body></html>"""


def premium_required() -> Reply:
    return Reply(403, {"error": {"status": 403, "message": PREMIUM_MESSAGE}})


def cloudflare_challenge() -> Reply:
    return Reply(
        403,
        CHALLENGE_PAGE,
        {"cf-mitigated": "challenge", "Server": "cloudflare", "Cache-Control": "no-store"},
        content_type="text/html; charset=UTF-8",
    )


def service_refusal(api: str, endpoint: str, knobs: Knobs) -> Reply | None:
    """The refusal `api` answers to every request under these knobs, or None."""
    if api == "spotify" and knobs.spotify_premium_required and endpoint != "token":
        return premium_required()
    if api == "genius" and knobs.genius_cloudflare:
        return cloudflare_challenge()
    return None
