"""`discovery status` under throttling: a refused credential fails the health check naming the
API and the setting to fix; the Spotify quota mode shows with the time auto mode switched."""

from __future__ import annotations

import json

import pytest

from discovery.clients.breakers import ApiBreaker
from discovery.clients.spotify import Spotify
from discovery.settings import Settings
from tests.ops.support import run_discovery

pytestmark = pytest.mark.integration


def test_a_refused_genius_token_makes_status_fail_naming_genius_and_its_setting(database_url, redis_url):
    # Given Genius refused the access token (a cluster-wide credential hold)
    ApiBreaker("genius", redis_url, credential="fingerprint-of-the-bad-token").hold_credential("401 for search", 120)

    # When status runs as a health check
    result = run_discovery(database_url, redis_url, "status", "--json")

    # Then it fails and names Genius, the setting, and the queues that wait
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["apis"]["genius"]["pause_kind"] == "credential"
    refused = [item for item in report["attention"] if "Genius refused the access token" in item]
    assert refused and "check GENIUS_ACCESS_TOKEN" in refused[0]
    assert "producer_identification" in refused[0] and "social_enrichment" in refused[0]
    assert "genius" in report["queues"]["producer_identification"]["paused_by"]


def test_status_shows_the_spotify_mode_and_since_when_auto_mode_switched(database_url, redis_url):
    before = json.loads(run_discovery(database_url, redis_url, "status", "--json").stdout)
    assert before["spotify_mode"] == {"configured": "auto", "mode": "extended", "since": None}

    settings = Settings(redis_url=redis_url, database_url=database_url, spotify_client_id="id", spotify_client_secret="s")
    Spotify(settings)._switch_to_development("a batch 403")

    after = json.loads(run_discovery(database_url, redis_url, "status", "--json").stdout)
    assert after["spotify_mode"]["mode"] == "development"
    assert after["spotify_mode"]["since"] is not None
    table = run_discovery(database_url, redis_url, "status").stdout
    assert "Spotify quota mode: development (configured auto, development since" in table
