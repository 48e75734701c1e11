"""Which answers refuse the whole app or machine rather than one request, and which ask us to
come back later.

- A 403 whose body is an HTML page (a Cloudflare challenge, `cf-mitigated: challenge`, or any
  block page in front of a JSON API) refuses the machine, not the request.
- Spotify's 403 "Active premium subscription required for the owner of the app" (Development
  Mode apps whose owner has no Premium, since early 2026) refuses every call of the app.
- A 503 with a Retry-After (MusicBrainz above 1 request/s) is "not now": the Retry-After is a
  hold, not a failure to retry at once.

Everything else (a 403 on one endpoint, a 400 for one request's shape) stays that request's error.
"""

from __future__ import annotations

from typing import Any

import requests

PREMIUM_WORD = "premium"
OVERLOAD_STATUSES = frozenset({503})


def error_message(response: requests.Response) -> str:
    """The `error.message` (Spotify) or `error` (others) of a JSON error body, else ""."""
    try:
        body: Any = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("message") or "")
    return str(error or "")


def is_block_page(response: requests.Response) -> bool:
    """An HTML page (or Cloudflare's challenge header) where a JSON API answers JSON."""
    if response.headers.get("cf-mitigated"):
        return True
    return "text/html" in response.headers.get("Content-Type", "").lower()


def service_refusal(api: str, response: requests.Response) -> str | None:
    """Why this 403 refuses the whole service (a reason for `discovery status`), or None when it
    refuses only this request."""
    if response.status_code != 403:
        return None
    if is_block_page(response):
        cloudflare = response.headers.get("cf-mitigated") or "cloudflare" in response.headers.get("Server", "").lower()
        what = "a Cloudflare challenge" if cloudflare else "a block page"
        return f"{api} answered {what} (403, HTML) instead of its API"
    message = error_message(response)
    if api == "spotify" and PREMIUM_WORD in message.lower():
        return f"Spotify: {message!r} (the app owner's Spotify account needs Premium)"
    return None


def overload_reason(api: str, response: requests.Response, retry_after_s: float) -> str:
    return f"{api} answered {response.status_code} with Retry-After {retry_after_s:g}s (over its rate limit)"
