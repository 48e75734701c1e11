"""The generator's traps for other recordings of a song and for joint albums, and their answer key."""

from __future__ import annotations

import pytest

from discovery.catalog.credits import choose_genius_hit
from discovery.catalog.names import search_title, version_key
from discovery.sandbox.generator import generate_catalog
from discovery.sandbox.genius import index_songs, rank_songs


@pytest.fixture(scope="module")
def generated() -> tuple[dict, dict]:
    return generate_catalog(artists=20, albums=3, tracks=6, seed=7)


def track_named(catalog: dict, suffix: str) -> dict:
    return next(t for t in catalog["spotify"]["tracks"] if t["name"].endswith(suffix))


def studio_of(catalog: dict, track: dict) -> dict:
    base = version_key(track["name"])[0]
    artist = track["album"]["artists"][0]["id"]
    return next(
        t for t in catalog["spotify"]["tracks"]
        if t["album"]["artists"][0]["id"] == artist and version_key(t["name"]) == (base, ())
    )


def test_a_live_page_ranks_above_the_studio_page_yet_each_track_takes_its_own_page(generated):
    catalog, truth = generated
    live = track_named(catalog, " - Live")
    studio = studio_of(catalog, live)
    artist = studio["album"]["artists"][0]["name"]
    songs = index_songs(catalog["genius"]["songs"])

    hits = rank_songs(songs, f"{search_title(studio['name'])} {artist}")

    assert version_key(hits[0]["title"])[1] == ("live",)  # the live page comes first
    assert choose_genius_hit(hits, studio["name"], artist) is not hits[0]
    studio_credits = {c["producer"] for c in truth["tracks"][studio["id"]]}
    live_credits = {c["producer"] for c in truth["tracks"][live["id"]]}
    assert studio_credits and live_credits and not studio_credits & live_credits
    assert {c["source"] for c in truth["tracks"][live["id"]]} == {"genius"}


def test_live_takes_without_a_live_page_take_musicbrainz_or_nothing_never_the_studio_page(generated):
    catalog, truth = generated
    with_mb = track_named(catalog, " - Live at the Roundhouse")
    without = track_named(catalog, " (Live)")
    isrcs = {isrc for r in catalog["musicbrainz"]["recordings"] for isrc in r["isrcs"]}

    assert with_mb["external_ids"]["isrc"] in isrcs
    assert {c["source"] for c in truth["tracks"][with_mb["id"]]} == {"musicbrainz"}
    assert without["external_ids"]["isrc"] not in isrcs
    assert truth["tracks"][without["id"]] == []
    for track in (with_mb, without):
        assert studio_of(catalog, track)["external_ids"]["isrc"] != track["external_ids"]["isrc"]
        assert not any(version_key(s["title"]) == version_key(track["name"]) for s in catalog["genius"]["songs"])


@pytest.mark.parametrize("suffix", [" - Demo", " - Acoustic", "'s Version)"])
def test_a_demo_an_acoustic_version_and_a_re_recording_have_pages_and_producers_of_their_own(generated, suffix):
    catalog, truth = generated
    version = track_named(catalog, suffix)
    studio = studio_of(catalog, version)

    pages = [s for s in catalog["genius"]["songs"] if version_key(s["title"]) == version_key(version["name"])]
    assert len(pages) == 1 and pages[0]["title"] != version["name"]  # spelled otherwise, still matched
    assert version["external_ids"]["isrc"] != studio["external_ids"]["isrc"]
    assert truth["tracks"][version["id"]] and truth["tracks"][version["id"]] != truth["tracks"][studio["id"]]


def test_a_joint_album_lists_two_seed_artists_and_its_songs_name_both_on_genius(generated):
    catalog, truth = generated
    seeds = {a["spotify_id"] for a in truth["artists"]}
    joint = [a for a in catalog["spotify"]["albums"] if len(seeds & {x["id"] for x in a["artists"]}) == 2]

    assert len(joint) == 1
    owners = {x["name"] for x in joint[0]["artists"]}
    for item in joint[0]["tracks"]["items"]:
        assert owners <= {x["name"] for x in item["artists"]}
    titles = {version_key(item["name"])[0] for item in joint[0]["tracks"]["items"]}
    songs = [s for s in catalog["genius"]["songs"] if version_key(s["title"])[0] in titles and "primary_artists" in s]
    assert songs and all({p["name"] for p in s["primary_artists"]} == owners for s in songs)
