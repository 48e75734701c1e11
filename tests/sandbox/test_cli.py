"""`discovery sandbox` serves in the foreground with knobs from the command line."""

from __future__ import annotations

import json
import os

import requests

from discovery.local.processes import DISCOVERY, Supervisor, free_port, wait_for
from tests.sandbox.catalogs import small_catalog


def sandbox_up(url: str) -> bool:
    try:
        return requests.get(url + "/_sandbox/stats", timeout=1).ok
    except requests.ConnectionError:
        return False


def test_the_command_serves_a_catalog_with_its_knobs(tmp_path):
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(small_catalog()))
    credentials = tmp_path / "credentials.json"
    credentials.write_text(json.dumps({
        "spotify": {"client_id": "ours", "client_secret": "s3cret"}, "genius": {"token": "t"},
    }))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    procs = Supervisor(tmp_path, dict(os.environ))
    procs.start("sandbox", DISCOVERY + [
        "sandbox", "--catalog", str(catalog), "--port", str(port), "--rate", "genius=1/60",
        "--spotify-mode", "extended", "--quota", "spotify=3", "--credentials", str(credentials),
        "--knob", "album_page_max=10",
    ])
    try:
        wait_for(lambda: sandbox_up(url), 20, "the sandbox command")
        genius = {"Authorization": "Bearer t"}
        token_url = url + "/spotify/api/token"
        grant = {"grant_type": "client_credentials"}

        first = requests.get(url + "/genius/songs/1", headers=genius, timeout=5)
        second = requests.get(url + "/genius/songs/1", headers=genius, timeout=5)
        refused = requests.post(token_url, data=grant, auth=("someone", "else"), timeout=5)
        token = requests.post(token_url, data=grant, auth=("ours", "s3cret"), timeout=5)
        spotify = {"Authorization": "Bearer " + token.json()["access_token"]}
        batch = requests.get(url + "/spotify/v1/albums?ids=long,single1", headers=spotify, timeout=5)
        requests.get(url + "/spotify/v1/artists/nova", headers=spotify, timeout=5)
        wide_page = requests.get(url + "/spotify/v1/artists/nova/albums?limit=20", headers=spotify, timeout=5)
        over_quota = requests.get(url + "/spotify/v1/artists/nova", headers=spotify, timeout=5)
    finally:
        procs.stop()

    assert first.status_code == 200
    assert second.status_code == 429 and second.headers["Retry-After"] == "60"
    assert refused.status_code in (400, 401)
    assert batch.status_code == 200, "extended mode serves the batch endpoints"
    assert wide_page.status_code == 400, "--knob album_page_max=10 holds in extended mode"
    assert over_quota.status_code == 429 and over_quota.json()["error"]["reason"] == "QUOTA_EXCEEDED"
