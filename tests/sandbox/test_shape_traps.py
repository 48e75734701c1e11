"""The generator's traps for the title and artist shapes of real catalogs (gen_shapes), and the
release fields every generated Genius song carries in the shapes of recorded Genius responses."""

from __future__ import annotations

import pytest

from discovery.catalog.names import normalize_name
from discovery.sandbox.gen_shapes import BARE_FEAT, OTHER_MIX, SUFFIXED, TWO_SCRIPTS, TWO_SPELLINGS
from discovery.sandbox.generator import generate_catalog
from discovery.sandbox.genius import SUMMARY_FIELDS, index_songs, rank_songs
from tests.fixtures_sandbox import reference_json


@pytest.fixture(scope="module")
def generated() -> tuple[dict, dict]:
    return generate_catalog(artists=2, albums=2, tracks=4, seed=3, long_album_tracks=0, shapes=True)


def pages_titled(catalog: dict, title: str) -> list[dict]:
    return [song for song in catalog["genius"]["songs"] if song["title"] == title]


def tracks_named(catalog: dict, name: str) -> list[dict]:
    return [track for track in catalog["spotify"]["tracks"] if track["name"] == name]


def test_genius_songs_carry_album_dates_and_media_shaped_like_the_recorded_ones(generated):
    catalog, _ = generated
    real = reference_json("genius/creditsworld__songs_2872960_24k_magic.json")["response"]["song"]
    real_hit = reference_json("genius/da395a__search_kendrick_lamar.json")["response"]["hits"][0]["result"]
    songs = catalog["genius"]["songs"]

    albums = [song["album"] for song in songs if song.get("album")]
    assert albums and all(set(album) == set(real["album"]) for album in albums)
    spotify = [m for song in songs for m in song.get("media") or [] if m["provider"] == "spotify"]
    real_spotify = next(m for m in real["media"] if m["provider"] == "spotify")
    assert spotify and all(set(m) == set(real_spotify) for m in spotify)
    dated = [song for song in songs if song.get("release_date")]
    assert dated and all(len(song["release_date"]) == len(real["release_date"]) for song in dated)
    assert all(set(song["release_date_components"]) == set(real_hit["release_date_components"]) for song in dated)
    # A search hit carries the date components, never the album or media (only songs/{id} does)
    assert "release_date_components" in SUMMARY_FIELDS
    assert not {"album", "media", "release_date"} & set(SUMMARY_FIELDS)


def test_two_albums_each_have_an_intro_and_genius_ranks_the_first_albums_page_first(generated):
    catalog, truth = generated
    seed = truth["artists"][0]["name"]
    intros = tracks_named(catalog, "Intro")

    ranked = [song for song in rank_songs(index_songs(catalog["genius"]["songs"]), f"Intro {seed}")
              if song["title"] == "Intro"]

    assert sorted(track["album"]["name"] for track in intros) == ["Daybreak", "Nightfall"]
    assert [song["album"]["name"] for song in ranked] == ["Daybreak", "Nightfall"]
    second = next(track for track in intros if track["album"]["name"] == "Nightfall")
    assert {c["producer"] for c in truth["tracks"][second["id"]]} == {p["name"] for p in ranked[1]["producer_artists"]}
    # The Interlude has a page for the first album only: the second's credit is MusicBrainz's
    [interlude] = pages_titled(catalog, "Interlude")
    other = next(t for t in tracks_named(catalog, "Interlude") if t["album"]["name"] != interlude["album"]["name"])
    assert truth["outcomes"][other["id"]] == {"outcome": "credited_by_musicbrainz"}
    # The Outros' pages carry nothing that tells them apart: both tracks are ambiguous
    outros = pages_titled(catalog, "Outro")
    assert len(outros) == 2 and all(not p["album"] and not p["release_date"] and not p["media"] for p in outros)
    assert [truth["outcomes"][t["id"]] for t in tracks_named(catalog, "Outro")] == [{"outcome": "ambiguous"}] * 2
    # Each Skit page links to its own track on Spotify
    skits = {p["media"][-1]["native_uri"].rsplit(":", 1)[1] for p in pages_titled(catalog, "Skit")}
    assert skits == {t["id"] for t in tracks_named(catalog, "Skit")}


def test_two_scripts_bare_featuring_and_a_name_native_artist(generated):
    catalog, truth = generated
    haneul = next(artist for artist in catalog["genius"]["artists"] if artist["name"] == "Haneul (하늘)")

    for spotify, genius in TWO_SCRIPTS:
        [track], [page] = tracks_named(catalog, spotify), pages_titled(catalog, genius)
        assert page["primary_artist"]["id"] == haneul["id"]
        assert truth["outcomes"][track["id"]] == {"outcome": "credited_by_genius"}
    names = [t["name"] for t in catalog["spotify"]["tracks"]]
    for title, word in BARE_FEAT:
        assert any(name.startswith(f"{title}{word}") for name in names)
        assert pages_titled(catalog, title)[0]["featured_artists"]
    assert any(" FEAT. " in name for name in names)


def test_a_song_whose_genius_primary_artist_is_the_one_spotify_lists_before_the_seed(generated):
    catalog, truth = generated
    seed = truth["artists"][0]["name"]
    [track] = tracks_named(catalog, "Paper Boats")
    [page] = pages_titled(catalog, "Paper Boats")

    assert [a["name"] for a in track["artists"]][1:] == [seed] and track["album"]["artists"][0]["name"] == seed
    assert page["primary_artist"]["name"] == track["artists"][0]["name"]
    assert [a["name"] for a in page["featured_artists"]] == [seed]
    assert truth["outcomes"][track["id"]] == {"outcome": "credited_by_genius"}


def test_every_release_suffix_takes_the_plain_page_and_another_mix_does_not(generated):
    catalog, truth = generated

    for title, suffix in SUFFIXED:
        [track] = tracks_named(catalog, title + suffix)
        assert pages_titled(catalog, title) and truth["outcomes"][track["id"]] == {"outcome": "credited_by_genius"}
    [mix] = tracks_named(catalog, "".join(OTHER_MIX))
    assert pages_titled(catalog, OTHER_MIX[0]) and truth["tracks"][mix["id"]] == []
    assert truth["outcomes"][mix["id"]] == {"outcome": "no_genius_match", "rejected_because": "other version"}


def test_one_person_spelled_two_ways_is_one_producer_with_both_ids(generated):
    catalog, truth = generated

    for genius_name, musicbrainz_name in TWO_SPELLINGS:
        assert genius_name != musicbrainz_name and normalize_name(genius_name) == normalize_name(musicbrainz_name)
        producer = truth["producers"][genius_name]
        mb = next(a for a in catalog["musicbrainz"]["artists"] if a["id"] == producer["musicbrainz_id"])
        assert mb["name"] == musicbrainz_name and producer["genius_id"]
        assert musicbrainz_name not in truth["producers"]
