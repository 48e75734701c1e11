"""Data that stays true, with real processes: an artist discovered from one catalog is refreshed
cheaply while nothing changed, then the world changes (a new single, a Genius page that gained a
producer, one that lost one, a recording that was uncredited and now is) and `discovery refresh
--all --now` brings the report to exactly the new state; the ended credit shows with --history
only, and `discovery changes` names the four changes."""

from __future__ import annotations

import copy
import json
import math
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner

from discovery.cli import cli as cli_group
from discovery.pgmq import lanes, queues
from discovery.sandbox.catalog import load_demo_catalog
from discovery.settings import get_settings
from tests.support.processes import wait_for

pytestmark = pytest.mark.integration

ARTIST = "Glass Season"
ARTIST_ID = "cFWb2FyXR3sTMFcuJHU18F"
GENIUS_ARTIST_ID = 27524
VOYAGE_DESERT_ISRC = "QZ77R2132951"  # credited by MusicBrainz alone in the demo catalog
NEW_ALBUM_ID, NEW_TRACK_ID, NEW_ISRC = "NeonHarborSingle000001", "NeonHarborTrack0000001", "QZ77R2699999"
NEW_PRODUCER = {"id": 99001, "name": "Nova Quinn"}  # on the new single's Genius page
GAINED_PRODUCER = {"id": 99002, "name": "Tomas Reed"}  # added to a credited Genius page


def initial_catalog() -> dict[str, Any]:
    """The demo catalog with Voyage Desert uncredited (MusicBrainz lists no producer for it yet)."""
    catalog = load_demo_catalog()
    for recording in catalog["musicbrainz"]["recordings"]:
        if VOYAGE_DESERT_ISRC in (recording.get("isrcs") or []):
            recording["relations"] = [r for r in recording.get("relations") or [] if r.get("type") != "producer"]
    return catalog


def genius_person(catalog: dict[str, Any], person: dict[str, Any]) -> dict[str, Any]:
    """A Genius artist (as credits and the artist endpoint give it), cloned from one in the catalog."""
    like = copy.deepcopy(catalog["genius"]["artists"][0])
    slug = person["name"].replace(" ", "-")
    like.update(id=person["id"], name=person["name"], api_path=f"/artists/{person['id']}",
                url=f"https://genius.com/artists/{slug}", instagram_name=None, twitter_name=None,
                facebook_name=None, alternate_names=[])
    return like


def changed_catalog(song_gains: int, song_loses: int, loses: int) -> dict[str, Any]:
    """The world a while later: Genius song `song_gains` lists one more producer, `song_loses` no
    longer lists the Genius artist `loses`, MusicBrainz credits Voyage Desert again, and a new
    single "Neon Harbor" is out with its own Genius page."""
    catalog = load_demo_catalog()
    songs = {song["id"]: song for song in catalog["genius"]["songs"]}
    songs[song_gains]["producer_artists"].append(genius_person(catalog, GAINED_PRODUCER))
    lost = songs[song_loses]
    lost["producer_artists"] = [a for a in lost["producer_artists"] if a["id"] != loses]
    for group in lost.get("custom_performances") or []:
        group["artists"] = [a for a in group["artists"] if a["id"] != loses]
    catalog["genius"]["artists"] += [genius_person(catalog, GAINED_PRODUCER), genius_person(catalog, NEW_PRODUCER)]
    new_song = copy.deepcopy(songs[song_gains])
    new_song.update(id=7700001, title="Neon Harbor", full_title=f"Neon Harbor by {ARTIST}",
                    url="https://genius.com/glass-season-neon-harbor-lyrics", api_path="/songs/7700001",
                    custom_performances=[], producer_artists=[genius_person(catalog, NEW_PRODUCER)])
    catalog["genius"]["songs"].append(new_song)
    single = copy.deepcopy(next(a for a in catalog["spotify"]["albums"] if a["id"] == "vZ4KJWUMu4ZF7aMWThefEn"))
    full_track = copy.deepcopy(next(t for t in catalog["spotify"]["tracks"] if t["id"] == "5hyV8CFgQ7Pwdi7A1Tx8Pd"))
    single.update(id=NEW_ALBUM_ID, name="Neon Harbor", release_date="2026-11-20", uri=f"spotify:album:{NEW_ALBUM_ID}")
    [item] = single["tracks"]["items"]
    item.update(id=NEW_TRACK_ID, name="Neon Harbor", uri=f"spotify:track:{NEW_TRACK_ID}")
    full_track.update(id=NEW_TRACK_ID, name="Neon Harbor", external_ids={"isrc": NEW_ISRC},
                      album={**full_track["album"], "id": NEW_ALBUM_ID, "name": "Neon Harbor"})
    catalog["spotify"]["albums"].append(single)
    catalog["spotify"]["tracks"].append(full_track)
    return catalog


def cli(pipeline: Any, *args: str) -> str:
    """The `discovery` command against the pipeline's database and Redis, in-process through
    click's test runner (the same group, exit codes and output as the console script; a
    subprocess costs seconds of imports on a busy machine)."""
    get_settings.cache_clear()
    try:
        done = CliRunner().invoke(cli_group, list(args), env=pipeline.procs.env)
    finally:
        get_settings.cache_clear()
    assert done.exit_code == 0, done.output
    return done.output


def credits_of(report: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    return {(credit["track"], producer["name"], credit["role"], credit["source"])
            for producer in report["producers"] for credit in producer["credits"]}


def settled(pipeline: Any, since: datetime) -> bool:
    """Every queue of every lane empty (a refresh's work is in the refresh lane), the artist's
    releases listed by a refresh since `since`, and every recording asked for again identified since."""
    with psycopg.connect(pipeline.database_url) as conn:
        metrics = queues.metrics(conn)
        if any(metrics[queue].length for queue in lanes.all_queues()):
            return False
        refreshed = conn.execute("SELECT refreshed_at FROM watched_artists WHERE artist_spotify_id = %s",
                                 (ARTIST_ID,)).fetchone()
        waiting = conn.execute("SELECT count(*) FROM recordings WHERE identified_at IS NULL"
                               " OR recheck_requested_at > identified_at").fetchone()[0]
    return bool(refreshed and refreshed[0] and refreshed[0] > since and waiting == 0)


def refresh_and_wait(pipeline: Any, *args: str) -> dict[str, int]:
    """`discovery refresh ARGS`, waited out; the sandbox requests it cost, per API."""
    before = pipeline.sandbox.stats()
    started = datetime.now(UTC)
    cli(pipeline, "refresh", *args)
    wait_for(lambda: settled(pipeline, started), 120, f"refresh {' '.join(args)} to settle")
    after = pipeline.sandbox.stats()
    return {api: after[api]["requests"] - before[api]["requests"] for api in after} | {
        "genius_searches": after["genius"]["endpoints"]["search"]["requests"]
        - before["genius"]["endpoints"]["search"]["requests"]}


def test_a_refresh_brings_the_report_to_the_changed_catalog_and_keeps_the_history(start_pipeline):
    # Given Glass Season discovered from the first catalog (Spotify extended mode: pages of 50)
    pipeline = start_pipeline(initial_catalog(), quota_mode="extended", spotify_mode="extended",
                              env={"DISCOVERY_REFRESH_TICK_S": "3600"})
    pipeline.discover([ARTIST])
    first = json.loads(cli(pipeline, "report", "--artist", ARTIST, "--format", "json"))
    assert not any(track == "Voyage Desert" for track, *_ in credits_of(first))
    assert "Glass Season" in cli(pipeline, "watch", "list")  # seeded, so watched

    # When it is refreshed while nothing changed, Then the refresh costs the artist and one
    # listing page per 50 releases on Spotify, and nothing else
    with psycopg.connect(pipeline.database_url) as conn:
        releases = conn.execute("SELECT releases_total FROM artists WHERE spotify_id = %s", (ARTIST_ID,)).fetchone()[0]
        counts = conn.execute("SELECT (SELECT count(*) FROM albums), (SELECT count(*) FROM tracks)").fetchone()
    unchanged = refresh_and_wait(pipeline, "--artist", ARTIST)
    assert unchanged["spotify"] == math.ceil(releases / 50) + 1
    assert (unchanged["genius"], unchanged["musicbrainz"], unchanged["instagram"]) == (0, 0, 0)
    # And with two recordings due a check, one identification each (one Genius search each)
    with psycopg.connect(pipeline.database_url, autocommit=True) as conn:
        conn.execute("UPDATE recordings SET recheck_at = now() - interval '1 second' WHERE recording_key IN"
                     " (SELECT recording_key FROM recordings ORDER BY recording_key LIMIT 2)")
    due = refresh_and_wait(pipeline, "--artist", ARTIST)
    assert (due["spotify"], due["genius_searches"]) == (math.ceil(releases / 50) + 1, 2)
    with psycopg.connect(pipeline.database_url) as conn:
        assert conn.execute("SELECT (SELECT count(*) FROM albums), (SELECT count(*) FROM tracks)").fetchone() == counts
    assert credits_of(json.loads(cli(pipeline, "report", "--artist", ARTIST, "--format", "json"))) == credits_of(first)

    # Given the world changes: pick a Genius page that gains a producer and one that loses one
    genius = {}
    for producer in first["producers"]:
        for credit in producer["credits"]:
            if credit["source"] == "genius":
                genius.setdefault(credit["genius_song_id"], []).append((producer, credit))
    loses_song, losing = next((song, found) for song, found in sorted(genius.items())
                              if len({producer["name"] for producer, _ in found}) >= 2)
    lost_producer, lost_credit = losing[0]
    gains_song = next(song for song in sorted(genius) if song != loses_song)
    gains_track = genius[gains_song][0][1]["track"]
    gains_tracks = {credit["track"] for _, credit in genius[gains_song]}
    pipeline.sandbox.replace_catalog(changed_catalog(gains_song, loses_song, lost_producer["genius_id"]))
    changed_at = datetime.now(UTC)

    # When every watched artist is refreshed now, every recording checked again
    refresh_and_wait(pipeline, "--all", "--now")

    # Then the report shows exactly the new state
    now = json.loads(cli(pipeline, "report", "--artist", ARTIST, "--format", "json"))
    ended = {(track, name, role, source) for track, name, role, source in credits_of(first)
             if name == lost_producer["name"] and track in {c["track"] for p, c in losing if p is lost_producer}}
    expected = (credits_of(first) - ended) | {
        *{(track, GAINED_PRODUCER["name"], "producer", "genius") for track in gains_tracks},
        ("Neon Harbor", NEW_PRODUCER["name"], "producer", "genius"),
        *{(track, name, role, "musicbrainz") for track, name, role, _ in
          [("Voyage Desert", "Nadia Mbeki", "additional producer", ""), ("Voyage Desert", "Olive Haddad", "producer", "")]},
    }
    assert ended and credits_of(now) == expected
    assert "ended_credits" not in now
    # And the ended credit shows with --history, with when it ended and why
    full = json.loads(cli(pipeline, "report", "--artist", ARTIST, "--format", "json", "--history"))
    assert credits_of(full) == expected
    assert {(e["track"], e["producer"], e["role"], e["source"]) for e in full["ended_credits"]} == ended
    assert all(e["ended_because"] == f"Genius song {loses_song} no longer credits {lost_producer['name']} as {e['role']}"
               for e in full["ended_credits"])
    # And `discovery changes` names the four changes: the new single, the gained producer, the lost
    # one and the recording credited now; since the catalog changed, nothing else
    changes = json.loads(cli(pipeline, "changes", "--since", "1h", "--format", "json"))
    named = {(c["kind"], c["track"], c["producer"]) for c in changes}
    four = {("new_release", None, None), ("new_credit", gains_track, GAINED_PRODUCER["name"]),
            ("ended_credit", lost_credit["track"], lost_producer["name"]),
            ("new_credit", "Voyage Desert", "Nadia Mbeki")}
    assert four <= named
    recent = json.loads(cli(pipeline, "changes", "--since", changed_at.isoformat(), "--format", "json"))
    new_names = {p["name"] for p in now["producers"]} - {p["name"] for p in first["producers"]}
    assert new_names == {NEW_PRODUCER["name"], GAINED_PRODUCER["name"], "Nadia Mbeki", "Olive Haddad"}
    assert {(c["kind"], c["track"], c["producer"]) for c in recent} == four | {
        ("new_track", "Neon Harbor", None), ("new_credit", "Neon Harbor", NEW_PRODUCER["name"]),
        ("new_credit", "Voyage Desert", "Olive Haddad")} | {
        ("ended_credit", c["track"], p["name"]) for p, c in losing if p is lost_producer} | {
        ("new_producer", c["track"], p["name"]) for p in now["producers"] if p["name"] in new_names for c in p["credits"]}
    assert pipeline.dead_letters() == []
