"""Social profiles from a MusicBrainz artist's url relations (ws/2/artist/{mbid}?inc=url-rels).

Each relation to a URL whose host is a known platform becomes one link: Instagram, X/Twitter,
Facebook, SoundCloud, YouTube, Bandcamp, and the "official homepage" as `website`. The handle is
the profile's name in the URL (the first path segment; a Bandcamp subdomain; a homepage's host).
A link keeps what it rests on: the artist, the relation's type and the URL as MusicBrainz has it.
An ended relation (an old account) is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

HOST_PLATFORMS: dict[str, str] = {
    "instagram.com": "instagram",
    "twitter.com": "twitter",
    "x.com": "twitter",
    "facebook.com": "facebook",
    "soundcloud.com": "soundcloud",
    "youtube.com": "youtube",
    "bandcamp.com": "bandcamp",
}
HOMEPAGE = "official homepage"
# Path segments that are pages of the platform, not a profile's name.
NOT_HANDLES = frozenset({"channel", "user", "c", "pages", "people", "profile.php", "p"})


@dataclass(frozen=True)
class SocialLink:
    platform: str
    handle: str
    url: str
    evidence: dict[str, Any]


def _platform(host: str) -> str | None:
    host = host.lower().removeprefix("www.").removeprefix("m.")
    for known, platform in HOST_PLATFORMS.items():
        if host == known or host.endswith("." + known):
            return platform
    return None


def _handle(platform: str, host: str, path: str) -> str | None:
    if platform == "bandcamp":
        sub = host.lower().removeprefix("www.").removesuffix(".bandcamp.com")
        return sub if sub and sub != "bandcamp.com" else None
    segments = [part for part in path.split("/") if part]
    if platform == "youtube" and len(segments) >= 2 and segments[0] in NOT_HANDLES:
        return segments[1]
    if not segments or segments[0] in NOT_HANDLES:
        return None
    return segments[0].lstrip("@") or None


def social_links(artist: dict[str, Any]) -> dict[str, SocialLink]:
    """One link per platform (the first MusicBrainz lists) from the artist's url relations."""
    found: dict[str, SocialLink] = {}
    for relation in artist.get("relations") or []:
        url = str((relation.get("url") or {}).get("resource") or "")
        if relation.get("target-type") != "url" or not url or relation.get("ended"):
            continue
        parts = urlsplit(url)
        host = parts.hostname or ""
        platform = _platform(host)
        handle = _handle(platform, host, parts.path) if platform else None
        if platform is None and relation.get("type") == HOMEPAGE:
            platform, handle = "website", host.lower().removeprefix("www.")
        if platform is None or not handle or platform in found:
            continue
        evidence = {"musicbrainz_artist_id": artist.get("id"), "relation_type": relation.get("type"), "url": url}
        found[platform] = SocialLink(platform, handle, url, evidence)
    return found
