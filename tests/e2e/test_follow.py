"""`discovery seed NAME --follow` on a pipe: progress lines, then the report and the coverage line,
ending on its own."""

from __future__ import annotations

import re
import subprocess
import sys
from itertools import pairwise

import pytest

from tests.e2e.scoring import discoverable_tracks
from tests.e2e.test_pipeline import demo_files
from tests.support.processes import REPO_ROOT

pytestmark = pytest.mark.integration


def glass_season_tracks() -> set[str]:
    catalog, truth = demo_files()
    [artist] = [a["spotify_id"] for a in truth["artists"] if a["name"] == "Glass Season"]
    return discoverable_tracks(catalog, {artist})


def test_seed_follow_prints_progress_lines_and_ends_when_the_artist_is_done(start_pipeline):
    pipeline = start_pipeline(None)
    _, truth = demo_files()

    done = subprocess.run(
        [sys.executable, "-m", "discovery.cli", "seed", "Glass Season", "--follow"],
        cwd=REPO_ROOT, env=pipeline.procs.env, capture_output=True, text=True, timeout=180,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].isdigit(), "the msg_id comes first"
    progress = [line for line in lines if line.startswith("Glass Season: ")]
    assert len(progress) >= 2, lines
    assert "done" in progress[-1]
    assert "producer lookups" in progress[-1] and "waiting 0" in progress[-1]
    # Every line says how long it has been, and what it counts never goes back
    assert all(re.match(r"Glass Season: \w+ \(\d+(m\d\d)?s\)", line) for line in progress), progress
    counted = [counts(line) for line in progress if "albums" in line]
    assert all(
        all(after >= before for before, after in zip(earlier, later, strict=True))
        for earlier, later in pairwise(counted)
    ), progress
    stages = [line.split(": ", 1)[1].split(" ", 1)[0] for line in progress]
    assert all(later == "done" for earlier, later in pairwise(stages) if earlier == "done"), progress
    assert "\x1b[" not in done.stdout, "no live display codes on a pipe"
    assert "Glass Season — 2 albums, 4 tracks" in done.stdout
    assert "Priya Fischer" in done.stdout
    # It ends with the artist's coverage line, counting what the answer key expects.
    outcomes = [truth["outcomes"][track] for track in glass_season_tracks()]
    genius = sum(o["outcome"] == "credited_by_genius" for o in outcomes)
    musicbrainz = sum(o["outcome"] == "credited_by_musicbrainz" for o in outcomes)
    assert lines[-1].startswith(
        f"coverage of Glass Season: {len(outcomes)} tracks; credited by Genius {genius}, by MusicBrainz "
        f"{musicbrainz}; uncredited {len(outcomes) - genius - musicbrainz}"
    ), lines[-1]


def counts(line: str) -> list[int]:
    """albums, tracks, lookups done and known, socials done and known, failed: from one line."""
    found = re.search(
        r"albums (\d+), tracks (\d+), producer lookups (\d+)/(\d+), social lookups (\d+)/(\d+),.* failed (\d+)", line
    )
    assert found, line
    return [int(value) for value in found.groups()]
