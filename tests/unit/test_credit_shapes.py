"""Credits v3: each title and artist shape of real catalogs has its rule (one test group per shape),
and the matcher decides on all the evidence a Genius page carries."""

from __future__ import annotations

import pytest

from discovery.catalog.credits import artist_fits
from discovery.catalog.genius_match import AMBIGUOUS, OTHER_RELEASE, OTHER_VERSION, match_genius
from discovery.catalog.names import names_match, normalize_name, search_title, titles_match
from discovery.catalog.outcomes import AMBIGUOUS as AMBIGUOUS_OUTCOME
from discovery.catalog.outcomes import CREDITED_BY_MUSICBRAINZ, Looked, decide, reason_text
from discovery.catalog.page_evidence import (
    TrackContext,
    evidence,
    is_generic_title,
    page_date,
    spotify_track_ids,
)
from tests.fixtures_sandbox import reference_json


def page(song_id: int, title: str, artist: str = "Nova", *, album: str | None = None, date: str | None = None,
         spotify: str | None = None, featured: tuple[str, ...] = ()) -> dict:
    """A Genius song page as GET songs/{id} gives it (the fields the matcher reads)."""
    media = [{"provider": "spotify", "type": "audio", "native_uri": f"spotify:track:{spotify}",
              "url": f"https://open.spotify.com/track/{spotify}"}] if spotify else []
    return {"id": song_id, "title": title, "url": f"https://genius.com/{song_id}", "primary_artist": {"name": artist},
            "featured_artists": [{"name": name} for name in featured], "media": media, "release_date": date,
            "album": {"name": album} if album else None}


def match(pages: list[dict], track: TrackContext):
    by_id = {song["id"]: song for song in pages}
    return match_genius(pages, track, song_page=by_id.__getitem__)


# 1. Generic titles on several releases


def test_of_two_intro_pages_the_track_takes_its_own_albums_even_ranked_second():
    first, second = page(1, "Intro", album="Daybreak", date="2011-03-04"), page(2, "Intro", album="Nightfall")
    track = TrackContext("Intro", "Nova", ("Nova",), "Nightfall", "2016-05-06", "t2")

    found = match([first, second], track)

    assert found.hit is second


def test_an_intro_whose_only_page_is_another_albums_takes_none_so_musicbrainz_is_asked():
    track = TrackContext("Intro", "Nova", ("Nova",), "Nightfall", "2016", "t2")

    found = match([page(1, "Intro", album="Daybreak", date="2011-03-04")], track)

    assert found.hit is None and found.reason == OTHER_RELEASE


def test_a_spotify_link_to_this_very_track_settles_which_page_it_is():
    pages = [page(1, "Skit", spotify="elsewhere"), page(2, "Skit", spotify="mine")]

    assert match(pages, TrackContext("Skit", "Nova", ("Nova",), "Nightfall", "2016", "mine")).hit is pages[1]


def test_pages_nothing_tells_apart_are_ambiguous_and_each_is_recorded():
    pages = [page(1, "Outro"), page(2, "Outro")]

    found = match(pages, TrackContext("Outro", "Nova", ("Nova",), "Nightfall", "2016", "t"))

    assert found.hit is None and found.reason == AMBIGUOUS
    assert [candidate["url"] for candidate in found.candidates] == ["https://genius.com/1", "https://genius.com/2"]


def test_a_plain_title_still_takes_its_only_page_when_the_track_is_the_single_of_another_album():
    song = page(1, "Golden Hour", album="Daybreak", date="2011-03-04")

    assert match([song], TrackContext("Golden Hour", "Nova", ("Nova",), "Golden Hour", "2024-01-05", "t")).hit is song


@pytest.mark.parametrize("title", ["Intro", "Interlude", "Outro", "Skit", "Interlude 2", "Intro - 2011 Remaster"])
def test_generic_titles_are_known(title):
    assert is_generic_title(title)
    assert not is_generic_title("Introvert")


def test_an_ambiguous_recording_without_musicbrainz_credits_is_ambiguous_with_its_candidates():
    found = match([page(1, "Outro"), page(2, "Outro")], TrackContext("Outro", "Nova"))

    outcome, detail = decide(Looked(genius=found, isrc="QZ1", musicbrainz_asked=True))
    credited, _ = decide(Looked(genius=found, isrc="QZ1", musicbrainz_asked=True, musicbrainz_credits=1))

    assert outcome == AMBIGUOUS_OUTCOME and len(detail["candidates"]) == 2
    assert reason_text(outcome, detail).startswith("2 Genius pages equally likely, none taken: 'Outro' by 'Nova'")
    assert credited == CREDITED_BY_MUSICBRAINZ


# 2. Two scripts


@pytest.mark.parametrize(
    ("spotify", "genius"),
    [
        ("夜明けのパレード", "夜明けのパレード (Yoake no Parade)"),
        ("Yoake no Parade", "夜明けのパレード (Yoake no Parade)"),
        ("Hoshizora", "星空 (Hoshizora)"),
        ("星空", "星空 (Hoshizora)"),
        ("星空 (Hoshizora) - 2011 Remaster", "星空"),
    ],
)
def test_a_title_in_two_scripts_matches_either_spelling(spotify, genius):
    assert titles_match(spotify, genius) and titles_match(genius, spotify)


def test_a_version_in_another_script_is_not_a_second_spelling():
    assert not titles_match("夜明けのパレード", "夜明けのパレード (Remix)")
    assert not titles_match("夜明けのパレード", "夜明けのパレード (Live)")
    assert not titles_match("Golden Hour", "Golden Hour (Interlude)")


@pytest.mark.parametrize(("spotify", "genius"), [("BTS", "BTS (방탄소년단)"), ("방탄소년단", "BTS (방탄소년단)"),
                                                  ("Haneul", "Haneul (하늘)")])
def test_an_artist_named_name_native_is_either_name(spotify, genius):
    assert names_match(spotify, genius)
    assert artist_fits(page(1, "Song", genius), spotify)
    assert not names_match("BTS", "TXT (투모로우바이투게더)")


# 3. Featuring without brackets


@pytest.mark.parametrize("title", ["Signal Fire feat Kit Vale", "Signal Fire FEAT. Kit Vale", "Signal Fire ft. Kit Vale",
                                   "Signal Fire Featuring Kit Vale", "Signal Fire ft Kit Vale"])
def test_a_featuring_credit_without_brackets_is_set_aside(title):
    assert titles_match(title, "Signal Fire")
    assert search_title(title) == "Signal Fire"


def test_a_bare_featuring_credit_keeps_the_version_after_it():
    assert not titles_match("Signal Fire ft. Kit Vale - Live", "Signal Fire")
    assert titles_match("Signal Fire ft. Kit Vale - Live", "Signal Fire (Live)")


# 4. The seeded artist is the feature


def test_a_page_of_the_artist_spotify_lists_first_featuring_the_seeded_artist_fits():
    song = page(1, "Paper Boats", "Coral Canyons", featured=("Nova",))

    assert artist_fits(song, "Nova", ("Coral Canyons", "Nova"))
    assert not artist_fits(song, "Nova", ("Nova",)), "a page of someone the track does not name"
    assert match([song], TrackContext("Paper Boats", "Nova", ("Coral Canyons", "Nova"))).hit is song


# 5. Release suffixes of the same recording


@pytest.mark.parametrize("suffix", [' - From "The Long Winter"', ' (From the Motion Picture "Dune")', " - Bonus Track",
                                    " (Deluxe)", " - Deluxe Edition", " - Mono Version", " - Stereo Version",
                                    " - 40th Anniversary Edition", " (Original Mix)"])
def test_a_release_suffix_of_the_same_recording_matches_the_plain_page(suffix):
    assert titles_match(f"Golden Hour{suffix}", "Golden Hour")
    assert search_title(f"Golden Hour{suffix}") == "Golden Hour"


@pytest.mark.parametrize("mix", [" (Extended Mix)", " - Club Mix", " (Dub Mix)", " - Nova Kid Remix"])
def test_another_named_mix_is_another_recording(mix):
    assert not titles_match(f"Golden Hour{mix}", "Golden Hour")
    found = match([page(1, "Golden Hour")], TrackContext(f"Golden Hour{mix}", "Nova"))
    assert found.hit is None and found.reason == OTHER_VERSION


# 6. Name shapes


@pytest.mark.parametrize(("genius", "musicbrainz"), [("Rory O\u2019Brien", "Rory O'Brien"),
                                                      ("Kay Ekwueme-Sato", "Kay Ekwueme Sato")])
def test_two_spellings_of_one_person_have_one_key(genius, musicbrainz):
    assert normalize_name(genius) == normalize_name(musicbrainz)


# What a real Genius page carries


def test_a_recorded_genius_page_gives_its_album_date_and_spotify_link():
    song = reference_json("genius/creditsworld__songs_2872960_24k_magic.json")["response"]["song"]
    hit = reference_json("genius/da395a__search_kendrick_lamar.json")["response"]["hits"][0]["result"]

    assert spotify_track_ids(song) == {"2gFvRmQiWg9fN9i74Q0aiw"}
    assert page_date(song) == (2016, 10, 7) and page_date(hit) == (2017, 3, 30)
    seen = evidence(song, TrackContext("24K Magic", "Bruno Mars", (), "24K Magic", "2016-10-07", "2gFvRmQiWg9fN9i74Q0aiw"))
    assert (seen.media, seen.album, seen.date) == ("this track", "same", "same day")
    other = evidence(song, TrackContext("24K Magic", "Bruno Mars", (), "Greatest Hits", "2020", "x"))
    assert (other.media, other.album, other.date) == ("another track", "other", "other year")
