"""End to end: a person's merge survives a second discovery; the cross-check records whether
Genius and MusicBrainz agree."""

from __future__ import annotations

import json

import psycopg
import pytest

from discovery.catalog.credits import Credit, musicbrainz_credits
from discovery.catalog.cross_check import compare
from tests.e2e.scoring import run_cli
from tests.e2e.test_pipeline import demo_files

pytestmark = pytest.mark.integration


def credits_by_producer(report: dict) -> dict[str, set[tuple[str, str, str]]]:
    return {
        producer["name"]: {(c["spotify_track_id"], c["role"], c["source"]) for c in producer["credits"]}
        for producer in report["producers"]
    }


def test_a_manual_merge_survives_a_second_discovery_of_the_same_artist(start_pipeline):
    catalog, truth = demo_files()
    artist = truth["artists"][0]["name"]
    pipeline = start_pipeline(None)
    pipeline.discover([artist])
    before = credits_by_producer(pipeline.report(artist))
    # Given two Genius producers a person knows are one
    keep, other = sorted(name for name, p in truth["producers"].items()
                         if p["genius_id"] and name in before and not p["musicbrainz_id"])[:2]
    print(run_cli(pipeline.database_url, "producers", "merge", keep, other))
    # and every recording forgotten, so the second discovery identifies each one again
    with psycopg.connect(pipeline.database_url) as conn:
        conn.execute("DELETE FROM track_producers")
        conn.execute("DELETE FROM recordings")

    pipeline.discover([artist])

    after = credits_by_producer(pipeline.report(artist))
    assert other not in after
    assert after[keep] == before[keep] | before[other]
    page = json.loads(run_cli(pipeline.database_url, "producer", keep, "--format", "json"))
    manual = [link for link in page["links"] if link["manual"]]
    assert [link["name"] for link in manual] == [other]
    assert manual[0]["reason"] == f"merged by hand: {other!r} into {keep!r}"


def expected_verdicts(catalog: dict, truth: dict, track_ids: set[str]) -> dict[str, str | None]:
    """Per Genius-credited track: what comparing its Genius credits with MusicBrainz's gives."""
    tracks = {track["id"]: track for track in catalog["spotify"]["tracks"]}
    by_isrc: dict[str, list] = {}
    for recording in catalog["musicbrainz"]["recordings"]:
        for isrc in recording["isrcs"]:
            by_isrc.setdefault(isrc, []).extend(musicbrainz_credits(recording))
    expected: dict[str, str | None] = {}
    for track_id in track_ids:
        outcome = truth["outcomes"][track_id]["outcome"]
        if outcome == "credited_by_musicbrainz":
            expected[track_id] = "only_musicbrainz"
        elif outcome == "credited_by_genius":
            genius = [Credit(c["producer"], c["role"], "genius") for c in truth["tracks"][track_id]]
            isrc = tracks[track_id]["external_ids"].get("isrc")
            verdict = compare(genius, by_isrc.get(isrc, []))
            expected[track_id] = verdict[0] if verdict else None
        else:
            expected[track_id] = None
    return expected


def test_the_cross_check_records_whether_genius_and_musicbrainz_agree_and_coverage_counts_it(start_pipeline):
    catalog, truth = demo_files()
    pipeline = start_pipeline(None, env={"DISCOVERY_CROSS_CHECK": "musicbrainz"})

    pipeline.discover([artist["name"] for artist in truth["artists"]])

    coverage = json.loads(run_cli(pipeline.database_url, "coverage", "--format", "json"))
    found = {track["spotify_track_id"]: track["cross_check"] for track in coverage["tracks"]}
    assert found == expected_verdicts(catalog, truth, set(found))
    assert {"disagree", "only_genius", "only_musicbrainz"} <= set(found.values())
    disagreeing = [t for t in coverage["tracks"] if t["cross_check"] == "disagree"]
    assert all(t["cross_check_detail"]["only_musicbrainz"] for t in disagreeing)
    counted = {name: count for name, count in coverage["agreement"].items() if name != "unchecked"}
    assert counted == {name: list(found.values()).count(name) for name in counted}
