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

from discovery.sandbox.generator import generate_catalog
from tests.e2e.scoring import (
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
    pipeline = start_pipeline(catalog, quota_mode="extended", spotify_mode="extended")
    pipeline.discover([artist["name"] for artist in truth["artists"]], timeout_s=150)
    return pipeline


def discovery(database_url: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "discovery.ops.cli", *args],
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
        owns_joint = artist["spotify_id"] in {a["id"] for a in joint["artists"]}
        assert bool({t["id"] for t in joint["tracks"]["items"]} & tracks) == owns_joint

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

    # When a producer credited across all three artists is looked up
    star = the_star(catalog, truth)
    want = expected_page(catalog, truth, star)
    assert len(want["artists"]) == 3

    page = json.loads(discovery(pipeline.database_url, "producer", star, "--format", "json"))
    # Then the page holds every credit, the artists and the collaborators of the answer key
    assert {(c["spotify_track_id"], c["role"], c["source"]) for c in page["credits"]} == want["credits"]
    assert len(page["credits"]) == len(want["credits"])
    assert {c["spotify_track_id"] for c in page["credits"]} <= set(seed_owners(catalog, truth))
    for credit in page["credits"]:
        assert set(credit) >= {"spotify_track_id", "track", "album", "role", "source", "confidence", "artists"}
        assert credit["artists"] == seed_owners(catalog, truth)[credit["spotify_track_id"]]
    assert {a["name"]: a["tracks"] for a in page["artists"]} == want["artists"]
    assert {c["name"]: c["shared_tracks"] for c in page["collaborators"]} == want["collaborators"]
    assert page["producer"]["genius_id"] == truth["producers"][star]["genius_id"]
    assert page["producer"]["socials"] == truth["producers"][star]["socials"]

    # The same page as CSV (one row per credit) and as a table (one row per track)
    rows = list(csv.DictReader(io.StringIO(discovery(pipeline.database_url, "producer", star, "--format", "csv"))))
    assert {(r["spotify_track_id"], r["role"], r["source"]) for r in rows} == want["credits"]
    assert len(rows) == len(want["credits"])
    table = discovery(pipeline.database_url, "producer", "--genius-id", str(page["producer"]["genius_id"]))
    for track_id in {c[0] for c in want["credits"]}:
        assert table.count(track_id) == 1, track_id
    for name in list(want["artists"]) + list(want["collaborators"]):
        assert name in table

    # When producers are searched by part of the name, in capitals and with an accent
    part = star.split()[-1][:4].upper().replace("A", "Á", 1)
    found = json.loads(discovery(pipeline.database_url, "producers", "--search", part, "--format", "json"))
    assert star in [row["name"] for row in found]
    assert next(r for r in found if r["name"] == star)["credits"] == len(want["credits"])
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
