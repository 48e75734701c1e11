"""End to end: a person's merge survives a second discovery; the cross-check records whether
Genius and MusicBrainz agree."""

from __future__ import annotations

import json

import psycopg
import pytest

from tests.e2e.scoring import run_cli
from tests.e2e.test_pipeline import demo_files

pytestmark = pytest.mark.integration


def credits_by_producer(report: dict) -> dict[str, set[tuple[str, str, str]]]:
    return {
        producer["name"]: {(c["spotify_track_id"], c["role"], c["source"]) for c in producer["credits"]}
        for producer in report["producers"]
    }


def isrcs_left_to_musicbrainz(catalog: dict, truth: dict, coverage: dict) -> set[str]:
    """The ISRCs of the covered tracks that Genius did not credit, by the answer key."""
    isrcs = {track["id"]: track["external_ids"].get("isrc") for track in catalog["spotify"]["tracks"]}
    genius = {isrcs[t] for t, o in truth["outcomes"].items() if o["outcome"] == "credited_by_genius"}
    covered = {isrcs[track["spotify_track_id"]] for track in coverage["tracks"]}
    assert covered & genius, "the artist has Genius-credited tracks, or this shows nothing"
    return {isrc for isrc in covered if isrc and isrc not in genius}


def test_a_manual_merge_survives_a_second_discovery_of_the_same_artist(start_pipeline):
    catalog, truth = demo_files()
    artist = truth["artists"][0]["name"]
    pipeline = start_pipeline(None)
    pipeline.discover([artist])
    before = credits_by_producer(pipeline.report(artist))
    # Without DISCOVERY_CROSS_CHECK, MusicBrainz is asked only for what Genius left uncredited.
    asked = pipeline.sandbox.stats()["musicbrainz"]["endpoints"]["isrc"]["requests"]
    coverage = json.loads(run_cli(pipeline.database_url, "coverage", "--artist", artist, "--format", "json"))
    assert asked == len(isrcs_left_to_musicbrainz(catalog, truth, coverage)), asked
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


def producer_names_on_musicbrainz(catalog: dict) -> dict[str, set[str]]:
    """Per ISRC, the names MusicBrainz's recordings credit as producer, read from the catalog."""
    by_isrc: dict[str, set[str]] = {}
    for recording in catalog["musicbrainz"]["recordings"]:
        names = {relation["artist"]["name"] for relation in recording.get("relations") or []
                 if relation.get("type") == "producer" and relation.get("artist")}
        for isrc in recording["isrcs"]:
            by_isrc.setdefault(isrc, set()).update(names)
    return by_isrc


def expected_verdicts(catalog: dict, truth: dict, track_ids: set[str]) -> dict[str, str | None]:
    """Per track, what the cross-check should record, from the catalog and the answer key alone:
    a Genius-credited track agrees when MusicBrainz names the same producers, disagrees when it
    names others, is only_genius when it names none; a MusicBrainz-credited one is only_musicbrainz."""
    isrcs = {track["id"]: track["external_ids"].get("isrc") for track in catalog["spotify"]["tracks"]}
    on_musicbrainz = producer_names_on_musicbrainz(catalog)
    expected: dict[str, str | None] = {}
    for track_id in track_ids:
        outcome = truth["outcomes"][track_id]["outcome"]
        if outcome == "credited_by_musicbrainz":
            expected[track_id] = "only_musicbrainz"
        elif outcome == "credited_by_genius":
            genius = {credit["producer"].casefold() for credit in truth["tracks"][track_id]}
            theirs = {name.casefold() for name in on_musicbrainz.get(isrcs[track_id], set())}
            expected[track_id] = "only_genius" if not theirs else "agree" if theirs == genius else "disagree"
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


def test_a_split_survives_a_second_discovery_of_the_same_artists(start_pipeline):
    catalog, truth = demo_files()
    names = [artist["name"] for artist in truth["artists"]]
    pipeline = start_pipeline(None)
    pipeline.discover(names)
    # Given the producer Genius and MusicBrainz know under two names, linked by the rules
    [genius] = [artist for artist in catalog["genius"]["artists"] if artist["alternate_names"]]
    page = json.loads(run_cli(pipeline.database_url, "producer", genius["name"], "--format", "json"))
    assert {link["source"] for link in page["links"]} == {"genius", "musicbrainz"}

    # When a person splits them, and every recording is identified again
    split = run_cli(pipeline.database_url, "producers", "split", genius["name"])
    kept, separated = [int(word.strip(",;")) for word in split.split() if word.strip(",;").isdigit()]
    with psycopg.connect(pipeline.database_url) as conn:
        conn.execute("DELETE FROM track_producers")
        conn.execute("DELETE FROM recordings")
    pipeline.discover(names)

    # Then no rule links them again: two producers, one identity each, the split remembered
    pages = [json.loads(run_cli(pipeline.database_url, "producer", str(pid), "--format", "json")) for pid in (kept, separated)]
    assert [sorted(link["source"] for link in page["links"]) for page in pages] == [["genius"], ["musicbrainz"]]
    assert all(page["credits"] for page in pages), "each keeps the credits of its own source"
