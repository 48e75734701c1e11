"""End to end on a generated catalog with every title and artist shape of real catalogs (credits
v3, sandbox/gen_shapes): every track's credits and outcome as the answer key says, measured as
precision and recall; an ambiguous track shown by `discovery coverage` with its candidate pages;
a producer under two spellings found by either, in reports, searches and exports. The catalog's
views are read through the functions the commands print (`coverage`'s table and `producers
--search` through the commands themselves), to keep the test short."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from discovery.catalog import coverage as coverage_of
from discovery.catalog import producer_page, report
from discovery.sandbox.gen_shapes import TWO_SPELLINGS
from discovery.sandbox.generator import generate_catalog
from discovery.sandbox.genius import index_songs, rank_songs
from tests.e2e.scoring import (
    credits_not_backed_by_the_catalog,
    discoverable_tracks,
    expected_credits,
    found_credits,
    found_outcomes,
    run_cli,
)
from tests.support.processes import REPO_ROOT, service_env

pytestmark = pytest.mark.integration

# One generated seed artist (one album and a single) plus every shape trap and its artist.
CATALOG = {"artists": 1, "albums": 1, "tracks": 4, "seed": 3, "long_album_tracks": 0, "shapes": True}


@pytest.fixture(scope="module")
def generated() -> tuple[dict, dict]:
    return generate_catalog(**CATALOG)


def discovery(database_url: str, *args: str) -> str:
    """`discovery ARGS` on a wide terminal, so that a table's cells are not wrapped."""
    done = subprocess.run([sys.executable, "-m", "discovery.cli", *args], cwd=REPO_ROOT, capture_output=True,
                          env=service_env(DATABASE_URL=database_url, COLUMNS="300"), text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def tracks_named(catalog: dict, name: str) -> list[dict]:
    return [track for track in catalog["spotify"]["tracks"] if track["name"] == name]


def precision_recall(expected: set, found: set) -> tuple[float, float]:
    right = len(expected & found)
    return (right / len(found) if found else 1.0), (right / len(expected) if expected else 1.0)


def test_every_shape_is_credited_as_the_answer_key_says_and_ambiguity_is_shown_with_its_pages(
    start_pipeline, generated
):
    catalog, truth = generated
    pipeline = start_pipeline(catalog)

    # When every seed artist is discovered (Haneul is "Haneul (하늘)" on Genius)
    pipeline.discover([artist["name"] for artist in truth["artists"]], timeout_s=180)

    # Then the credits are the answer key's: precision 1.0 and recall at least 0.99
    artist_ids = {artist["spotify_id"] for artist in truth["artists"]}
    tracks = discoverable_tracks(catalog, artist_ids)
    reports = [pipeline.report(artist_id) for artist_id in sorted(artist_ids)]
    expected, found = expected_credits(truth, tracks), found_credits(reports)
    precision, recall = precision_recall(expected, found)
    print(f"credit shapes: {len(tracks)} tracks, {len(expected)} credits expected, {len(found)} found, "
          f"precision {precision:.3f}, recall {recall:.3f}")
    coverage = json.loads(coverage_of.as_json(coverage_of.build(pipeline.database_url)))
    missed = [t for t in coverage["tracks"] if t["spotify_track_id"] in {c[0] for c in expected ^ found}]
    assert found - expected == set(), ("credits that should not be there (precision < 1)", missed)
    assert precision == 1.0 and recall >= 0.99, (precision, recall, [t["detail"] for t in missed])
    assert credits_not_backed_by_the_catalog(reports, catalog) == []
    # And every track has the outcome the answer key gives it (each shape's own answer)
    assert found_outcomes(coverage) == {track: truth["outcomes"][track] for track in tracks}
    assert pipeline.dead_letters() == []

    # The "Intro" of the second album took its own page, which Genius ranks below the first's
    by_track = {track["spotify_track_id"]: track for track in coverage["tracks"]}
    songs = {song["id"]: song for song in catalog["genius"]["songs"]}
    seed = truth["artists"][0]["name"]
    ranked = rank_songs(index_songs(catalog["genius"]["songs"]), f"Intro {seed}")
    intro_pages = [song["id"] for song in ranked if song["title"] == "Intro"]
    for track in tracks_named(catalog, "Intro"):
        taken = by_track[track["id"]]["detail"]["genius_song_id"]
        assert songs[taken]["album"]["name"] == track["album"]["name"]
    assert {by_track[t["id"]]["detail"]["genius_song_id"] for t in tracks_named(catalog, "Intro")} == set(intro_pages)

    # An ambiguous track shows as such, with both candidate pages, in JSON, CSV and the table
    outro_pages = {song["url"] for song in catalog["genius"]["songs"] if song["title"] == "Outro"}
    outros = tracks_named(catalog, "Outro")
    assert len(outros) == 2 and len(outro_pages) == 2
    for track in outros:
        shown = by_track[track["id"]]
        assert shown["outcome"] == "ambiguous"
        assert {page["url"] for page in shown["detail"]["candidates"]} == outro_pages
        assert shown in coverage["uncredited"]
    assert coverage["outcomes"]["ambiguous"] == 2
    rows = {row["spotify_track_id"]: row for row in csv.DictReader(io.StringIO(
        coverage_of.as_csv(coverage_of.build(pipeline.database_url, seed))))}
    for track in outros:
        assert rows[track["id"]]["outcome"] == "ambiguous"
        assert all(url in rows[track["id"]]["candidate_pages"] for url in outro_pages)
    table = discovery(pipeline.database_url, "coverage", "--artist", seed)
    assert table.count("2 Genius pages equally likely") == 2, table

    # One producer under two spellings is found by either, in the report, search and exports
    exported = list(csv.DictReader(io.StringIO(report.as_csv(pipeline.report(seed)))))
    for genius_name, musicbrainz_name in TWO_SPELLINGS:
        wanted = truth["producers"][genius_name]
        assert wanted["genius_id"] and wanted["musicbrainz_id"]
        assert {row["credited_as"] for row in exported if row["producer"] == genius_name} == {
            genius_name, musicbrainz_name}
        for spelling in (genius_name, musicbrainz_name):
            page = producer_page.build(pipeline.database_url, name=spelling)
            assert page["producer"]["genius_id"] == wanted["genius_id"], spelling
            assert {c["credited_as"] for c in page["credits"]} == {genius_name, musicbrainz_name}
            listed = producer_page.search(pipeline.database_url, spelling, 5)
            assert [row["genius_id"] for row in listed][:1] == [wanted["genius_id"]], (spelling, listed)
    # And so does the command, with the spelling Genius does not use
    straight = TWO_SPELLINGS[0][1]
    listed = json.loads(run_cli(pipeline.database_url, "producers", "--search", straight.split()[-1], "--format", "json"))
    assert listed[0]["name"] == TWO_SPELLINGS[0][0]
