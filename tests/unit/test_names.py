"""Names and titles compare the way the three services spell them."""

from __future__ import annotations

import pytest

from discovery.catalog.names import (
    clean_spaces,
    is_remix_or_cover_title,
    normalize_name,
    normalize_title,
    search_title,
    titles_match,
)
from tests.fixtures_sandbox import reference_json


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("NOVA", "Nova"),
        ("Kendrick\u00a0Lamar", "Kendrick Lamar"),
        ("\u200bKendrick  Lamar ", "kendrick lamar"),
        ("Beyoncé", "Beyonce"),
        ("Șerban Ghenea", "Serban Ghenea"),
        ("Shampoo Press & Curl", "Shampoo Press and Curl"),
        ("Jay-Z", "JAY Z"),
        ("M.I.A.", "MIA"),
        ("Don’t", "Don't"),
        ("ＮＯＶＡ", "nova"),
    ],
)
def test_spellings_of_one_name_normalise_to_the_same_key(one, other):
    assert normalize_name(one) == normalize_name(other)


@pytest.mark.parametrize(("one", "other"), [("Nova", "Nova Kid"), ("Mr. Talkbox", "Talkbox")])
def test_different_names_stay_different(one, other):
    assert normalize_name(one) != normalize_name(other)


def test_a_name_made_only_of_punctuation_does_not_become_empty():
    assert normalize_name("!!!") == "!!!"


def test_marks_outside_the_latin_script_are_kept():
    assert normalize_name("ガ") != normalize_name("カ")


@pytest.mark.parametrize(
    "decorated",
    [
        "Golden Hour (feat. Nova Kid)",
        "Golden Hour (ft. Nova Kid)",
        "Golden Hour [with Nova Kid]",
        "Golden Hour (with Nova Kid)",
        "Golden Hour - feat. Nova Kid",
        "Golden Hour - 2011 Remaster",
        "Golden Hour - Remastered 2009",
        "Golden Hour - Remaster",
        "Golden Hour (2011 Remaster)",
        "Golden Hour - Radio Edit",
        "Golden Hour - Single Version",
        "Golden Hour - Album Version",
        "Golden Hour - Mono",
        "Golden Hour (Explicit)",
        "Golden Hour - Stereo",
        "Golden Hour (feat. Nova Kid) - 2011 Remaster",
        "\u200bGolden\u00a0Hour",
        "GOLDEN HOUR",
    ],
)
def test_credits_and_same_recording_suffixes_are_stripped_from_titles(decorated):
    assert normalize_title(decorated) == "golden hour"
    assert titles_match(decorated, "Golden Hour")


@pytest.mark.parametrize(
    "other_version",
    [
        "Golden Hour (Nova Kid Remix)",
        "Golden Hour - Nova Kid Remix",
        "Golden Hour (Nova Cover)",
        "Golden Hour - Acoustic Version",
        "Golden Hour (Live Remix)",
        "Golden Hour - Extended Mix",
        "Golden Hour (Sped Up)",
    ],
)
def test_a_remix_cover_or_other_version_is_not_the_original(other_version):
    assert is_remix_or_cover_title(other_version)
    assert not titles_match("Golden Hour", other_version)
    assert not titles_match(other_version, "Golden Hour")


@pytest.mark.parametrize("original", ["Cover Me", "Remix the Night", "Golden Hour (Drank)"])
def test_remix_words_outside_a_suffix_do_not_make_a_remix(original):
    assert not is_remix_or_cover_title(original)


def test_a_remix_matches_the_same_remix():
    assert titles_match("Golden Hour - Nova Kid Remix", "Golden Hour (Nova Kid Remix)")


def test_search_title_keeps_the_spelling_but_drops_credits_and_suffixes():
    assert search_title("Don’t Stop\u00a0(feat. X) - 2011 Remaster") == "Don’t Stop"
    assert clean_spaces("a\u00a0\u200bb  c ") == "a b c"


def test_the_recorded_genius_search_titles_with_invisible_spaces_normalise():
    hits = reference_json("genius/da395a__search_kendrick_lamar.json")["response"]["hits"]
    songs = {hit["result"]["id"]: hit["result"] for hit in hits}
    maad = songs[90478]

    assert "\u200b" in maad["title"] and "\u00a0" in maad["full_title"]
    assert normalize_title(maad["title"]) == "maad city"
    assert normalize_title(maad["title_with_featured"]) == "maad city"
    assert normalize_name(maad["full_title"]) == "maad city by kendrick lamar ft mc eiht"
    assert titles_match("m.A.A.d city (feat. MC Eiht)", maad["title"])
    for song in songs.values():
        assert "\u00a0" not in normalize_name(song["full_title"])
        assert normalize_name(song["primary_artist"]["name"]) == "kendrick lamar"
    # The title says Don’t (U+2019) while full_title says Don't: still one title.
    vibe = next(s for s in songs.values() if s["title"].startswith("Bitch"))
    assert normalize_title(vibe["title"]) == normalize_title("Bitch, Don't Kill My Vibe")


@pytest.mark.parametrize(
    ("version", "same_version", "kind"),
    [
        ("Golden Hour - Live", "Golden Hour (Live)", "live"),
        ("Golden Hour - Live at Wembley Stadium", "Golden Hour (Live)", "live"),
        ("Golden Hour (Live) - 2011 Remaster", "Golden Hour [Live]", "live"),
        ("Golden Hour - Demo", "Golden Hour (Demo Version)", "demo"),
        ("Golden Hour - Acoustic Version", "Golden Hour (Acoustic)", "acoustic"),
        ("Golden Hour (Unplugged)", "Golden Hour (Acoustic)", "acoustic"),
        ("Golden Hour - Instrumental", "Golden Hour (Instrumental)", "instrumental"),
        ("Golden Hour (Taylor’s Version)", "Golden Hour (Taylor's Version)", "re-recording"),
        ("Golden Hour - Re-Recorded", "Golden Hour (Nova's Version)", "re-recording"),
    ],
)
def test_a_live_demo_acoustic_instrumental_or_re_recorded_take_matches_only_its_own_kind(
    version, same_version, kind
):
    # Given a title naming another recording of the song (its own ISRC, its own Genius page)
    # Then it matches a page of the same kind, however spelled, and never the studio page
    assert titles_match(version, same_version) and titles_match(same_version, version)
    assert normalize_title(version) == f"golden hour ({kind})"
    assert not titles_match(version, "Golden Hour")
    assert not titles_match("Golden Hour", version)


def test_two_version_kinds_never_match_each_other():
    kinds = ["Golden Hour (Live)", "Golden Hour (Demo)", "Golden Hour (Acoustic)",
             "Golden Hour (Instrumental)", "Golden Hour (Taylor's Version)", "Golden Hour"]
    for first in kinds:
        for second in kinds:
            assert titles_match(first, second) == (first == second)


def test_a_song_whose_title_says_live_outside_a_suffix_is_a_studio_song():
    assert titles_match("Live Forever", "Live Forever - 2011 Remaster")
    assert normalize_title("Live Forever") == "live forever"


def test_the_search_query_keeps_the_words_of_a_version():
    assert search_title("Golden Hour (feat. X) - Live at Wembley") == "Golden Hour Live at Wembley"
    assert search_title("Golden Hour (Taylor's Version) - 2011 Remaster") == "Golden Hour Taylor's Version"
