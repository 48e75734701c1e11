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
    default = json.loads(run_discovery(database_url, redis_url, "status", "--json").stdout)
    assert default["spotify_mode"] == {"configured": "development", "mode": "development", "since": None}
    before = json.loads(run_discovery(database_url, redis_url, "status", "--json", SPOTIFY_QUOTA_MODE="auto").stdout)
    assert before["spotify_mode"] == {"configured": "auto", "mode": "extended", "since": None}

    settings = Settings(
        redis_url=redis_url, database_url=database_url, spotify_client_id="id", spotify_client_secret="s", spotify_quota_mode="auto"
    )
    Spotify(settings)._switch_to_development("a batch 403")

    after = json.loads(run_discovery(database_url, redis_url, "status", "--json", SPOTIFY_QUOTA_MODE="auto").stdout)
    assert after["spotify_mode"]["mode"] == "development"
    assert after["spotify_mode"]["since"] is not None
    table = run_discovery(database_url, redis_url, "status", SPOTIFY_QUOTA_MODE="auto").stdout
    assert "Spotify quota mode: development (configured auto, development since" in table


def test_a_refused_service_shows_in_status_with_its_reason_and_next_try(database_url, redis_url):
    # Given Spotify refused the whole app (the Premium 403): a cluster-wide hold with its reason
    reason = "Spotify: 'Active premium subscription required for the owner of the app' (the app owner's Spotify account needs Premium)"
    ApiBreaker("spotify", redis_url).hold_refusal(reason, 120)

    # When status runs
    result = run_discovery(database_url, redis_url, "status", "--json")
    table = run_discovery(database_url, redis_url, "status").stdout

    # Then it fails, showing the hold's kind, reason and when Spotify is tried again
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    spotify = report["apis"]["spotify"]
    assert spotify["pause_kind"] == "refused" and spotify["pause_reason"] == reason
    assert 100 < spotify["paused_for_s"] <= 120
    [line] = [item for item in report["attention"] if "Active premium subscription required" in item]
    assert "artist_discovery" in line and "tried again in" in line
    assert "(refused: Spotify: 'Active premium" in " ".join(table.split())
