"""What the live APIs answer, read right: release-level MusicBrainz credits, url relations as
socials, which 403s refuse the whole service, and a long hold not stretched by its spread."""

from __future__ import annotations

import requests

from discovery.catalog.credits import confidence, musicbrainz_credits, musicbrainz_release_credits
from discovery.catalog.social_links import social_links
from discovery.clients.refusals import service_refusal
from discovery.workers.base import THROTTLE_SPREAD_MAX_S, throttle_delay_s

PRODUCER = {"type": "producer", "target-type": "artist", "attributes": [], "artist": {"id": "mb-ann", "name": "Ann Lee"}}
RECORDING = {"id": "rec-1", "title": "Song", "relations": []}
RELEASE = {"id": "rel-1", "title": "The Album", "relations": [PRODUCER]}


def answer(status: int, body: bytes, content_type: str, **headers: str) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body
    response.headers.update({"Content-Type": content_type, **headers})
    return response


def test_a_release_level_producer_is_credited_with_lower_confidence_and_evidence_naming_the_release():
    [credit] = musicbrainz_release_credits(RELEASE, RECORDING, "QZAAA2400001")
    [on_recording] = musicbrainz_credits({**RECORDING, "relations": [PRODUCER]}, "QZAAA2400001")

    assert (credit.name, credit.role, credit.source, credit.level) == ("Ann Lee", "producer", "musicbrainz", "release")
    assert confidence(credit) == 0.70 < confidence(on_recording) == 0.85
    assert credit.evidence is not None
    assert credit.evidence.musicbrainz_release_id == "rel-1"
    assert credit.evidence.musicbrainz_release_title == "The Album"
    assert credit.evidence.musicbrainz_recording_id == "rec-1" and credit.evidence.isrc == "QZAAA2400001"
    assert on_recording.evidence is not None and on_recording.evidence.musicbrainz_release_id is None


def test_url_relations_become_one_link_per_platform_with_evidence():
    def url_rel(kind: str, url: str, ended: bool = False) -> dict:
        return {"target-type": "url", "type": kind, "ended": ended, "url": {"resource": url}}

    artist = {
        "id": "mb-ann",
        "relations": [
            url_rel("social network", "https://www.instagram.com/annlee.prod/"),
            url_rel("social network", "https://twitter.com/old_ann", ended=True),
            url_rel("social network", "https://x.com/annlee"),
            url_rel("soundcloud", "https://soundcloud.com/annlee"),
            url_rel("youtube", "https://www.youtube.com/channel/UC123"),
            url_rel("bandcamp", "https://annlee.bandcamp.com/"),
            url_rel("official homepage", "https://www.annlee.fm/"),
            url_rel("discogs", "https://www.discogs.com/artist/1"),
        ],
    }

    links = social_links(artist)

    assert {platform: link.handle for platform, link in links.items()} == {
        "instagram": "annlee.prod",
        "twitter": "annlee",
        "soundcloud": "annlee",
        "youtube": "UC123",
        "bandcamp": "annlee",
        "website": "annlee.fm",
    }
    assert links["instagram"].evidence == {
        "musicbrainz_artist_id": "mb-ann",
        "relation_type": "social network",
        "url": "https://www.instagram.com/annlee.prod/",
    }


def test_which_403s_refuse_the_whole_service():
    premium = b'{"error":{"status":403,"message":"Active premium subscription required for the owner of the app"}}'
    batch = b'{"error":{"status":403,"message":"Forbidden"}}'
    challenge = b"<!DOCTYPE html><html><title>Just a moment...</title></html>"

    assert "Premium" in (service_refusal("spotify", answer(403, premium, "application/json")) or "")
    assert service_refusal("spotify", answer(403, batch, "application/json")) is None
    assert "Cloudflare" in (service_refusal("genius", answer(403, challenge, "text/html", **{"cf-mitigated": "challenge"})) or "")
    assert "block page" in (service_refusal("musicbrainz", answer(403, challenge, "text/html")) or "")
    assert service_refusal("genius", answer(404, challenge, "text/html")) is None


def test_a_daily_quotas_hold_is_not_stretched_by_half_again():
    thirteen_hours_s = 13 * 3600.0

    delays = [throttle_delay_s(thirteen_hours_s) for _ in range(200)]

    assert all(thirteen_hours_s <= delay <= thirteen_hours_s + THROTTLE_SPREAD_MAX_S for delay in delays)
    assert all(2.0 <= throttle_delay_s(2.0) <= 3.0 for _ in range(50))
