"""End to end on a small generated catalog with the version traps and a joint album: every
credit found exactly (per artist), a producer's page and search across artists in all formats,
and the collaboration graph, all through the real pipeline and the `discovery` command."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import networkx as nx
import psycopg
import pytest
import redis

from discovery.clients.spotify import mode_state
from discovery.sandbox.generator import generate_catalog
from tests.e2e.scoring import (
    credits_not_backed_by_the_catalog,
    discoverable_tracks,
    expected_credits,
    expected_page,
    found_credits,
    reported_tracks,
    seed_owners,
)
from tests.support.processes import REPO_ROOT, service_env

pytestmark = pytest.mark.integration

# 3 seed artists, 45 tracks: every version trap, a joint album, a producer on all three artists.
CATALOG = {"artists": 3, "albums": 3, "tracks": 8, "seed": 1, "long_album_tracks": 0}
VERSION_SUFFIXES = (" - Live", " - Live at the Roundhouse", " (Live)", " - Demo", " - Acoustic", "'s Version)")


@pytest.fixture(scope="module")
def generated() -> tuple[dict, dict]:
    return generate_catalog(**CATALOG)


@pytest.fixture
def discovered(start_pipeline, generated):
    catalog, truth = generated
    # The sandbox answers as Spotify does in Development Mode (fields removed, pages of at most 10,
    # no batch endpoints); the client, in auto mode, switches itself at the first refusal.
    pipeline = start_pipeline(catalog, quota_mode="auto", spotify_mode="development")
    pipeline.discover([artist["name"] for artist in truth["artists"]], timeout_s=150)
    return pipeline


def discovery(database_url: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "discovery.cli", *args],
        cwd=REPO_ROOT, env=service_env(DATABASE_URL=database_url, COLUMNS="200"),
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def the_star(catalog: dict, truth: dict) -> str:
    """The producer credited on the tracks of every seed artist."""
    owners = seed_owners(catalog, truth)
    artists: dict[str, set[str]] = {}
    for track_id, credits in truth["tracks"].items():
        for credit in credits:
            artists.setdefault(credit["producer"], set()).update(owners[track_id])
    across = [name for name, found in sorted(artists.items()) if len(found) == len(truth["artists"])]
    return next(name for name in across if truth["producers"][name]["genius_id"] is not None)


def credited_by_musicbrainz(truth: dict) -> str:
    """A producer with a MusicBrainz id whom MusicBrainz credits (their page is found by that id)."""
    return next(name for name in sorted(truth["producers"]) if truth["producers"][name]["musicbrainz_id"] and any(
        credit["producer"] == name and credit["source"] == "musicbrainz"
        for credits in truth["tracks"].values() for credit in credits))


def catalog_names(catalog: dict, truth: dict, producer: str) -> set[str]:
    """Every name the catalog's Genius and MusicBrainz artist objects give this producer."""
    known = truth["producers"][producer]
    names = {producer}
    for artist in catalog["genius"]["artists"]:
        if artist["id"] == known["genius_id"]:
            names |= {artist["name"], *artist["alternate_names"]}
    for artist in catalog["musicbrainz"]["artists"]:
        if artist["id"] == known["musicbrainz_id"]:
            names |= {artist["name"], *(alias["name"] for alias in artist["aliases"])}
    return names


def evidence_problems(catalog: dict, truth: dict, producer: str, credits: list[dict]) -> list:
    """The credits whose evidence is missing, is not in the catalog, does not credit one of the
    producer's names there, or is about another track: a Genius song of another artist, a
    MusicBrainz recording reached through another ISRC than the Spotify track's."""
    songs = {song["id"]: song for song in catalog["genius"]["songs"]}
    isrcs = {track["id"]: track["external_ids"].get("isrc") for track in catalog["spotify"]["tracks"]}
    owners = seed_owners(catalog, truth)
    names = catalog_names(catalog, truth, producer)
    wrong = [credit for _, credit in credits_not_backed_by_the_catalog(
        [{"producers": [{"name": producer, "credits": credits}]}], catalog)]
    for credit in credits:
        song_artist = songs.get(credit["genius_song_id"], {}).get("primary_artist", {}).get("name")
        if credit["credited_as"] not in names:
            wrong.append(credit)
        elif credit["source"] == "genius" and song_artist not in owners[credit["spotify_track_id"]]:
            wrong.append(credit)
        elif credit["source"] == "musicbrainz" and credit["isrc"] != isrcs[credit["spotify_track_id"]]:
            wrong.append(credit)
    return wrong


def csv_credit(row: dict[str, str]) -> dict:
    """A CSV row's credit and evidence with the JSON's types (an empty cell is None)."""
    def cell(key: str) -> str | None:
        return row[key] or None

    return {
        "spotify_track_id": row["spotify_track_id"], "role": row["role"], "source": row["source"],
        "credited_as": row["credited_as"],
        "genius_song_id": int(row["genius_song_id"]) if row["genius_song_id"] else None,
        "genius_song_url": cell("genius_song_url"), "genius_section": cell("genius_section"),
        "musicbrainz_recording_id": cell("musicbrainz_recording_id"),
        "musicbrainz_relation_type": cell("musicbrainz_relation_type"),
        "musicbrainz_attributes": row["musicbrainz_attributes"].split(";") if row["musicbrainz_attributes"] else [],
        "isrc": cell("isrc"),
    }


def table_rows(table: str) -> list[list[str]]:
    """The cells of each line of a rich table's body, stripped."""
    return [[cell.strip() for cell in line.strip().strip("│").split("│")]
            for line in table.splitlines() if line.count("│") >= 2]


def test_the_catalog_holds_every_version_trap_and_a_joint_album(generated):
    catalog, truth = generated
    names = [track["name"] for track in catalog["spotify"]["tracks"]]
    seeds = {artist["spotify_id"] for artist in truth["artists"]}

    assert all(any(name.endswith(suffix) for name in names) for suffix in VERSION_SUFFIXES)
    assert any(len(seeds & {a["id"] for a in album["artists"]}) == 2 for album in catalog["spotify"]["albums"])


def test_every_credit_is_found_per_artist_with_precision_and_recall_1_and_a_joint_album_is_each_artists(
    discovered, generated
):
    catalog, truth = generated
    pipeline = discovered
    joint = next(a for a in catalog["spotify"]["albums"] if len(a["artists"]) == 2)
    joint_tracks = {t["id"] for t in joint["tracks"]["items"]}
    assert any(truth["tracks"][track_id] for track_id in joint_tracks), "the joint album has credits"

    # The client met Spotify's Development Mode, switched to it and asked for albums one by one
    assert mode_state(redis.Redis.from_url(pipeline.redis_url), "auto")[0] == "development"
    assert pipeline.sandbox.stats()["spotify"]["endpoints"]["album"]["requests"] > 0

    with_joint_credits = set()
    for artist in truth["artists"]:
        # When one artist's report is read
        found = pipeline.report(artist["spotify_id"])
        tracks = discoverable_tracks(catalog, {artist["spotify_id"]})
        # Then it holds exactly the artist's tracks (a joint album for both its artists)
        assert reported_tracks(pipeline.database_url, {artist["spotify_id"]}) == tracks
        assert found["tracks"] == len(tracks)
        # And every credit on them, nothing else: precision 1.0 and recall 1.0
        expected = expected_credits(truth, tracks)
        assert found_credits([found]) - expected == set(), "precision < 1"
        assert expected - found_credits([found]) == set(), "recall < 1"
        # And all the artist's albums, a joint album for each of its artists
        own_albums = [a for a in catalog["spotify"]["albums"] if a["album_type"] in ("album", "single")
                      and artist["spotify_id"] in {x["id"] for x in a["artists"]}]
        assert found["albums"] == len(own_albums)
        credited_tracks = {c["spotify_track_id"] for producer in found["producers"] for c in producer["credits"]}
        if credited_tracks & joint_tracks:
            with_joint_credits.add(artist["name"])
        # And each credit names what it rests on, which the catalog holds, crediting that producer
        for producer in found["producers"]:
            assert evidence_problems(catalog, truth, producer["name"], producer["credits"]) == [], producer["name"]
    # The joint album's credits are in the reports of its two artists, and of no other
    assert with_joint_credits == {a["name"] for a in joint["artists"]}

    # The live take with no page and no MusicBrainz recording has no credit, and nothing borrowed
    live = next(t for t in catalog["spotify"]["tracks"] if t["name"].endswith(" (Live)"))
    assert truth["tracks"][live["id"]] == []
    with psycopg.connect(pipeline.database_url) as conn:
        credited = conn.execute(
            "SELECT count(*) FROM track_producers tp JOIN tracks t ON t.id = tp.track_id WHERE t.spotify_id = %s",
            (live["id"],),
        ).fetchone()[0]
        # The joint album's tracks were fetched once, for one of its artists, and each of its
        # recordings identified once
        joint_pages = conn.execute(
            "SELECT count(*) FROM pgmq.a_track_discovery WHERE message->>'albumId' = %s", (joint["id"],)
        ).fetchone()[0]
        owners = conn.execute(
            "SELECT count(*) FROM album_artists WHERE album_spotify_id = %s", (joint["id"],)
        ).fetchone()[0]
    assert credited == 0
    assert joint_pages == 1 and owners == 2
    assert pipeline.sandbox.stats()["genius"]["endpoints"]["search"]["requests"] == pipeline.counts()["recordings"]

    # When the first artist's report is read as CSV and as a table
    first = truth["artists"][0]
    found = pipeline.report(first["spotify_id"])
    rows = list(csv.DictReader(io.StringIO(discovery(pipeline.database_url, "report", "--artist", first["name"],
                                                     "--format", "csv"))))
    # Then each CSV row carries its credit's evidence, the catalog's own ids, URL, section and ISRC
    assert len(rows) == sum(len(producer["credits"]) for producer in found["producers"])
    for producer in found["producers"]:
        mine = [csv_credit(row) for row in rows if row["producer"] == producer["name"]]
        assert evidence_problems(catalog, truth, producer["name"], mine) == [], producer["name"]
        assert {(c["spotify_track_id"], c["role"], c["source"]) for c in mine} == {
            (c["spotify_track_id"], c["role"], c["source"]) for c in producer["credits"]}
    assert {row["source"] for row in rows} == {"genius", "musicbrainz"}, "both kinds of evidence are shown"
    # And the table gives each producer's evidence in short: how many Genius songs and MB recordings
    table = {row[0]: row for row in table_rows(discovery(pipeline.database_url, "report", "--artist", first["name"]))}
    for producer in found["producers"]:
        songs = {c["genius_song_id"] for c in producer["credits"] if c["source"] == "genius"}
        recordings = {c["musicbrainz_recording_id"] for c in producer["credits"] if c["source"] == "musicbrainz"}
        short = [f"{len(songs)} Genius song" + "s" * (len(songs) > 1)] if songs else []
        short += [f"{len(recordings)} MB recording" + "s" * (len(recordings) > 1)] if recordings else []
        assert table[producer["name"]][5] == ", ".join(short), table[producer["name"]]


def test_a_producers_page_search_and_lists_hold_the_answer_keys_credits_with_their_evidence(discovered, generated):
    catalog, truth = generated
    pipeline = discovered
    owners = seed_owners(catalog, truth)

    # When a producer credited across all three artists is looked up
    star = the_star(catalog, truth)
    want = expected_page(catalog, truth, star)
    assert len(want["artists"]) == 3

    page = json.loads(discovery(pipeline.database_url, "producer", star, "--format", "json"))
    # Then the page holds every credit, the artists and the collaborators of the answer key
    assert {(c["spotify_track_id"], c["role"], c["source"]) for c in page["credits"]} == want["credits"]
    assert len(page["credits"]) == len(want["credits"])
    assert {c["spotify_track_id"] for c in page["credits"]} <= set(owners)
    for credit in page["credits"]:
        assert set(credit) >= {"spotify_track_id", "track", "album", "role", "source", "confidence", "artists"}
        assert credit["artists"] == owners[credit["spotify_track_id"]]
    assert {a["name"]: a["tracks"] for a in page["artists"]} == want["artists"]
    assert {c["name"]: c["shared_tracks"] for c in page["collaborators"]} == want["collaborators"]
    assert page["producer"]["genius_id"] == truth["producers"][star]["genius_id"]
    assert page["producer"]["socials"] == truth["producers"][star]["socials"]
    # And each credit carries its evidence, a Genius song or MusicBrainz recording of the catalog
    # that credits this producer on that track
    assert evidence_problems(catalog, truth, star, page["credits"]) == []

    # The same page as CSV (one row per credit, with the track's artists and the evidence)
    rows = list(csv.DictReader(io.StringIO(discovery(pipeline.database_url, "producer", star, "--format", "csv"))))
    assert {(r["spotify_track_id"], r["role"], r["source"]) for r in rows} == want["credits"]
    assert len(rows) == len(want["credits"])
    for row in rows:
        assert row["artists"] == " & ".join(owners[row["spotify_track_id"]]), row
    assert any(" & " in row["artists"] for row in rows), "a joint album's track names both its artists"
    assert evidence_problems(catalog, truth, star, [csv_credit(row) for row in rows]) == []
    # And as a table (one row per track), each artist and collaborator with their number of tracks
    table = discovery(pipeline.database_url, "producer", "--genius-id", str(page["producer"]["genius_id"]))
    for track_id in {c[0] for c in want["credits"]}:
        assert table.count(track_id) == 1, track_id
    for name in list(want["artists"]) + list(want["collaborators"]):
        assert name in table
    spotify_ids = {artist["name"]: artist["spotify_id"] for artist in truth["artists"]}
    cells = table_rows(table)
    for name, tracks in want["artists"].items():
        assert [name, spotify_ids[name], str(tracks)] in cells, name
    for name, shared in want["collaborators"].items():
        assert [name, str(shared)] in cells, name

    # When a producer MusicBrainz credits is looked up by their MusicBrainz id
    credited = credited_by_musicbrainz(truth)
    mbid = truth["producers"][credited]["musicbrainz_id"]
    by_mbid = json.loads(discovery(pipeline.database_url, "producer", "--musicbrainz-id", mbid, "--format", "json"))
    # Then it is their page, with the answer key's credits and MusicBrainz's evidence for them
    assert (by_mbid["producer"]["name"], by_mbid["producer"]["musicbrainz_id"]) == (credited, mbid)
    assert {(c["spotify_track_id"], c["role"], c["source"]) for c in by_mbid["credits"]} == (
        expected_page(catalog, truth, credited)["credits"])
    assert "musicbrainz" in {c["source"] for c in by_mbid["credits"]}
    assert evidence_problems(catalog, truth, credited, by_mbid["credits"]) == []
    rows = list(csv.DictReader(io.StringIO(
        discovery(pipeline.database_url, "producer", "--musicbrainz-id", mbid, "--format", "csv"))))
    assert evidence_problems(catalog, truth, credited, [csv_credit(row) for row in rows]) == []
    assert len(rows) == len(by_mbid["credits"])

    # When producers are searched by part of the name, in capitals and with an accent
    part = star.split()[-1][:4].upper().replace("A", "Á", 1)
    found = json.loads(discovery(pipeline.database_url, "producers", "--search", part, "--format", "json"))
    assert star in [row["name"] for row in found]
    assert next(r for r in found if r["name"] == star)["credits"] == len(want["credits"])
    # Then CSV and the table give the same row: the star with their credits and tracks
    rows = list(csv.DictReader(io.StringIO(
        discovery(pipeline.database_url, "producers", "--search", part, "--format", "csv"))))
    assert [row["name"] for row in rows] == [row["name"] for row in found]
    star_row = next(row for row in rows if row["name"] == star)
    assert (int(star_row["credits"]), int(star_row["tracks"])) == (len(want["credits"]), len({c[0] for c in want["credits"]}))
    assert star_row["genius_id"] == str(truth["producers"][star]["genius_id"])
    cells = table_rows(discovery(pipeline.database_url, "producers", "--search", part))
    _, genius_id, _, credits, star_tracks = next(row for row in cells if row[0] == star)
    assert (genius_id, credits, star_tracks) == (star_row["genius_id"], star_row["credits"], star_row["tracks"])
    # And of the many names with an "a", --limit 1 gives exactly the best match
    many = json.loads(discovery(pipeline.database_url, "producers", "--search", "a", "--format", "json"))
    limited = json.loads(discovery(pipeline.database_url, "producers", "--search", "a", "--limit", "1", "--format", "json"))
    assert len(many) > 1 and limited == many[:1]

    # And one artist's producers are listed, most credited first
    first = truth["artists"][0]
    listed = json.loads(discovery(pipeline.database_url, "producers", "--artist", first["name"], "--format", "json"))
    tracks = discoverable_tracks(catalog, {first["spotify_id"]})
    per_producer: dict[str, int] = {}
    for _, producer, _, _ in expected_credits(truth, tracks):
        per_producer[producer] = per_producer.get(producer, 0) + 1
    assert {row["name"]: row["credits"] for row in listed} == per_producer
    assert [row["credits"] for row in listed] == sorted(per_producer.values(), reverse=True)
    rows = list(csv.DictReader(io.StringIO(
        discovery(pipeline.database_url, "producers", "--artist", first["name"], "--format", "csv"))))
    assert {row["name"]: int(row["credits"]) for row in rows} == per_producer
    table = discovery(pipeline.database_url, "producers", "--artist", first["name"], "--sort", "name")
    assert all(name in table for name in per_producer)
    # sorted by name: the table's rows and the JSON in name order; --limit 1 keeps only the first
    by_name = sorted(per_producer, key=str.casefold)
    assert [row[0] for row in table_rows(table)] == by_name
    named = json.loads(discovery(pipeline.database_url, "producers", "--artist", first["name"], "--sort", "name",
                                 "--format", "json"))
    assert [row["name"] for row in named] == by_name
    top = json.loads(discovery(pipeline.database_url, "producers", "--artist", first["name"], "--limit", "1",
                               "--format", "json"))
    assert top == listed[:1]


def test_the_graph_is_written_as_svg_and_as_graphml_weighted_by_shared_credits(discovered, generated, tmp_path):
    catalog, truth = generated
    pipeline = discovered
    first = truth["artists"][0]
    owners = seed_owners(catalog, truth)
    tracks = {t for t, names in owners.items() if first["name"] in names}

    # When the first artist's graph is written as GraphML and SVG, and the star's as DOT
    discovery(pipeline.database_url, "graph", "--artist", first["name"], "--out", str(tmp_path / "g.graphml"))
    discovery(pipeline.database_url, "graph", "--artist", first["name"], "--out", str(tmp_path / "g.svg"))
    discovery(pipeline.database_url, "graph", "--producer", the_star(catalog, truth), "--out", str(tmp_path / "s.dot"))

    # Then the SVG parses as SVG
    root = ElementTree.parse(tmp_path / "g.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # And the star's DOT reads back: them, their artists and collaborators, weighted by tracks
    star = the_star(catalog, truth)
    page = expected_page(catalog, truth, star)
    dot = nx.nx_pydot.read_dot(tmp_path / "s.dot")
    named = {node: data["label"].strip('"') for node, data in dot.nodes(data=True)}
    assert sorted(named.values()) == sorted([star, *page["artists"], *page["collaborators"]])
    assert {named[b if named[a] == star else a]: int(d["weight"]) for a, b, d in dot.edges(data=True)} == {
        **page["artists"], **page["collaborators"]
    }
    # And the GraphML's nodes and edge weights are the answer key's shared tracks
    graph = nx.read_graphml(tmp_path / "g.graphml")
    labels = {node: data["label"] for node, data in graph.nodes(data=True)}
    weights = {frozenset((labels[a], labels[b])): int(d["weight"]) for a, b, d in graph.edges(data=True)}
    want: dict[frozenset[str], set[str]] = {}
    for track_id in tracks:
        names = sorted({c["producer"] for c in truth["tracks"][track_id]})
        for name in names:
            want.setdefault(frozenset((first["name"], name)), set()).add(track_id)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                want.setdefault(frozenset((a, b)), set()).add(track_id)
    assert weights == {pair: len(found) for pair, found in want.items()}
    assert set(labels.values()) == {first["name"]} | {name for pair in want for name in pair}
