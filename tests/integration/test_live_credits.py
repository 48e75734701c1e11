"""The producer and social workers against MusicBrainz as it is: a producer named only on a release
is credited from it (lower confidence, the release in the evidence), the same person as when the
recording names them; a producer known only from MusicBrainz gets socials from its url relations,
with evidence, and Genius's handles still win where both name one."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import psycopg
import pytest

from discovery.catalog import store
from discovery.catalog.credits import Credit, confidence
from discovery.clients.factory import reset_clients
from discovery.pgmq.messages import ProducerIdentification, SocialEnrichment
from discovery.pgmq.queues import Delivery
from discovery.sandbox.musicbrainz_extras import MusicBrainzExtras, release_id
from discovery.settings import Settings
from discovery.workers.base import Transaction
from discovery.workers.producer import ProducerWorker
from discovery.workers.social import SocialWorker

pytestmark = pytest.mark.integration


def demo() -> tuple[dict[str, Any], dict[str, Any]]:
    package = resources.files("discovery.sandbox")
    return (
        json.loads(package.joinpath("demo_catalog.json").read_text(encoding="utf-8")),
        json.loads(package.joinpath("demo_catalog.truth.json").read_text(encoding="utf-8")),
    )


def settings_for(server: Any, database_url: str, redis_url: str) -> Settings:
    return Settings(
        discovery_api_base=server.url, database_url=database_url, redis_url=redis_url,
        spotify_client_id="id", spotify_client_secret="secret", genius_access_token="token", instagram_api_key="key",
        discovery_rate_limits="spotify=1000/30,genius=200/1,musicbrainz=200/1,instagram=200/1",
    )


def identified(settings: Settings, message: ProducerIdentification) -> list[Credit]:
    reset_clients()
    worker = ProducerWorker(Delivery("producer_identification", 1, 1, message.model_dump()), settings)
    return worker.fetch(message).credits


def a_release_only_track(catalog: dict[str, Any], truth: dict[str, Any]) -> dict[str, Any]:
    """A track MusicBrainz credits whose recording the knob empties."""
    moved = MusicBrainzExtras(catalog).moved
    isrcs = {isrc: r["id"] for r in catalog["musicbrainz"]["recordings"] if r["id"] in moved for isrc in r["isrcs"]}
    for track in catalog["spotify"]["tracks"]:
        isrc = track["external_ids"].get("isrc")
        credits = truth["tracks"].get(track["id"]) or []
        if isrc in isrcs and credits and all(c["source"] == "musicbrainz" for c in credits):
            return dict(track)
    raise AssertionError("the demo catalog has no release-only track")


def test_a_producer_named_only_on_a_release_is_credited_from_it_with_lower_confidence(
    sandbox_factory, database_url, redis_url
):
    catalog, truth = demo()
    track = a_release_only_track(catalog, truth)
    isrc, artist = track["external_ids"]["isrc"], track["artists"][0]
    message = ProducerIdentification(recordingKey=isrc, trackId=track["id"], trackName=track["name"], artistId=artist["id"],
                                     artistName=artist["name"], isrc=isrc)
    plain = identified(settings_for(sandbox_factory(catalog), database_url, redis_url), message)

    # When the recording answers without its producers and its release has them
    from_release = identified(
        settings_for(sandbox_factory(catalog, musicbrainz_release_credits=True), database_url, redis_url), message
    )

    # Then the same people are credited, at the release level, for less, naming the release
    assert [(c.name, c.role, c.musicbrainz_id) for c in from_release] == [(c.name, c.role, c.musicbrainz_id) for c in plain]
    assert from_release and all(c.level == "release" for c in from_release)
    for credit in from_release:
        assert confidence(credit) < 0.85 and credit.evidence is not None
        assert credit.evidence.musicbrainz_release_id == release_id(credit.evidence.musicbrainz_recording_id or "")
        assert credit.evidence.musicbrainz_release_title


def test_a_producer_known_only_from_musicbrainz_gets_socials_from_its_url_relations(
    sandbox_factory, database_url, redis_url
):
    catalog, truth = demo()
    [name] = [n for n, p in truth["producers"].items() if not p["genius_id"]][:1]
    [artist] = [a for a in catalog["musicbrainz"]["artists"] if a["name"] == name]
    settings = settings_for(sandbox_factory(catalog, musicbrainz_url_rels=True), database_url, redis_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        producer_id = store.upsert_producer(conn, Credit(name, "producer", "musicbrainz", None, artist["id"]))
    message = SocialEnrichment(producerId=producer_id, producerName=name)
    reset_clients()

    # When the social worker enriches them
    worker = SocialWorker(Delivery("social_enrichment", 1, 1, message.model_dump()), settings)
    fetched = worker.fetch(message)
    with psycopg.connect(database_url) as conn:
        worker.write(Transaction(conn), message, fetched)
        conn.commit()
        socials = {row[0]: row[1:] for row in conn.execute(
            "SELECT platform, handle, url, source, evidence FROM producer_socials WHERE producer_id = %s", (producer_id,)
        )}

    # Then Instagram, SoundCloud and the homepage come from MusicBrainz, each with its evidence
    assert socials["instagram"][0] and socials["instagram"][1].startswith("https://www.instagram.com/")
    assert socials["soundcloud"][2] == "musicbrainz" and socials["website"][2] == "musicbrainz"
    for platform in ("instagram", "soundcloud", "website"):
        evidence = socials[platform][3]
        assert evidence["musicbrainz_artist_id"] == artist["id"] and evidence["url"] == socials[platform][1]
    assert socials["twitter"][0] is None  # nothing invented where no source names one
