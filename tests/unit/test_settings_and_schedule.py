"""Settings from the environment, and the beat schedule they produce."""

from __future__ import annotations

import logging

import pytest

from discovery.exceptions import ConfigurationError
from discovery.runtime.schedule import DEFAULT_INTERVALS_S, beat_schedule, intervals
from discovery.settings import QUEUE_POOLS, Settings

SECRETS = {
    "SPOTIFY_CLIENT_SECRET": "sp-secret-value-123",
    "SPOTIFY_CLIENT_ID": "sp-client-id-456",
    "GENIUS_ACCESS_TOKEN": "genius-token-789",
    "INSTAGRAM_API_KEY": "insta-key-000",
}


def test_settings_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example:5432/prod")
    monkeypatch.setenv("REDIS_URL", "redis://cache.example:6379/3")

    settings = Settings()

    assert settings.database_url == "postgresql://db.example:5432/prod"
    assert settings.redis_url == "redis://cache.example:6379/3"


def test_secrets_never_appear_in_a_repr_a_log_line_or_a_dump(monkeypatch, caplog):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    caplog.set_level(logging.DEBUG)

    logging.getLogger("test").info("settings: %s %r", settings, settings)
    shown = repr(settings) + str(settings) + settings.model_dump_json() + caplog.text

    for value in SECRETS.values():
        assert value not in shown
    assert settings.spotify_client_secret.get_secret_value() == SECRETS["SPOTIFY_CLIENT_SECRET"]


def test_the_sandbox_base_points_every_api_at_one_host_and_overrides_win():
    settings = Settings(discovery_api_base="http://127.0.0.1:8765/", genius_api_url="http://other/genius/")

    assert settings.api_url("spotify_api_url") == "http://127.0.0.1:8765/spotify/v1/"
    assert settings.api_url("spotify_token_url") == "http://127.0.0.1:8765/spotify/api/token"
    assert settings.api_url("musicbrainz_api_url") == "http://127.0.0.1:8765/musicbrainz/ws/2/"
    assert settings.api_url("genius_api_url") == "http://other/genius/"
    assert Settings().api_url("spotify_api_url") == "https://api.spotify.com/v1/"


def test_the_default_schedule_is_2_5_5_10_and_60_minutes():
    assert intervals(Settings()) == {
        "artist_discovery": 120,
        "album_discovery": 300,
        "track_discovery": 300,
        "producer_identification": 600,
        "social_enrichment": 3600,
    }


def test_discovery_schedule_overrides_any_subset_in_seconds():
    result = intervals(Settings(discovery_schedule="artist_discovery=2,album_discovery=2"))

    assert result["artist_discovery"] == 2
    assert result["album_discovery"] == 2
    assert result["social_enrichment"] == DEFAULT_INTERVALS_S["social_enrichment"]


@pytest.mark.parametrize(
    ("text", "says"),
    [("artists=2", "unknown queue 'artists'"), ("artist_discovery=soon", "not a number"), ("artist_discovery", "NAME=VALUE")],
)
def test_a_bad_schedule_is_refused_with_what_is_wrong(text, says):
    with pytest.raises(ConfigurationError, match=says):
        intervals(Settings(discovery_schedule=text))


def test_beat_fires_one_bridge_task_per_queue_on_the_bridges_queue_every_pool_consumes():
    schedule = beat_schedule(Settings())

    assert sorted(name for name in schedule if name.startswith("bridge-")) == sorted(
        f"bridge-{queue}" for queue in QUEUE_POOLS
    )
    for queue in QUEUE_POOLS:
        entry = schedule[f"bridge-{queue}"]
        assert entry["task"] == "discovery.bridge"
        assert entry["args"] == (queue,)
        assert entry["options"]["queue"] == "bridges"


def test_beat_rolls_up_the_totals_often_and_prunes_once_a_day():
    schedule = beat_schedule(Settings())

    assert schedule["rollup"]["task"] == "discovery.rollup"
    assert schedule["rollup"]["schedule"] <= 15 * 60
    assert schedule["prune"]["task"] == "discovery.prune"
    assert schedule["prune"]["schedule"] == 24 * 3600
    assert schedule["prune"]["options"]["queue"] in QUEUE_POOLS.values()


def test_the_celery_app_routes_each_worker_type_to_its_dedicated_pool_with_late_acks():
    from discovery import app

    app.loader.import_default_modules()
    for queue, pool in QUEUE_POOLS.items():
        assert app.amqp.router.route({}, f"discovery.process.{queue}")["queue"].name == pool
    assert app.conf.task_acks_late is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert not app.conf.result_backend
