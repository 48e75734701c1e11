"""Social enrichment: the producer's Genius artist (Instagram, Twitter and Facebook names,
followers, URL, alternate names), its MusicBrainz artist (aliases and url relations: Instagram,
X/Twitter, Facebook, SoundCloud, YouTube, Bandcamp, official site; catalog/social_links), then
the Instagram provider for the Instagram handle. Genius's handle wins where both name one;
MusicBrainz fills the rest, each such profile stored with source "musicbrainz" and its evidence
(the artist, relation type and URL), so a producer known only from MusicBrainz gets socials too. A handle is never guessed from a name: none found is recorded as such,
with the time, so it can be looked for again. The alternate names and aliases are recorded, and
producers that share one across sources become one (`catalog.identity`). A message naming a
producer merged meanwhile enriches the producer it was merged into."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from discovery.catalog import identity, store
from discovery.catalog.social_links import SocialLink, social_links
from discovery.clients.genius import genius_client
from discovery.clients.instagram import instagram_client
from discovery.clients.musicbrainz import musicbrainz_client
from discovery.clients.types import GeniusArtist, InstagramProfile
from discovery.exceptions import NotFound
from discovery.pgmq.db import pool
from discovery.pgmq.messages import SocialEnrichment
from discovery.workers.base import BaseWorker, Transaction

logger = logging.getLogger(__name__)
PLATFORMS = ("instagram", "twitter", "facebook")
_said_instagram_off = False


@dataclass
class Socials:
    producer_id: int
    genius_artist: GeniusArtist | None = None
    genius_id: int | None = None
    musicbrainz_id: str | None = None
    musicbrainz_aliases: list[str] = field(default_factory=list)
    musicbrainz_links: dict[str, SocialLink] = field(default_factory=dict)
    instagram_profile: InstagramProfile | None = None
    instagram_checked: bool = False
    handles: dict[str, str | None] = field(default_factory=dict)


class SocialWorker(BaseWorker[SocialEnrichment, Socials]):
    queue = "social_enrichment"
    apis = ("genius", "instagram", "musicbrainz")

    def fetch(self, message: SocialEnrichment) -> Socials:
        with pool(self.settings.database_url).connection() as conn:
            current = identity.resolve(conn, message.producerId)
            producer = store.producer_for_enrichment(conn, current) if current is not None else None
        if producer is None:
            raise NotFound(f"producer {message.producerId} ({message.producerName!r}) does not exist")
        found = Socials(producer_id=producer[0], genius_id=producer[2], musicbrainz_id=producer[3])
        genius_id = producer[2]
        if found.musicbrainz_id is not None:
            found.musicbrainz_aliases, found.musicbrainz_links = _musicbrainz_artist(self.settings, found.musicbrainz_id)
        if genius_id is not None:
            found.genius_artist = genius_client(self.settings).artist(int(genius_id))
            for platform in PLATFORMS:
                found.handles[platform] = _handle(found.genius_artist.get(f"{platform}_name"))
        for platform, link in found.musicbrainz_links.items():
            if not found.handles.get(platform):
                found.handles[platform] = link.handle
        handle = found.handles.get("instagram")
        if handle:
            instagram = instagram_client(self.settings)
            if instagram.configured:
                found.instagram_profile = instagram.profile(handle)
                found.instagram_checked = True
            else:
                _say_instagram_is_off()
        return found

    def write(self, tx: Transaction, message: SocialEnrichment, fetched: Socials) -> None:
        identity.lock(tx.conn)
        current = identity.resolve(tx.conn, fetched.producer_id)
        if current is None:
            raise NotFound(f"producer {message.producerId} ({message.producerName!r}) was removed meanwhile")
        fetched.producer_id = current
        artist = fetched.genius_artist or {}
        if fetched.genius_id is not None:
            identity.record_aliases(tx.conn, current, "genius", str(fetched.genius_id),
                                    list(artist.get("alternate_names") or []))
        if fetched.musicbrainz_id is not None:
            identity.record_aliases(tx.conn, current, "musicbrainz", fetched.musicbrainz_id, fetched.musicbrainz_aliases)
        merged = identity.link_by_names(tx.conn, current)
        fetched.producer_id = identity.resolve(tx.conn, current) or current
        if merged:
            logger.info("producer %s linked by name with %s", fetched.producer_id, merged,
                        extra={"action": "producers_linked", "producer_id": fetched.producer_id, "merged": merged})
        survivor = store.producer_for_enrichment(tx.conn, fetched.producer_id)
        if survivor is not None and survivor[2] != fetched.genius_id:
            return  # merged into a producer whose socials come from another Genius artist
        for platform in (*PLATFORMS, *(p for p in fetched.musicbrainz_links if p not in PLATFORMS)):
            handle = fetched.handles.get(platform)
            fields: dict[str, Any] = {"handle": handle}
            link = fetched.musicbrainz_links.get(platform)
            from_musicbrainz = link is not None and link.handle == handle
            if handle:
                fields["url"] = link.url if link is not None and from_musicbrainz else _profile_url(platform, handle)
            if from_musicbrainz and link is not None:
                fields["evidence"] = link.evidence
            if platform == "instagram" and fetched.instagram_profile:
                profile = fetched.instagram_profile
                fields.update(
                    followers=profile.get("follower_count"),
                    verified=profile.get("is_verified"),
                    biography=profile.get("biography"),
                    external_url=profile.get("external_url"),
                )
            source = "instagram" if platform == "instagram" and fetched.instagram_checked else (
                "musicbrainz" if from_musicbrainz else "genius")
            store.upsert_social(tx.conn, fetched.producer_id, platform, source, **fields)
        if artist:
            store.upsert_social(
                tx.conn, fetched.producer_id, "genius", "genius",
                handle=str(artist.get("name") or ""), url=artist.get("url"), followers=artist.get("followers_count"),
            )
        store.mark_enriched(tx.conn, fetched.producer_id, artist.get("url"))


def _musicbrainz_artist(settings: Any, mbid: str) -> tuple[list[str], dict[str, SocialLink]]:
    """The MusicBrainz artist's aliases and its social links."""
    try:
        artist = musicbrainz_client(settings).artist(mbid)
    except NotFound:
        return [], {}  # an artist MusicBrainz no longer has: nothing to learn from
    aliases = [str(alias.get("name")) for alias in artist.get("aliases") or [] if alias.get("name")]
    return aliases, social_links(dict(artist))


def _handle(value: Any) -> str | None:
    text = str(value or "").strip().lstrip("@")
    return text or None


def _profile_url(platform: str, handle: str) -> str:
    return {
        "instagram": f"https://www.instagram.com/{handle}/",
        "twitter": f"https://twitter.com/{handle}",
        "facebook": f"https://www.facebook.com/{handle}",
    }[platform]


def _say_instagram_is_off() -> None:
    global _said_instagram_off
    if not _said_instagram_off:
        _said_instagram_off = True
        logger.warning(
            "INSTAGRAM_API_KEY is not set: Instagram profiles are skipped (handles from Genius are kept)",
            extra={"action": "instagram_skipped"},
        )
