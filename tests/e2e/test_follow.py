"""`discovery seed NAME --follow` on a pipe: progress lines, then the report and the coverage line,
ending on its own."""

from __future__ import annotations

import subprocess
import sys

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
        [sys.executable, "-m", "discovery.ops.cli", "seed", "Glass Season", "--follow"],
        cwd=REPO_ROOT, env=pipeline.procs.env, capture_output=True, text=True, timeout=180,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].isdigit(), "the msg_id comes first"
    progress = [line for line in lines if line.startswith("Glass Season: ")]
    assert len(progress) >= 2, lines
    assert "done" in progress[-1]
    assert "producer lookups" in progress[-1] and "waiting 0" in progress[-1]
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
