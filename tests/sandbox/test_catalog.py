"""Catalogs are refused at start with a message naming the bad object; the demo one loads."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from discovery.sandbox.catalog import CatalogError, load_catalog, load_demo_catalog
from discovery.sandbox.cli import sandbox
from discovery.sandbox.server import SandboxServer
from tests.fixtures_sandbox import spotify_session
from tests.sandbox.catalogs import album, artist, artist_ref, small_catalog


def test_an_unknown_section_is_refused_by_name():
    with pytest.raises(CatalogError, match="unknown section 'deezer'"):
        SandboxServer({"deezer": {}})


def test_an_album_whose_artist_is_missing_is_refused_naming_both():
    catalog = {
        "spotify": {
            "artists": [],
            "albums": [album("alb1", "Lost", [artist_ref("ghost", "Ghost")])],
        }
    }

    with pytest.raises(CatalogError, match=r"album 'alb1' \(Lost\).*'ghost' \(Ghost\)"):
        SandboxServer(catalog)


def test_a_duplicate_id_is_refused_by_name():
    catalog = {"spotify": {"artists": [artist("dup", "One"), artist("dup", "Two")]}}

    with pytest.raises(CatalogError, match="duplicate id 'dup' in spotify.artists"):
        SandboxServer(catalog)


def test_an_unknown_list_is_refused_by_name():
    with pytest.raises(CatalogError, match="unknown list genius.lyrics"):
        SandboxServer({"genius": {"lyrics": []}})


def test_every_section_and_list_may_be_absent(sandbox_factory):
    server = sandbox_factory({})

    answer = spotify_session(server).get(server.url + "/spotify/v1/artists/nova", timeout=5)

    assert answer.status_code == 404


def test_a_catalog_file_loads_and_the_cli_refuses_a_bad_one(tmp_path):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(small_catalog()))
    bad.write_text(json.dumps({"spotify": {"artists": [artist("x", "X"), artist("x", "Y")]}}))

    result = CliRunner().invoke(sandbox, ["--catalog", str(bad), "--port", "0"])

    assert load_catalog(good)["spotify"]["artists"][0]["id"] == "nova"
    assert result.exit_code != 0 and "duplicate id 'x' in spotify.artists" in result.output


def test_the_demo_catalog_is_valid_and_served_by_default(sandbox):
    first = load_demo_catalog()["spotify"]["artists"][0]

    answer = spotify_session(sandbox).get(f"{sandbox.url}/spotify/v1/artists/{first['id']}", timeout=5)

    assert answer.status_code == 200
    assert answer.json()["name"] == first["name"]
