"""Generated catalogs are deterministic, consistent, full of the traps real data has, and their
answer keys agree with the credit parsers the pipeline uses."""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter, defaultdict
from importlib import resources
from typing import Any

import pytest
from click.testing import CliRunner

from discovery.catalog.credits import (
    choose_genius_hit,
    choose_spotify_artist,
    genius_credits,
    musicbrainz_credits,
)
from discovery.catalog.genius_match import match_genius
from discovery.catalog.names import normalize_name, normalize_title, search_title, version_key
from discovery.catalog.outcomes import NO_GENIUS_MATCH, Looked, decide
from discovery.catalog.page_evidence import TrackContext
from discovery.sandbox.generate_cli import generate_command, truth_path
from discovery.sandbox.generator import demo_catalog, generate_catalog
from discovery.sandbox.genius import index_songs, rank_songs
from discovery.sandbox.spotify_index import SpotifyIndex

SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")
ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")


@pytest.fixture(scope="module")
def generated() -> tuple[dict, dict]:
    return generate_catalog(artists=6, albums=12, tracks=6, seed=11)


@pytest.fixture(scope="module")
def demo() -> tuple[dict, dict]:
    return demo_catalog()


def both(generated, demo):
    return [generated, demo]


# What the pipeline would see


def search_ranked(songs: list[dict], query: str) -> list[dict]:
    """Genius search exactly as the sandbox ranks it."""
    return rank_songs(index_songs(songs), query)


def album_artist(track: dict) -> str:
    return track["album"]["artists"][0]["name"]


def _genius_names(catalog: dict) -> dict[str, tuple[str, int]]:
    """Every Genius artist's name and alternate names (normalised) -> (name, id)."""
    found: dict[str, tuple[str, int]] = {}
    for artist in catalog["genius"]["artists"]:
        for name in [artist["name"], *artist.get("alternate_names", [])]:
            found.setdefault(normalize_name(name), (artist["name"], artist["id"]))
    return found


def _same_person_on_genius(catalog: dict, credit, genius_names: dict, credited_genius: set[int]) -> tuple[str, int] | None:
    """The Genius producer a MusicBrainz artist is, by name or alias (the identity rules)."""
    artists = {artist["id"]: artist for artist in catalog["musicbrainz"].get("artists", [])}
    artist = artists.get(credit.musicbrainz_id, {"name": credit.name, "aliases": []})
    for name in [artist["name"], *(alias["name"] for alias in artist.get("aliases", []))]:
        found = genius_names.get(normalize_name(name))
        if found and found[1] in credited_genius:
            return found
    return None


def recompute_truth(catalog: dict) -> dict:
    """The answer key rebuilt from the catalog with the pipeline's parsers and rules."""
    songs = catalog["genius"]["songs"]
    by_isrc: dict[str, list[dict]] = defaultdict(list)
    for recording in catalog["musicbrainz"]["recordings"]:
        for isrc in recording.get("isrcs", []):
            by_isrc[isrc].append(recording)
    found_credits: dict[str, list] = {}
    outcomes: dict[str, dict] = {}
    pages = {song["id"]: song for song in songs}
    for track in catalog["spotify"]["tracks"]:
        artist = album_artist(track)
        hits = search_ranked(songs, f"{search_title(track['name'])} {artist}")
        # What the producer worker knows of the track, and the full pages it reads
        seen = TrackContext(track["name"], artist, tuple(a["name"] for a in track["artists"]),
                            track["album"]["name"], track["album"]["release_date"], track["id"])
        match = match_genius(hits, seen, song_page=pages.__getitem__)
        credits = genius_credits(match.hit) if match.hit else []
        isrc = track["external_ids"].get("isrc")
        looked = Looked(genius=match, genius_credits=len(credits), isrc=isrc)
        if not credits and isrc:
            looked.musicbrainz_asked = True
            looked.musicbrainz_recordings = [recording["id"] for recording in by_isrc[isrc]]
            credits = list(
                dict.fromkeys(
                    credit
                    for recording in by_isrc[isrc]
                    for credit in musicbrainz_credits(recording)
                )
            )
            looked.musicbrainz_credits = len(credits)
        outcome, detail = decide(looked)
        outcomes[track["id"]] = {"outcome": outcome}
        if outcome == NO_GENIUS_MATCH:
            outcomes[track["id"]]["rejected_because"] = detail["rejected_because"]
        found_credits[track["id"]] = credits
    genius_names = _genius_names(catalog)
    credited_genius = {c.genius_id for credits in found_credits.values() for c in credits if c.genius_id}
    tracks: dict[str, list[dict]] = {}
    ids: dict[str, dict[str, Any]] = {}
    for track_id, credits in found_credits.items():
        tracks[track_id] = []
        for credit in credits:
            name, genius_id = credit.name, credit.genius_id
            if credit.source == "musicbrainz":
                same = _same_person_on_genius(catalog, credit, genius_names, credited_genius)
                if same:
                    name, genius_id = same
            tracks[track_id].append({"producer": name, "role": credit.role, "source": credit.source})
            entry = ids.setdefault(name, {"genius_id": None, "musicbrainz_id": None})
            if genius_id is not None:
                entry["genius_id"] = genius_id
            if credit.musicbrainz_id is not None:
                entry["musicbrainz_id"] = credit.musicbrainz_id
    genius_artists = {artist["id"]: artist for artist in catalog["genius"]["artists"]}
    profiles = {profile["username"]: profile for profile in catalog["instagram"]["profiles"]}
    producers = {}
    for name, entry in ids.items():
        artist = genius_artists.get(entry["genius_id"], {})
        handle = artist.get("instagram_name")
        profile = profiles.get(handle) if handle else None
        producers[name] = {
            **entry,
            "socials": {
                "instagram": handle,
                "twitter": artist.get("twitter_name"),
                "facebook": artist.get("facebook_name"),
                "instagram_followers": profile["follower_count"] if profile else None,
                "instagram_verified": profile["is_verified"] if profile else None,
            },
        }
    return {"tracks": tracks, "producers": producers, "outcomes": outcomes}


def targets_albums(catalog: dict, artist_id: str) -> list[dict]:
    return [
        album
        for album in catalog["spotify"]["albums"]
        if artist_id in {artist["id"] for artist in album["artists"]}
    ]


# Determinism


def test_the_same_seed_gives_the_same_catalog_and_answer_key():
    assert generate_catalog(4, 3, 5, seed=5) == generate_catalog(4, 3, 5, seed=5)
    assert demo_catalog() == demo_catalog()


def test_another_seed_gives_another_catalog():
    assert generate_catalog(4, 3, 5, seed=5)[0] != generate_catalog(4, 3, 5, seed=6)[0]


def test_the_catalog_survives_a_json_round_trip_unchanged(generated):
    catalog, truth = generated
    assert json.loads(json.dumps(catalog)) == catalog
    assert json.loads(json.dumps(truth)) == truth


def test_the_shipped_demo_files_are_what_demo_catalog_makes(demo):
    package = resources.files("discovery.sandbox")
    shipped = json.loads(package.joinpath("demo_catalog.json").read_text(encoding="utf-8"))
    shipped_truth = json.loads(
        package.joinpath("demo_catalog.truth.json").read_text(encoding="utf-8")
    )

    assert (shipped, shipped_truth) == demo, (
        "regenerate with: discovery sandbox generate --demo --out discovery/sandbox/demo_catalog.json"
    )


# Consistency


@pytest.mark.parametrize("which", ["generated", "demo"])
def test_every_id_is_unique_well_formed_and_every_reference_exists(which, request):
    catalog, truth = request.getfixturevalue(which)
    spotify = catalog["spotify"]
    artists = {artist["id"] for artist in spotify["artists"]}
    albums = {album["id"]: album for album in spotify["albums"]}
    ids = [x["id"] for x in spotify["artists"] + spotify["albums"] + spotify["tracks"]]
    assert len(ids) == len(set(ids)) and all(SPOTIFY_ID.match(i) for i in ids)
    album_items = {
        item["id"]: (album, item)
        for album in spotify["albums"]
        for item in album["tracks"]["items"]
    }
    assert set(album_items) == {track["id"] for track in spotify["tracks"]}
    for album in spotify["albums"]:
        assert album["artists"] and {a["id"] for a in album["artists"]} <= artists, album["id"]
        assert album["total_tracks"] == len(album["tracks"]["items"])
    for track in spotify["tracks"]:
        album, item = album_items[track["id"]]
        assert track["album"]["id"] == album["id"] and track["album"]["id"] in albums
        assert {a["id"] for a in track["artists"]} <= artists
        assert track["name"] == item["name"]
        isrc = track["external_ids"].get("isrc")
        # Only the track whose outcome is "no ISRC" comes without one.
        assert (isrc is None) == (truth["outcomes"][track["id"]]["outcome"] == "no_isrc")
        assert isrc is None or ISRC.match(isrc)

    genius_ids = [artist["id"] for artist in catalog["genius"]["artists"]]
    song_ids = [song["id"] for song in catalog["genius"]["songs"]]
    assert len(genius_ids) == len(set(genius_ids)) and len(song_ids) == len(set(song_ids))
    for song in catalog["genius"]["songs"]:
        referenced = [
            song["primary_artist"],
            *song["featured_artists"],
            *song["producer_artists"],
            *song["writer_artists"],
            *(a for group in song["custom_performances"] for a in group["artists"]),
        ]
        assert {a["id"] for a in referenced} <= set(genius_ids), song["id"]

    mbids = [recording["id"] for recording in catalog["musicbrainz"]["recordings"]]
    assert len(mbids) == len(set(mbids))
    for recording in catalog["musicbrainz"]["recordings"]:
        uuid.UUID(recording["id"])
        for relation in recording["relations"]:
            uuid.UUID(relation["artist"]["id"])
    usernames = [p["username"] for p in catalog["instagram"]["profiles"]]
    assert len(usernames) == len(set(usernames))

    assert set(truth["tracks"]) == {track["id"] for track in spotify["tracks"]}
    assert {a["spotify_id"] for a in truth["artists"]} <= artists


def test_producer_names_are_unique_per_person(generated):
    catalog, truth = generated
    people = {
        artist["id"]: normalize_name(artist["name"]) for artist in catalog["genius"]["artists"]
    }
    assert len(set(people.values())) == len(people)
    assert len({normalize_name(name) for name in truth["producers"]}) == len(truth["producers"])


# Traps


def test_near_identical_artist_names_come_first_in_search_but_the_exact_one_is_chosen(
    generated, demo
):
    for catalog, truth in both(generated, demo):
        target = truth["artists"][0]
        hits = SpotifyIndex(catalog["spotify"]).search_artists(target["name"])

        assert hits[0]["id"] != target["spotify_id"]
        assert any(a["name"] == target["name"] + " Kid" for a in hits)
        chosen, alternatives = choose_spotify_artist(hits, target["name"])
        assert chosen is not None and chosen["id"] == target["spotify_id"] and alternatives
        duplicate = next(a for a in hits if a["name"] == target["name"].upper())
        assert duplicate["followers"]["total"] * 100 < chosen["followers"]["total"]


def test_singles_repeat_an_album_track_with_the_same_isrc_and_the_same_credits(generated, demo):
    for catalog, truth in both(generated, demo):
        by_isrc = defaultdict(list)
        for track in catalog["spotify"]["tracks"]:
            by_isrc[track["external_ids"].get("isrc")].append(track)
        for target in truth["artists"]:
            singles = [
                a
                for a in targets_albums(catalog, target["spotify_id"])
                if a["album_type"] == "single"
            ]
            assert singles
            for single in singles:
                isrc = next(
                    t
                    for t in catalog["spotify"]["tracks"]
                    if t["id"] == single["tracks"]["items"][0]["id"]
                )["external_ids"].get("isrc")
                carriers = by_isrc[isrc]
                assert {t["album"]["album_type"] for t in carriers} == {"album", "single"}
                assert len({json.dumps(truth["tracks"][t["id"]]) for t in carriers}) == 1


def test_an_album_has_more_than_50_tracks_and_an_artist_more_than_10_albums(generated):
    catalog, truth = generated

    assert max(len(a["tracks"]["items"]) for a in catalog["spotify"]["albums"]) > 50
    first = truth["artists"][0]["spotify_id"]
    assert len([a for a in targets_albums(catalog, first) if a["album_type"] == "album"]) > 10


def test_an_album_over_50_tracks_can_be_turned_off_and_sizes_stay_within_the_asked():
    catalog, _ = generate_catalog(3, 2, 4, seed=1, long_album_tracks=0)

    assert max(len(a["tracks"]["items"]) for a in catalog["spotify"]["albums"]) <= 4
    assert len([a for a in catalog["spotify"]["albums"] if a["album_type"] == "album"]) <= 6


def test_remixes_and_covers_by_others_outrank_the_original_in_search(generated, demo):
    for catalog, _ in both(generated, demo):
        outranked = 0
        for track in catalog["spotify"]["tracks"]:
            artist = album_artist(track)
            hits = search_ranked(
                catalog["genius"]["songs"], f"{search_title(track['name'])} {artist}"
            )
            chosen = choose_genius_hit(hits, track["name"], artist)
            if chosen is not None and hits[0] is not chosen:
                first = hits[0]
                assert (
                    "Remix" in first["title"]
                    or "Cover" in first["title"]
                    or version_key(first["title"])[1]  # a live take, demo, ...: another recording
                    or first["primary_artist"]["name"] != artist
                )
                assert first["stats"]["pageviews"] > chosen["stats"]["pageviews"]
                outranked += 1
        assert outranked >= 2


def test_production_credits_sit_only_in_custom_performances_next_to_non_producers(generated, demo):
    for catalog, _ in both(generated, demo):
        labels = Counter()
        custom_only = 0
        for song in catalog["genius"]["songs"]:
            song_labels = {group["label"] for group in song["custom_performances"]}
            labels.update(song_labels)
            if (
                not song["producer_artists"]
                and {"Co-Producer", "Additional Production", "Assistant Producer"} <= song_labels
            ):
                custom_only += 1
                assert {"Mixing Engineer", "Mastering Engineer", "Label"} <= song_labels
        assert custom_only >= 1
        for label in ("Programmer", "Drum Programmer", "Executive Producer", "Vocal Producer"):
            assert labels[label] >= 1, label


def test_titles_carry_credits_suffixes_and_invisible_spaces(generated, demo):
    for catalog, _ in both(generated, demo):
        names = [track["name"] for track in catalog["spotify"]["tracks"]]
        titles = [song["title"] for song in catalog["genius"]["songs"]]
        for marker in (
            "(feat. ",
            "[with ",
            " - 2011 Remaster",
            " - Remastered 2009",
            " - Radio Edit",
            "\u00a0",
            "'",
        ):
            assert any(marker in name for name in names), marker
        assert any(title.startswith("\u200b") for title in titles)
        assert any("\u2019" in title for title in titles)
        assert all("\u00a0" in song["full_title"] for song in catalog["genius"]["songs"])
    # Live takes are other recordings (gen_versions); the demo is too small to hold them.
    assert any(" - Live" in track["name"] for track in generated[0]["spotify"]["tracks"])


def test_tracks_genius_does_not_know_are_credited_by_musicbrainz_with_attributes(generated, demo):
    for catalog, truth in both(generated, demo):
        genius_titles = {
            (normalize_name(s["primary_artist"]["name"]), normalize_title(s["title"]))
            for s in catalog["genius"]["songs"]
        }
        unknown = [
            t
            for t in catalog["spotify"]["tracks"]
            if (normalize_name(album_artist(t)), normalize_title(t["name"])) not in genius_titles
        ]
        roles = {credit["role"] for t in unknown for credit in truth["tracks"][t["id"]]}
        assert {"producer", "co-producer", "additional producer", "executive producer"} <= roles
        assert all(
            credit["source"] == "musicbrainz"
            for t in unknown
            for credit in truth["tracks"][t["id"]]
        )
        isrcs = Counter(i for r in catalog["musicbrainz"]["recordings"] for i in r["isrcs"])
        assert max(isrcs.values()) >= 2, "an ISRC with two recordings"
        relation_types = {
            rel["type"] for r in catalog["musicbrainz"]["recordings"] for rel in r["relations"]
        }
        assert {"engineer", "mix", "instrument"} <= relation_types


def test_genius_comes_first_even_where_musicbrainz_credits_someone_else(generated, demo):
    for catalog, truth in both(generated, demo):
        by_isrc = defaultdict(list)
        for recording in catalog["musicbrainz"]["recordings"]:
            by_isrc[recording["isrcs"][0]].extend(musicbrainz_credits(recording))
        ignored = [
            t
            for t in catalog["spotify"]["tracks"]
            if by_isrc[t["external_ids"].get("isrc")]
            and truth["tracks"][t["id"]]
            and all(c["source"] == "genius" for c in truth["tracks"][t["id"]])
        ]
        assert ignored
        no_production = [
            t
            for t in catalog["spotify"]["tracks"]
            if any(c["source"] == "musicbrainz" for c in truth["tracks"][t["id"]])
            and any(
                normalize_title(s["title"]) == normalize_title(t["name"])
                and s["primary_artist"]["name"] == album_artist(t)
                for s in catalog["genius"]["songs"]
            )
        ]
        assert no_production, "a Genius song without production credits falls back to MusicBrainz"


def test_producers_with_and_without_instagram_and_a_handle_never_to_guess(generated, demo):
    for catalog, truth in both(generated, demo):
        socials = [p["socials"] for p in truth["producers"].values()]
        assert any(s["instagram"] and s["instagram_followers"] is not None for s in socials)
        assert any(s["instagram"] and s["instagram_followers"] is None for s in socials)
        assert any(s["instagram"] is None for s in socials)
        assert any(s["instagram_verified"] is True for s in socials)
        usernames = {p["username"] for p in catalog["instagram"]["profiles"]}
        guessable = [
            name
            for name, p in truth["producers"].items()
            if p["socials"]["instagram"] is None
            and p["genius_id"] is not None
            and "".join(ch for ch in name.lower() if ch.isalnum()) in usernames
        ]
        assert guessable, "a producer without a handle whose guessed handle exists"
        for producer in truth["producers"].values():
            if producer["genius_id"] is None:
                assert set(producer["socials"].values()) == {None}


def test_one_producer_is_credited_across_every_seed_artist(generated, demo):
    for catalog, truth in both(generated, demo):
        album_of = {t["id"]: album_artist(t) for t in catalog["spotify"]["tracks"]}
        artists_per_producer = defaultdict(set)
        for track_id, credits in truth["tracks"].items():
            for credit in credits:
                artists_per_producer[credit["producer"]].add(album_of[track_id])
        assert max(len(a) for a in artists_per_producer.values()) == len(truth["artists"])


def test_a_producer_credited_by_genius_and_by_musicbrainz_is_one_producer_with_both_ids(
    generated, demo
):
    for _, truth in both(generated, demo):
        sources = defaultdict(set)
        for credits in truth["tracks"].values():
            for credit in credits:
                sources[credit["producer"]].add(credit["source"])
        linked = [name for name, found in sources.items() if found == {"genius", "musicbrainz"}]
        assert linked
        for name in linked:
            assert truth["producers"][name]["genius_id"] is not None
            assert truth["producers"][name]["musicbrainz_id"] is not None


# The answer key follows the rules


def test_the_answer_key_names_an_outcome_for_every_track_and_every_kind_of_miss(generated, demo):
    for catalog, truth in both(generated, demo):
        outcomes = truth["outcomes"]

        assert set(outcomes) == {track["id"] for track in catalog["spotify"]["tracks"]}
        assert {o["outcome"] for o in outcomes.values()} == {
            "credited_by_genius", "credited_by_musicbrainz", "genius_without_production_credits",
            "no_isrc", "musicbrainz_without_producers", "no_genius_match",
        }
        assert {o.get("rejected_because") for o in outcomes.values()} == {None, "other version"}


def test_one_producer_goes_by_a_genius_alternate_name_that_musicbrainz_credits_with_the_genius_name_as_alias(
    generated, demo
):
    for catalog, truth in both(generated, demo):
        [aliased] = [a for a in catalog["musicbrainz"]["artists"] if a["aliases"]]
        [genius] = [a for a in catalog["genius"]["artists"] if a["alternate_names"]]

        assert aliased["name"] in genius["alternate_names"]
        assert genius["name"] in [alias["name"] for alias in aliased["aliases"]]
        # The answer key has one producer under the Genius name, with both ids.
        assert truth["producers"][genius["name"]]["musicbrainz_id"] == aliased["id"]
        assert aliased["name"] not in truth["producers"]


@pytest.mark.parametrize("which", ["generated", "demo"])
def test_the_answer_key_is_what_the_parsers_find_in_the_catalog(which, request):
    catalog, truth = request.getfixturevalue(which)

    again = recompute_truth(catalog)

    assert again["tracks"] == truth["tracks"]
    assert again["producers"] == truth["producers"]
    assert again["outcomes"] == truth["outcomes"]


def test_a_catalog_with_every_title_and_artist_shape_also_agrees_with_the_parsers():
    catalog, truth = generate_catalog(artists=3, albums=2, tracks=4, seed=11, long_album_tracks=0, shapes=True)

    again = recompute_truth(catalog)

    assert again["tracks"] == truth["tracks"] and again["producers"] == truth["producers"]
    assert again["outcomes"] == truth["outcomes"]
    assert "ambiguous" in {outcome["outcome"] for outcome in truth["outcomes"].values()}


def test_a_larger_catalog_also_agrees_with_the_parsers():
    catalog, truth = generate_catalog(artists=20, albums=3, tracks=6, seed=7)

    again = recompute_truth(catalog)

    assert again["tracks"] == truth["tracks"] and again["producers"] == truth["producers"]
    assert again["outcomes"] == truth["outcomes"]


# The command


def test_generate_writes_the_catalog_and_its_answer_key_beside_it(tmp_path):
    out = tmp_path / "cat.json"

    result = CliRunner().invoke(
        generate_command,
        ["--artists", "2", "--albums", "2", "--tracks", "3", "--seed", "4", "--out", str(out)],
    )

    assert result.exit_code == 0, result.output
    catalog, truth = generate_catalog(2, 2, 3, seed=4)
    assert json.loads(out.read_text()) == catalog
    assert json.loads((tmp_path / "cat.truth.json").read_text()) == truth


def test_generate_demo_writes_the_demo_catalog(tmp_path):
    result = CliRunner().invoke(generate_command, ["--demo", "--out", str(tmp_path / "demo")])

    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "demo.truth.json").read_text()) == demo_catalog()[1]


def test_the_answer_key_path_replaces_a_json_suffix_or_appends(tmp_path):
    assert truth_path(tmp_path / "a.json") == tmp_path / "a.truth.json"
    assert truth_path(tmp_path / "a") == tmp_path / "a.truth.json"
    assert truth_path(tmp_path / "a.txt") == tmp_path / "a.txt.truth.json"
