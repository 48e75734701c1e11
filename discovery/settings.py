"""One frozen settings object, read from the environment (and a `.env` file).

Secrets are `SecretStr`: they never show in a repr, a log line or an error message.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from discovery.exceptions import ConfigurationError


@dataclass(frozen=True)
class Stage:
    """One worker type: its PGMQ queue, the Celery pool that runs it, its BaseWorker subclass
    ("module:Class") and how often beat ticks its bridge by default (DISCOVERY_SCHEDULE overrides)."""

    queue: str
    pool: str
    worker: str
    tick_s: float


# The worker types in pipeline order: the one place a new worker type is registered.
PIPELINE: tuple[Stage, ...] = (
    Stage("artist_discovery", "artists", "discovery.workers.artist:ArtistWorker", 2 * 60),
    Stage("album_discovery", "albums", "discovery.workers.album:AlbumWorker", 5 * 60),
    Stage("track_discovery", "tracks", "discovery.workers.track:TrackWorker", 5 * 60),
    Stage("producer_identification", "producers", "discovery.workers.producer:ProducerWorker", 10 * 60),
    Stage("social_enrichment", "social", "discovery.workers.social:SocialWorker", 60 * 60),
)
QUEUE_POOLS: dict[str, str] = {stage.queue: stage.pool for stage in PIPELINE}
QUEUES: tuple[str, ...] = tuple(QUEUE_POOLS)
# The external APIs, by the names used in settings, breakers, limits and the cache.
APIS: tuple[str, ...] = ("spotify", "genius", "musicbrainz", "instagram")
DLQ_SUFFIX = "_dlq"

# Real services, used unless DISCOVERY_API_BASE or a per-API override says otherwise.
REAL_API_URLS: dict[str, str] = {
    "spotify_api_url": "https://api.spotify.com/v1/",
    "spotify_token_url": "https://accounts.spotify.com/api/token",
    "genius_api_url": "https://api.genius.com/",
    "musicbrainz_api_url": "https://musicbrainz.org/ws/2/",
    "instagram_api_url": "https://api.hikerapi.com/",
}
# Where each API lives under the sandbox's single host.
SANDBOX_API_PATHS: dict[str, str] = {
    "spotify_api_url": "/spotify/v1/",
    "spotify_token_url": "/spotify/api/token",
    "genius_api_url": "/genius/",
    "musicbrainz_api_url": "/musicbrainz/ws/2/",
    "instagram_api_url": "/instagram/",
}


def dlq_name(queue: str) -> str:
    return queue + DLQ_SUFFIX


def parse_pairs(text: str, what: str) -> dict[str, str]:
    """Parse "a=1,b=2" into {"a": "1", "b": "2"}; a malformed item raises ConfigurationError."""
    pairs: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ConfigurationError(f"{what}: expected NAME=VALUE, got {item!r}")
        pairs[key.strip()] = value.strip()
    return pairs


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True, populate_by_name=True)

    database_url: str = "postgresql://localhost:5432/discovery"
    redis_url: str = "redis://localhost:6379/0"

    spotify_client_id: SecretStr = SecretStr("")
    spotify_client_secret: SecretStr = SecretStr("")
    genius_access_token: SecretStr = SecretStr("")
    instagram_api_key: SecretStr = SecretStr("")

    # "artist_discovery=120,album_discovery=300" (seconds); overrides any subset of the defaults.
    discovery_schedule: str = ""

    discovery_api_base: str = ""
    spotify_api_url: str = ""
    spotify_token_url: str = ""
    genius_api_url: str = ""
    musicbrainz_api_url: str = ""
    instagram_api_url: str = ""

    spotify_quota_mode: str = "auto"
    discovery_rate_limits: str = "spotify=100/30,genius=5/1,musicbrainz=1/1,instagram=10/1"
    musicbrainz_contact: str = "discovery@example.org"

    # The queue machinery.
    # A delivery's lease (PGMQ vt) in seconds, DISCOVERY_LEASE_S (DISCOVERY_VISIBILITY_TIMEOUT_S is
    # the older name): the running task extends it every third of it, so a task lost with Redis
    # or its worker is read again within about one lease, and a slow live task never is.
    discovery_visibility_timeout_s: int = Field(
        default=30, ge=1, validation_alias=AliasChoices("discovery_lease_s", "discovery_visibility_timeout_s")
    )
    discovery_max_attempts: int = Field(default=5, ge=1)
    discovery_batch_size: int = Field(default=20, ge=1)
    discovery_max_in_flight: int = Field(default=50, ge=1)
    discovery_bridge_max_per_tick: int = Field(default=1000, ge=1)
    discovery_task_soft_time_limit_s: int = Field(default=240, ge=1)
    discovery_task_time_limit_s: int = Field(default=270, ge=1)
    # Backoff base for retries that go back to PGMQ: attempt n waits up to base * 2**(n-1).
    discovery_retry_base_s: float = Field(default=10.0, gt=0)
    # After a task, nudge its own bridge (to refill) and the downstream ones (lower latency).
    discovery_kick_bridges: bool = True
    # A refused or missing credential holds its API this long before a call tries it again.
    discovery_credential_recheck_s: float = Field(default=60.0, gt=0)
    # "artist_discovery=module:Class,...": replaces the worker type of a queue (tests, plugins).
    discovery_workers: str = ""

    # Which of an artist's releases to discover (Spotify include_groups).
    discovery_album_groups: str = "album,single"
    # A producer's socials are looked up again once they are older than this.
    discovery_enrichment_max_age_s: float = Field(default=30 * 24 * 3600, ge=0)

    discovery_log_format: str = "text"

    @field_validator("spotify_quota_mode")
    @classmethod
    def _known_mode(cls, value: str) -> str:
        if value not in {"auto", "development", "extended"}:
            raise ValueError("SPOTIFY_QUOTA_MODE must be auto, development or extended")
        return value

    @model_validator(mode="after")
    def _time_limits_in_order(self) -> Settings:
        if self.discovery_task_soft_time_limit_s >= self.discovery_task_time_limit_s:
            raise ValueError(
                "DISCOVERY_TASK_SOFT_TIME_LIMIT_S must be below DISCOVERY_TASK_TIME_LIMIT_S "
                "(the soft limit gives the message back before the hard one kills the process)"
            )
        return self

    def api_url(self, name: str) -> str:
        """The base URL for one API setting name, e.g. api_url("genius_api_url")."""
        explicit: str = getattr(self, name)
        if explicit:
            return explicit
        if self.discovery_api_base:
            return self.discovery_api_base.rstrip("/") + SANDBOX_API_PATHS[name]
        return REAL_API_URLS[name]

    def worker_overrides(self) -> dict[str, str]:
        overrides = parse_pairs(self.discovery_workers, "DISCOVERY_WORKERS")
        unknown = set(overrides) - set(QUEUES)
        if unknown:
            raise ConfigurationError(f"DISCOVERY_WORKERS names unknown queues: {sorted(unknown)}")
        return overrides


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
