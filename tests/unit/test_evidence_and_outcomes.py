"""What each credit rests on, why a Genius candidate was rejected, each recording's outcome, the
cross-check's verdict and the coverage line, on recorded and made-up responses."""

from __future__ import annotations

import pytest

from discovery.catalog import coverage, outcomes
from discovery.catalog.credits import Credit, genius_credits, musicbrainz_credits
from discovery.catalog.cross_check import compare
from discovery.catalog.genius_match import base_title, match_genius
from discovery.catalog.outcomes import Looked, decide
from discovery.catalog.report import CSV_COLUMNS
from tests.fixtures_sandbox import reference_json


def song(id_: int, title: str, artist: str) -> dict:
    return {"id": id_, "title": title, "url": f"https://genius.com/{id_}", "primary_artist": {"name": artist}}


def test_a_genius_credit_names_its_song_and_the_section_as_written():
    recorded = reference_json("genius/creditsworld__songs_2872960_24k_magic.json")
    recorded = recorded.get("response", {}).get("song", recorded)

    credits = {(c.name, c.role): c.evidence for c in genius_credits(recorded)}

    producer = credits[("Shampoo Press & Curl", "producer")]
    assert (producer.genius_song_id, producer.genius_song_url, producer.genius_section) == (
        2872960, "https://genius.com/Bruno-mars-24k-magic-lyrics", "producer_artists")
    assert credits[("The Stereotypes", "additional production")].genius_section == "Additional Production"
    assert credits[("The Stereotypes", "assistant producer")].genius_section == "Assistant Producer"
    assert producer.source_artist_id == str(next(c.genius_id for c in genius_credits(recorded)
                                                 if c.name == "Shampoo Press & Curl"))


def test_a_musicbrainz_credit_names_its_recording_relation_isrc_and_the_name_it_was_credited_as():
    recorded = reference_json("musicbrainz/picard__recording_video.json")

    [credit] = musicbrainz_credits(recorded, "GBAAA0000001")

    evidence = credit.evidence
    assert evidence is not None
    assert (evidence.musicbrainz_recording_id, evidence.musicbrainz_relation_type, evidence.musicbrainz_attributes,
            evidence.isrc) == (recorded["id"], "producer", (), "GBAAA0000001")
    assert (credit.name, evidence.credited_as) == ("Edward Mavskegg", "Edward 209")
    assert evidence.source_artist_id == "9e26b912-16c1-4dac-991e-87f7aa184fed"


def test_evidence_is_not_part_of_a_credit_identity():
    first = musicbrainz_credits({"id": "r1", "relations": [
        {"type": "producer", "target-type": "artist", "attributes": [], "artist": {"id": "a", "name": "X"}}]})
    second = musicbrainz_credits({"id": "r2", "relations": [
        {"type": "producer", "target-type": "artist", "attributes": [], "artist": {"id": "a", "name": "X"}}]})

    assert first == second and len(set(first + second)) == 1


@pytest.mark.parametrize(
    ("hits", "reason"),
    [
        ([song(1, "Song (DJ Remix)", "Nova"), song(2, "Other Song", "Nova"), song(3, "Song", "Cover Band")],
         "other version"),
        ([song(3, "Song", "Cover Band"), song(2, "Other Song", "Nova")], "title differs"),
        ([song(3, "Song", "Cover Band")], "other artist"),
        ([], "no results"),
    ],
)
def test_without_a_match_the_closest_candidate_and_why_it_was_rejected_are_kept(hits, reason):
    match = match_genius(hits, "Song", "Nova")

    assert match.hit is None and match.reason == reason
    if hits:
        assert match.candidate_summary()["genius_song_id"] == {"other version": 1, "title differs": 2,
                                                               "other artist": 3}[reason]


def test_a_match_is_the_hit_the_credit_rules_choose():
    match = match_genius([song(1, "Song (DJ Remix)", "Nova"), song(2, "Song", "Nova")], "Song - 2011 Remaster", "Nova")

    assert match.hit is not None and match.hit["id"] == 2 and match.reason is None


def test_a_base_title_sets_every_version_suffix_and_featuring_credit_aside():
    assert base_title("Song (feat. Guest) - Live") == base_title("Song [DJ Remix]") == "song"


GENIUS_HIT = match_genius([song(7, "Song", "Nova")], "Song", "Nova")
GENIUS_MISS = match_genius([song(8, "Song (Remix)", "Nova")], "Song", "Nova")


@pytest.mark.parametrize(
    ("looked", "expected"),
    [
        (Looked(GENIUS_HIT, genius_credits=2), outcomes.CREDITED_BY_GENIUS),
        (Looked(GENIUS_MISS, isrc="X", musicbrainz_asked=True, musicbrainz_recordings=["r"], musicbrainz_credits=1),
         outcomes.CREDITED_BY_MUSICBRAINZ),
        (Looked(GENIUS_HIT, isrc="X", musicbrainz_asked=True, musicbrainz_recordings=["r"]),
         outcomes.GENIUS_WITHOUT_PRODUCTION_CREDITS),
        (Looked(GENIUS_MISS), outcomes.NO_ISRC),
        (Looked(GENIUS_MISS, isrc="X", musicbrainz_asked=True, musicbrainz_recordings=["r"]),
         outcomes.MUSICBRAINZ_WITHOUT_PRODUCERS),
        (Looked(GENIUS_MISS, isrc="X", musicbrainz_asked=True), outcomes.NO_GENIUS_MATCH),
    ],
)
def test_each_recording_gets_one_outcome_from_what_each_source_said(looked, expected):
    outcome, detail = decide(looked)

    assert outcome == expected
    if looked.genius is GENIUS_MISS:
        assert detail["rejected_because"] == "other version" and detail["candidate"]["genius_song_id"] == 8
    else:
        assert detail["genius_song_id"] == 7


def test_the_reason_for_a_genius_miss_names_the_candidate_and_why():
    outcome, detail = decide(Looked(GENIUS_MISS, isrc="X", musicbrainz_asked=True))

    text = outcomes.reason_text(outcome, detail)

    assert "'Song (Remix)' by 'Nova'" in text and "rejected: other version" in text


def test_the_cross_check_agrees_disagrees_with_names_or_says_which_source_alone_knows():
    genius = [Credit("Ann Lee", "producer", "genius", 1), Credit("Bo Tan", "co-producer", "genius", 2)]
    same = [Credit("ANN LEE", "producer", "musicbrainz", None, "a"), Credit("Bo Tan", "producer", "musicbrainz", None, "b")]
    other = [Credit("Ann Lee", "producer", "musicbrainz", None, "a"), Credit("Cy Di", "producer", "musicbrainz", None, "c")]

    assert compare(genius, same)[0] == "agree"
    verdict, detail = compare(genius, other)
    assert verdict == "disagree"
    assert (detail["only_genius"], detail["only_musicbrainz"], detail["both"]) == (["Bo Tan"], ["Cy Di"], ["Ann Lee"])
    assert compare(genius, [])[0] == "only_genius"
    assert compare([], other)[0] == "only_musicbrainz"
    assert compare([], []) is None


def test_the_coverage_line_counts_each_source_and_each_reason():
    tracks = [
        {"outcome": o, "credits": {"genius": g, "musicbrainz": m}, "cross_check": None}
        for o, g, m in [("credited_by_genius", 2, 0), ("credited_by_genius", 1, 0), ("credited_by_musicbrainz", 0, 3),
                        ("no_isrc", 0, 0), ("not_attempted", 0, 0)]
    ]

    summary = coverage.summarise({"name": "Nova", "spotify_id": "x"}, tracks)

    assert coverage.line(summary) == (
        "coverage of Nova: 5 tracks; credited by Genius 2, by MusicBrainz 1; uncredited 2 (no isrc 1, not attempted 1)")
    assert summary["sources"] == {"genius": {"tracks": 2, "credits": 3}, "musicbrainz": {"tracks": 1, "credits": 3}}
    assert [t["outcome"] for t in summary["uncredited"]] == ["no_isrc", "not_attempted"]


def test_the_report_csv_keeps_its_columns_and_adds_the_evidence_after_them():
    assert CSV_COLUMNS[:14] == ("artist", "producer", "genius_id", "musicbrainz_id", "spotify_track_id", "track",
                                "album", "role", "source", "confidence", "instagram", "instagram_followers",
                                "twitter", "facebook")
    assert "genius_song_id" in CSV_COLUMNS[14:] and "musicbrainz_recording_id" in CSV_COLUMNS[14:]
