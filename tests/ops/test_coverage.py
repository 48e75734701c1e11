"""`discovery coverage`: every track's outcome, counted, with the uncredited ones and why."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pytest

from discovery.local.processes import DISCOVERY
from tests.ops.catalog_rows import write_catalog
from tests.support.processes import REPO_ROOT, service_env

pytestmark = pytest.mark.integration


def discovery(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(DISCOVERY + list(args), cwd=REPO_ROOT, env=service_env(DATABASE_URL=database_url),
                          capture_output=True, text=True, timeout=60)


def test_coverage_shows_a_track_not_identified_yet_as_not_attempted_beside_a_credited_one(database_url):
    write_catalog(database_url)

    done = discovery(database_url, "coverage", "--artist", "Nova", "--format", "json")

    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert {t["track"]: t["outcome"] for t in found["tracks"]} == {
        "First": "credited_by_genius", "Second": "not_attempted"}
    assert found["outcomes"]["credited_by_genius"] == found["outcomes"]["not_attempted"] == 1
    assert found["sources"]["genius"] == {"tracks": 1, "credits": 1}
    assert [t["track"] for t in found["uncredited"]] == ["Second"]


def test_coverage_as_csv_and_as_a_table_names_the_reason(database_url):
    write_catalog(database_url)

    as_csv = discovery(database_url, "coverage", "--format", "csv")
    as_table = discovery(database_url, "coverage", "--artist", "Nova")

    rows = {row["track"]: row for row in csv.DictReader(io.StringIO(as_csv.stdout))}
    assert rows["Second"]["reason"] == "not attempted yet (held back by a limit or a hold)"
    assert rows["First"]["genius_credits"] == "1"
    assert "coverage of Nova: 2 tracks; credited by Genius 1" in as_table.stdout
    assert "not attempted yet" in as_table.stdout


def test_coverage_of_an_unknown_artist_says_so(database_url):
    done = discovery(database_url, "coverage", "--artist", "Nobody")

    assert done.returncode != 0 and "no artist named 'Nobody'" in done.stderr
