"""End to end: beat, the bridges and all five pools as real processes, against the sandbox,
compared with the generator's answer key."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from importlib import resources

import psycopg
import pytest

from discovery.ops import progress, seeding, status
from discovery.sandbox.generator import generate_catalog
from discovery.settings import Settings
from tests.e2e.scoring import (
    credits_not_backed_by_the_catalog,
    discoverable_tracks,
    expected_credits,
    found_credits,
    found_outcomes,
    found_socials,
    reported_tracks,
    run_cli,
)

pytestmark = pytest.mark.integration


def demo_files() -> tuple[dict, dict]:
    package = resources.files("discovery.sandbox")
    return (
        json.loads(package.joinpath("demo_catalog.json").read_text(encoding="utf-8")),
        json.loads(package.joinpath("demo_catalog.truth.json").read_text(encoding="utf-8")),
    )


def check_against_truth(pipeline, catalog: dict, truth: dict) -> None:
    artist_ids = {artist["spotify_id"] for artist in truth["artists"]}
    reports = [pipeline.report(artist_id) for artist_id in sorted(artist_ids)]
    tracks = discoverable_tracks(catalog, artist_ids)

    assert reported_tracks(pipeline.database_url, artist_ids) == tracks
    expected = expected_credits(truth, tracks)
    found = found_credits(reports)
    assert found - expected == set(), "credits that should not be there (precision < 1)"
    assert expected - found == set(), "credits missing (recall < 1)"
    for artist_id, found in zip(sorted(artist_ids), reports, strict=True):
        # Each artist's report holds its own tracks (a joint album's for each of its artists)
        own = discoverable_tracks(catalog, {artist_id})
        assert reported_tracks(pipeline.database_url, {artist_id}) == own
        assert found["tracks"] == len(own)
        assert found_credits([found]) == expected_credits(truth, own)
    socials = found_socials(reports)
    for name, producer in truth["producers"].items():
        if name in socials:
            assert socials[name] == producer["socials"], name
    # Every credit names the Genius song or MusicBrainz recording it rests on, and the catalog's
    # object there credits that name in that section or relation.
    assert credits_not_backed_by_the_catalog(reports, catalog) == []
    # Every track has the outcome the answer key gives it.
    coverage = json.loads(run_cli(pipeline.database_url, "coverage", "--format", "json"))
    assert found_outcomes(coverage) == {track: truth["outcomes"][track] for track in tracks}


def test_the_demo_catalog_is_discovered_exactly_as_its_answer_key_says(start_pipeline):
    catalog, truth = demo_files()
    pipeline = start_pipeline(None)

    pipeline.discover([artist["name"] for artist in truth["artists"]])

    check_against_truth(pipeline, catalog, truth)
    # The producer Genius knows with an alternate name and MusicBrainz credits under it (with the
    # Genius name as an alias) is one producer, with both links and why each was made.
    [genius] = [artist for artist in catalog["genius"]["artists"] if artist["alternate_names"]]
    [aliased] = [artist for artist in catalog["musicbrainz"]["artists"] if artist["aliases"]]
    page = json.loads(run_cli(pipeline.database_url, "producer", genius["name"], "--format", "json"))
    links = {link["source"]: link for link in page["links"]}
    assert (links["genius"]["external_id"], links["musicbrainz"]["external_id"]) == (str(genius["id"]), aliased["id"])
    assert links["musicbrainz"]["name"] == aliased["name"]
    # Whichever identity came second was linked by the alternate name or the alias, and says so.
    joined = [link["reason"] for link in page["links"] if "alias" in link["reason"] or "alternate name" in link["reason"]]
    assert joined and all(aliased["name"] in reason or genius["name"] in reason for reason in joined), page["links"]
    assert {(alias["alias"], alias["source"]) for alias in page["aliases"]} >= {
        (aliased["name"], "genius"), (genius["name"], "musicbrainz")}
    with psycopg.connect(pipeline.database_url) as conn:
        ambiguous = conn.execute(
            "SELECT message FROM worker_issues WHERE error_type = 'AmbiguousArtist'"
        ).fetchall()
        looked_and_found_none = conn.execute(
            "SELECT p.name FROM producer_socials s JOIN producers p ON p.id = s.producer_id"
            " WHERE s.platform = 'instagram' AND s.handle IS NULL AND s.checked_at IS NOT NULL"
        ).fetchall()
    # Several artists are called "Lumen": the one spelled as typed was chosen, and that was recorded
    assert len(ambiguous) == 1 and "several artists named 'Lumen'" in ambiguous[0][0]
    assert "named exactly as typed" in ambiguous[0][0]
    # and `report` shows the namesake it was chosen over
    lumen = pipeline.report("Lumen")
    assert [item["name"] for item in lumen["alternatives"]] == ["LUMEN"]
    # A producer's count is of recordings (ISRCs), not releases: an album track and its single are one
    # (a track without an ISRC is a recording of its own)
    isrc = {t["id"]: (t.get("external_ids") or {}).get("isrc") or t["id"] for t in catalog["spotify"]["tracks"]}
    counted_twice = 0
    for artist in truth["artists"]:
        found = pipeline.report(artist["spotify_id"])
        for producer in found["producers"]:
            credited = {c["spotify_track_id"] for c in producer["credits"]}
            assert producer["recordings"] == len({isrc[track_id] for track_id in credited}), producer["name"]
            counted_twice += producer["recordings"] < len(credited)
    assert counted_twice, "the demo catalog has singles that repeat album tracks"
    # No handle is guessed from a name: "none found" is recorded, with the time.
    without_instagram = {name for name, p in truth["producers"].items() if p["socials"]["instagram"] is None}
    assert {row[0] for row in looked_and_found_none} == without_instagram


def test_an_unknown_artist_and_one_without_releases_are_outcomes_not_failures(start_pipeline):
    # Given a name Spotify does not know, and an artist it knows who has no albums or singles
    pipeline = start_pipeline(None)
    seeds = [
        progress.Seeded(seeding.start(pipeline.database_url, name), name)
        for name in ("Nobody By This Name", "Lumen Kid")
    ]

    # When their discoveries are followed to the end
    with open(pipeline.procs.log_dir / "follow.log", "a") as out:
        unknown, empty = progress.follow(
            pipeline.database_url, pipeline.redis_url, seeds, out=out, poll_s=0.5, timeout_s=60
        )

    # Then the unknown name is a clear "not found", the other is done with no releases said
    assert unknown.stage == "not found"
    assert "no Spotify artist named exactly 'Nobody By This Name'" in unknown.line()
    assert empty.stage == "done" and empty.no_releases
    assert "has no albums or singles" in empty.line()
    # and nothing went to a dead-letter queue, so `discovery status` stays healthy (exit 0)
    with psycopg.connect(pipeline.database_url) as conn:
        dead = conn.execute("SELECT count(*) FROM pgmq.q_artist_discovery_dlq").fetchone()[0]
    assert dead == 0
    checked = cli(pipeline, "status", "--json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # and `discovery artists` lists both with their outcome; `report` says "not found" for the typo
    listed = cli(pipeline, "artists", "--format", "json")
    states = {row["searched_as"]: row["state"] for row in json.loads(listed.stdout)}
    assert states == {"Nobody By This Name": "not found", "Lumen Kid": "no albums or singles"}
    reported = cli(pipeline, "report", "--artist", "Nobody By This Name")
    assert reported.returncode != 0
    assert "not found on Spotify: no Spotify artist named exactly 'Nobody By This Name'" in reported.stderr


def cli(pipeline, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "discovery.cli", *args],
        env=pipeline.procs.env, capture_output=True, text=True, timeout=60,
    )


def test_a_generated_catalog_of_20_artists_is_discovered_with_precision_and_recall_1(start_pipeline):
    catalog, truth = generate_catalog(artists=20, albums=3, tracks=6, seed=7)
    # Spotify's Development Mode (the sandbox's default; auto quota mode switches itself).
    pipeline = start_pipeline(catalog)

    pipeline.discover([artist["name"] for artist in truth["artists"]], timeout_s=400)

    check_against_truth(pipeline, catalog, truth)
    before = pipeline.counts()
    # A recording on several releases (same ISRC, or same artist, title and duration) costs one
    # producer lookup.
    genius_searches = pipeline.sandbox.stats()["genius"]["endpoints"]["search"]["requests"]
    assert genius_searches == before["recordings"] < before["tracks"]

    pipeline.discover([artist["name"] for artist in truth["artists"]], timeout_s=200)

    assert pipeline.counts() == before, "a second discovery of the same artists added rows"
    # The second run asked Spotify for what the first had cached: `discovery status` shows it.
    seen = status.collect(Settings(database_url=pipeline.database_url, redis_url=pipeline.redis_url))
    assert 0 < seen.apis["spotify"].cache_hit_ratio < 1


def spotify_calls(stats: dict) -> dict[str, int]:
    endpoints = stats["spotify"]["endpoints"]
    return {name: counts["requests"] for name, counts in endpoints.items() if name != "token"}


@pytest.mark.parametrize("mode", ["development", "extended"])
def test_spotify_calls_for_an_artist_stay_within_the_documented_bound(start_pipeline, mode):
    catalog, truth = generate_catalog(artists=1, albums=12, tracks=5, seed=3)
    artist = truth["artists"][0]
    albums = [a for a in catalog["spotify"]["albums"]
              if a["album_type"] in ("album", "single") and artist["spotify_id"] in {x["id"] for x in a["artists"]}]
    a = len(albums)
    extra_pages = sum(max(math.ceil(len(album["tracks"]["items"]) / 50) - 1, 0) for album in albums)
    pages = [math.ceil(len(album["tracks"]["items"]) / 50) for album in albums]
    pipeline = start_pipeline(catalog, quota_mode=mode, spotify_mode=mode)

    pipeline.discover([artist["name"]])

    calls = spotify_calls(pipeline.sandbox.stats())
    discovery_calls = sum(calls.get(name, 0) for name in (
        "search", "artist", "artist_albums", "album", "album_tracks", "several_albums", "several_tracks"))
    if mode == "development":
        bound = 1 + math.ceil(a / 10) + a + extra_pages
    else:
        isrc_batches = sum(pages)  # one tracks?ids= batch per page of up to 50 tracks
        bound = 1 + math.ceil(a / 50) + math.ceil(a / 20) + extra_pages + isrc_batches
    assert calls["search"] == 1 and calls["artist_albums"] == math.ceil(a / (10 if mode == "development" else 50))
    assert discovery_calls <= bound, calls
    # Single-track lookups happen only in development mode, only for MusicBrainz fallbacks.
    if mode == "extended":
        assert calls.get("track", 0) == 0, calls
        assert calls["several_albums"] == math.ceil(a / 20) and calls["album"] == 0, calls
    else:
        assert calls["album"] == a and calls.get("several_albums", 0) == 0, calls
