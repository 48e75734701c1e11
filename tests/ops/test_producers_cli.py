"""`discovery producers split A` / `merge A B` and `discovery producer NAME`, as a person runs them."""

from __future__ import annotations

import json
import subprocess

import psycopg
import pytest

from discovery.catalog import store
from discovery.catalog.credits import Credit
from discovery.local.processes import DISCOVERY
from tests.ops.catalog_rows import write_catalog
from tests.support.processes import REPO_ROOT, service_env

pytestmark = pytest.mark.integration


def discovery(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(DISCOVERY + list(args), cwd=REPO_ROOT, env=service_env(DATABASE_URL=database_url),
                          capture_output=True, text=True, timeout=60)


def page(database_url: str, name: str) -> dict:
    done = discovery(database_url, "producer", name, "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_split_separates_a_wrong_name_link_and_a_merge_joins_them_again(database_url):
    # Given Ann Lee credited by Genius, and a MusicBrainz "Ann Lee" linked to her by name
    write_catalog(database_url)
    with psycopg.connect(database_url) as conn, conn.transaction():
        store.upsert_producer(conn, Credit("Ann Lee", "producer", "musicbrainz", None, "mb-ann"))
    assert {link["source"] for link in page(database_url, "Ann Lee")["links"]} == {"genius", "musicbrainz"}

    # When a person splits her
    split = discovery(database_url, "producers", "split", "Ann Lee")

    # Then there are two producers named Ann Lee, each with one identity
    assert split.returncode == 0, split.stderr
    ambiguous = discovery(database_url, "producer", "Ann Lee")
    assert ambiguous.returncode != 0 and "names several producers" in ambiguous.stderr
    [kept, separated] = [int(word.strip(",")) for word in split.stdout.replace(";", "").split() if word.strip(",").isdigit()]
    assert [link["source"] for link in page(database_url, str(kept))["links"]] == ["genius"]
    [link] = page(database_url, str(separated))["links"]
    assert (link["source"], link["reason"], link["manual"]) == ("musicbrainz", "split by hand from 'Ann Lee'", True)

    # When they are merged back by hand
    merged = discovery(database_url, "producers", "merge", str(kept), str(separated))

    # Then one producer has both identities again
    assert merged.returncode == 0, merged.stderr
    assert {link["source"] for link in page(database_url, "Ann Lee")["links"]} == {"genius", "musicbrainz"}


def test_merging_a_producer_into_itself_or_an_unknown_one_is_refused(database_url):
    write_catalog(database_url)

    itself = discovery(database_url, "producers", "merge", "Ann Lee", "ann lee")
    unknown = discovery(database_url, "producers", "merge", "Ann Lee", "Nobody")

    assert itself.returncode != 0 and "already one producer" in itself.stderr
    assert unknown.returncode != 0 and "no producer with the id, name or alias 'Nobody'" in unknown.stderr
