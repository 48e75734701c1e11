"""Compare `discovery report` output with a generated catalog's answer key (proving/answer_key)."""

from typing import Any

from discovery.proving.answer_key import (
    discoverable_tracks,
    expected_credits,
    found_credits,
    found_socials,
    reported_tracks,
)

__all__ = [
    "credits_not_backed_by_the_catalog", "discoverable_tracks", "expected_credits", "expected_page", "found_credits",
    "found_outcomes", "found_socials", "reported_tracks", "run_cli", "seed_owners",
]


def seed_owners(catalog: dict[str, Any], truth: dict[str, Any]) -> dict[str, list[str]]:
    """Each discoverable track's seed artists (both artists of a joint album), by name."""
    seeds = {artist["spotify_id"]: artist["name"] for artist in truth["artists"]}
    owners: dict[str, list[str]] = {}
    for album in catalog["spotify"]["albums"]:
        names = [seeds[a["id"]] for a in album["artists"] if a["id"] in seeds]
        for track in album["tracks"]["items"]:
            owners[track["id"]] = names
    return owners


def expected_page(catalog: dict[str, Any], truth: dict[str, Any], producer: str) -> dict[str, Any]:
    """What a producer's page must hold, from the answer key: credits (track, role, source), the
    artists with their number of tracks, the collaborators with their number of shared tracks."""
    owners = seed_owners(catalog, truth)
    credits: set[tuple[str, str, str]] = set()
    artists: dict[str, set[str]] = {}
    shared: dict[str, set[str]] = {}
    for track_id, found in truth["tracks"].items():
        names = {credit["producer"] for credit in found}
        if producer not in names:
            continue
        credits |= {(track_id, c["role"], c["source"]) for c in found if c["producer"] == producer}
        for artist in owners[track_id]:
            artists.setdefault(artist, set()).add(track_id)
        for other in names - {producer}:
            shared.setdefault(other, set()).add(track_id)
    return {
        "credits": credits,
        "artists": {name: len(tracks) for name, tracks in artists.items()},
        "collaborators": {name: len(tracks) for name, tracks in shared.items()},
    }
def run_cli(database_url: str, *args: str) -> str:
    """`discovery ARGS` as a user runs it, against this database."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run([sys.executable, "-m", "discovery.cli", *args], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def found_outcomes(coverage: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`coverage --format json` per track, in the answer key's shape."""
    found = {}
    for track in coverage["tracks"]:
        entry = {"outcome": track["outcome"]}
        if track["outcome"] == "no_genius_match":
            entry["rejected_because"] = track["detail"]["rejected_because"]
        found[track["spotify_track_id"]] = entry
    return found


def credits_not_backed_by_the_catalog(reports: list[dict[str, Any]], catalog: dict[str, Any]) -> list[Any]:
    """Credits whose Genius song or MusicBrainz recording is missing, or does not credit that name there."""
    songs = {song["id"]: song for song in catalog["genius"]["songs"]}
    recordings = {recording["id"]: recording for recording in catalog["musicbrainz"]["recordings"]}
    wrong = []
    for report in reports:
        for producer in report["producers"]:
            for credit in producer["credits"]:
                if credit["source"] == "genius":
                    song = songs.get(credit["genius_song_id"], {})
                    named = [a["name"] for a in song.get("producer_artists", [])] if (
                        credit["genius_section"] == "producer_artists") else [
                        a["name"] for group in song.get("custom_performances", [])
                        if group["label"] == credit["genius_section"] for a in group["artists"]]
                    backed = credit["credited_as"] in named and credit["genius_song_url"] == song.get("url")
                else:
                    recording = recordings.get(credit["musicbrainz_recording_id"], {})
                    named = [r["artist"]["name"] for r in recording.get("relations", [])
                             if r["type"] == credit["musicbrainz_relation_type"] == "producer"
                             and r["attributes"] == credit["musicbrainz_attributes"]]
                    backed = credit["credited_as"] in named and credit["isrc"] in recording.get("isrcs", [])
                if not backed:
                    wrong.append((producer["name"], credit))
    return wrong
