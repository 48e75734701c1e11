"""The live APIs' 2026 behaviour, all at once, against the real processes (beat, bridges, the five
pools): Spotify refuses the app for want of Premium, then Genius answers Cloudflare challenges,
while MusicBrainz answers 503 above its rate, artists' albums come in pages of 10 and once per
market when no market is named, some producers sit only on MusicBrainz releases and MusicBrainz
artists carry their links. Nothing is dead-lettered, the producers are those of the answer key
(the run without knobs: tests/e2e/test_pipeline.py), MusicBrainz answers at most 3 over-limit
refusals in the whole run, and `discovery status` shows each refusal's hold with its reason while
it lasts."""

from __future__ import annotations

import json
import time
from typing import Any

import psycopg
import pytest
import redis

from discovery.clients.breakers import stored_hold
from discovery.ops import progress, seeding
from discovery.sandbox.musicbrainz_extras import MusicBrainzExtras, release_id
from tests.e2e.scoring import discoverable_tracks, expected_credits, found_credits, reported_tracks
from tests.e2e.test_pipeline import demo_files
from tests.ops.support import run_discovery
from tests.support.processes import wait_for

pytestmark = pytest.mark.integration

RECHECK_S = 2
# MusicBrainz's shape at three times its speed (1 request/s there), on both sides, so the run
# takes seconds less per MusicBrainz call; our limiter is set to the upstream's rate, as in production.
MUSICBRAINZ_RATE = "3/1"
RATE_LIMITS = f"spotify=1000/30,genius=200/1,musicbrainz={MUSICBRAINZ_RATE},instagram=200/1"
KNOBS: dict[str, Any] = {
    "spotify_premium_required": True,
    "genius_cloudflare": True,
    "rate": {"musicbrainz": MUSICBRAINZ_RATE},
    "rate_status": {"musicbrainz": 503},
    "album_page_max": 10,
    "market_duplicates": True,
    "musicbrainz_release_credits": True,
    "musicbrainz_url_rels": True,
}


def refused_hold(redis_url: str, api: str) -> str | None:
    hold = stored_hold(redis.Redis.from_url(redis_url), api)
    return hold.reason if hold is not None and hold.kind == "refused" else None


def status_of(pipeline: Any) -> dict[str, Any]:
    return dict(json.loads(run_discovery(pipeline.database_url, pipeline.redis_url, "status", "--json").stdout))


def rows(database_url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(sql).fetchall()  # type: ignore[arg-type]


def test_every_live_behaviour_at_once_loses_nothing_and_finds_the_same_producers(start_pipeline):
    catalog, truth = demo_files()
    pipeline = start_pipeline(
        None,
        quota_mode="development",
        env={"DISCOVERY_CREDENTIAL_RECHECK_S": str(RECHECK_S), "DISCOVERY_RATE_LIMITS": RATE_LIMITS},
        **KNOBS,
    )
    started = time.monotonic()
    phases: dict[str, float] = {}
    names = [artist["name"] for artist in truth["artists"]]
    seeds = [progress.Seeded(seeding.start(pipeline.database_url, name), name) for name in names]

    # Given Spotify refuses the app (Premium): a hold with its reason, shown by status
    wait_for(lambda: refused_hold(pipeline.redis_url, "spotify") is not None, 60, "the Spotify Premium hold")
    spotify = status_of(pipeline)["apis"]["spotify"]
    assert spotify["pause_kind"] == "refused", spotify
    assert "Active premium subscription required" in spotify["pause_reason"]
    assert pipeline.dead_letters() == []

    # When Spotify accepts the app again, Genius answers Cloudflare challenges: its own hold
    phases["premium hold seen"] = time.monotonic() - started
    pipeline.sandbox.configure(spotify_premium_required=False)
    wait_for(lambda: refused_hold(pipeline.redis_url, "genius") is not None, 90, "the Genius Cloudflare hold")
    report = status_of(pipeline)
    assert report["apis"]["genius"]["pause_kind"] == "refused", report["apis"]["genius"]
    assert "Cloudflare challenge" in report["apis"]["genius"]["pause_reason"]
    assert any("Cloudflare challenge" in item for item in report["attention"]), report["attention"]
    assert pipeline.dead_letters() == []

    # And once Genius answers again, the catalog finishes
    phases["cloudflare hold seen"] = time.monotonic() - started
    pipeline.sandbox.configure(genius_cloudflare=False)
    with open(pipeline.procs.log_dir / "follow.log", "a") as out:
        last = progress.follow(pipeline.database_url, pipeline.redis_url, seeds, out=out, poll_s=0.5, timeout_s=240)
    assert [item.stage for item in last] == ["done"] * len(names), [item.line() for item in last]
    phases["done"] = time.monotonic() - started

    # Then nothing was dead-lettered, and the credits are the answer key's (same producers, roles, sources)
    assert pipeline.dead_letters() == []
    artist_ids = {artist["spotify_id"] for artist in truth["artists"]}
    tracks = discoverable_tracks(catalog, artist_ids)
    assert reported_tracks(pipeline.database_url, artist_ids) == tracks
    reports = [pipeline.report(artist_id) for artist_id in sorted(artist_ids)]
    assert found_credits(reports) == expected_credits(truth, tracks)
    # one album per release: no per-market twin was stored
    catalog_albums = {album["id"] for album in catalog["spotify"]["albums"]}
    assert {row[0] for row in rows(pipeline.database_url, "SELECT spotify_id FROM albums")} <= catalog_albums

    # MusicBrainz answered at most 3 over-limit refusals in the whole run
    stats = pipeline.sandbox.stats()
    print(f"phases (s since the seeds): {phases}; requests: "
          + ", ".join(f"{api} {stats[api]['requests']}" for api in ("spotify", "genius", "musicbrainz", "instagram"))
          + f"; MusicBrainz over limit {stats['musicbrainz']['over_limit']}")
    assert stats["musicbrainz"]["over_limit"] <= 3, stats["musicbrainz"]
    assert stats["spotify"]["refused"] >= 1 and stats["genius"]["refused"] >= 1

    # The producers only a release names are credited from it: lower confidence, the release named
    moved = MusicBrainzExtras(catalog).moved
    from_releases = rows(
        pipeline.database_url,
        "SELECT musicbrainz_recording_id, musicbrainz_release_id, musicbrainz_release_title, confidence::float"
        " FROM track_producers WHERE musicbrainz_release_id IS NOT NULL",
    )
    assert from_releases, "no release-level credit"
    for recording, release, title, confidence in from_releases:
        assert recording in moved and release == release_id(recording) and title
        assert confidence <= 0.70

    # Producers known only from MusicBrainz have socials from its url relations, with evidence
    linked = rows(
        pipeline.database_url,
        "SELECT p.musicbrainz_id, s.platform, s.handle, s.evidence FROM producers p"
        " JOIN producer_socials s ON s.producer_id = p.id"
        " WHERE p.genius_id IS NULL AND s.handle IS NOT NULL",
    )
    only_musicbrainz = {row[0] for row in rows(pipeline.database_url, "SELECT musicbrainz_id FROM producers WHERE genius_id IS NULL")}
    assert only_musicbrainz and {row[0] for row in linked} == only_musicbrainz
    assert {row[1] for row in linked} == {"instagram", "soundcloud", "website"}
    assert all(row[3]["musicbrainz_artist_id"] == row[0] and row[3]["url"] for row in linked)
