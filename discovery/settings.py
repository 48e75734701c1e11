"""One frozen settings object, read from the environment (and a `.env` file).

Secrets are `SecretStr`: they never show in a repr, a log line or an error message.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
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


# Our messages are flat objects of a few short fields (under 3 KB with names at their 1,000
# character bound); a DLQ wrapper adds one level of nesting.
MAX_MESSAGE_BYTES = 64 * 1024
MAX_MESSAGE_DEPTH = 32


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
    # The HTTP cache's Redis: apart from the broker, so an LRU limit there evicts only cache
    # entries. Empty: the next database number of REDIS_URL's server (fine for the demo only:
    # maxmemory is per server, so production gives the cache a server of its own).
    discovery_cache_url: str = ""
    # Set by `discovery migrate` (run as the owner) as the password of the discovery_worker
    # login role, which the pools, beat and the CLI then use; empty: left as it is.
    discovery_worker_password: SecretStr = SecretStr("")
    # The same for discovery_reader, the read-only role the platform's page (discovery web) uses.
    discovery_reader_password: SecretStr = SecretStr("")
    # What `discovery web` connects with; empty: DATABASE_URL acting as discovery_reader (the
    # connection's role set at login, which needs DATABASE_URL's user to be a member of it or
    # the owner). Either way the page reads and seeds with discovery_reader's rights only.
    discovery_web_database_url: str = ""
    # "spotify.search=3600,genius=86400" (seconds): overrides any subset of cache.DEFAULT_TTLS_S.
    discovery_cache_ttls: str = ""

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

    # development (the default: Extended Quota Mode is for large companies only since May 2025),
    # extended, or auto (starts extended, switches the cluster on a batch endpoint's 403).
    spotify_quota_mode: str = "development"
    # The market every Spotify call names (an ISO 3166-1 alpha-2 country code): without one,
    # Spotify lists an album once per market under different ids.
    spotify_market: str = "US"
    discovery_rate_limits: str = "spotify=100/30,genius=5/1,musicbrainz=1/1,instagram=10/1"
    # An email address or URL where MusicBrainz can reach the operator, put in the User-Agent;
    # the real musicbrainz.org is never called without one (clients/musicbrainz).
    musicbrainz_contact: str = ""

    # The queue machinery.
    # A delivery's lease (PGMQ vt) in seconds, DISCOVERY_LEASE_S (DISCOVERY_VISIBILITY_TIMEOUT_S is
    # the older name): the running task extends it every third of it, so a task lost with Redis
    # or its worker is read again within about one lease, and a slow live task never is.
    discovery_visibility_timeout_s: int = Field(
        default=30, ge=1, validation_alias=AliasChoices("discovery_lease_s", "discovery_visibility_timeout_s")
    )
    discovery_max_attempts: int = Field(default=5, ge=1)
    discovery_batch_size: int = Field(default=20, ge=1)
    # In flight per queue: a fixed ceiling when set; else this many per pool process online.
    discovery_max_in_flight: int | None = Field(default=None, ge=1)
    discovery_in_flight_per_process: int = Field(default=4, ge=1)
    discovery_bridge_max_per_tick: int = Field(default=1000, ge=1)
    # Bounds on what comes from outside (SECURITY.md): a message past its bytes or nesting is
    # dead-lettered by the bridge naming the bound; a song's credits past the cap are dropped
    # and recorded once; a page offset past the cap ends the paging.
    discovery_max_message_bytes: int = Field(default=MAX_MESSAGE_BYTES, ge=1024)
    discovery_max_message_depth: int = Field(default=MAX_MESSAGE_DEPTH, ge=2, le=200)
    discovery_max_page_offset: int = Field(default=10_000, ge=50)
    discovery_max_credits_per_song: int = Field(default=100, ge=1)
    # An API response's body past this many bytes is refused (clients/response_cap).
    discovery_max_response_bytes: int = Field(default=8 * 1024 * 1024, ge=64 * 1024)
    discovery_task_soft_time_limit_s: int = Field(default=240, ge=1)
    discovery_task_time_limit_s: int = Field(default=270, ge=1)
    # Backoff base for retries that go back to PGMQ: attempt n waits up to base * 2**(n-1).
    discovery_retry_base_s: float = Field(default=10.0, gt=0)
    # The fast lane (runtime/fastlane.py): bridges run as soon as work arrives, beat's schedule
    # being the safety net. DISCOVERY_KICK_BRIDGES is its older name.
    discovery_fast_lane: bool = Field(
        default=True, validation_alias=AliasChoices("discovery_fast_lane", "discovery_kick_bridges")
    )
    # A refused or missing credential holds its API this long before a call tries it again.
    discovery_credential_recheck_s: float = Field(default=60.0, gt=0)
    # "artist_discovery=module:Class,...": replaces the worker type of a queue (tests, plugins).
    discovery_workers: str = ""

    # Which of an artist's releases to discover (Spotify include_groups).
    discovery_album_groups: str = "album,single"
    # A producer's socials are looked up again once they are older than this.
    discovery_enrichment_max_age_s: float = Field(default=30 * 24 * 3600, ge=0)

    discovery_log_format: str = "text"

    # "musicbrainz": also ask MusicBrainz about recordings Genius credited, and record whether the
    # two agree (off by default: MusicBrainz asks for restraint, 1 request/s).
    discovery_cross_check: str = ""
    # Retention: `discovery prune` (and beat, daily) removes archives, metrics and issues older
    # than this; what status and the exporter show survives as all-time totals (beat rolls the
    # rows into them every 10 minutes, and prune first).
    discovery_retention_s: float = Field(default=30 * 24 * 3600, ge=3600)
    # `discovery status` flags a breaker or hold that has kept an API paused longer than this.
    discovery_stall_pause_s: float = Field(default=30 * 60, gt=0)

    # Freshness (docs/operating.md "Keeping data true"): seeded artists are watched unless this is
    # false; a watched artist's releases are listed again every cadence (listings are cached for
    # less); beat looks for due refresh work every tick and queues at most a batch of artists and
    # one of recordings; refresh work spends at most the day's budget of calls per API (UTC day).
    discovery_watch_seeded: bool = True
    discovery_refresh_cadence_s: float = Field(default=7 * 24 * 3600, ge=60)
    discovery_refresh_tick_s: float = Field(default=15 * 60, gt=0)
    discovery_refresh_batch: int = Field(default=500, ge=1)
    discovery_refresh_budget: str = "spotify=20000,genius=20000,musicbrainz=5000,instagram=2000"

    @field_validator("spotify_quota_mode")
    @classmethod
    def _known_mode(cls, value: str) -> str:
        if value not in {"auto", "development", "extended"}:
            raise ValueError("SPOTIFY_QUOTA_MODE must be auto, development or extended")
        return value

    @field_validator("spotify_market")
    @classmethod
    def _known_market(cls, value: str) -> str:
        if len(value) != 2 or not value.isascii() or not value.isalpha():
            raise ValueError("SPOTIFY_MARKET must be a two-letter country code such as US or GB")
        return value.upper()

    @field_validator("discovery_cross_check")
    @classmethod
    def _known_cross_check(cls, value: str) -> str:
        if value not in {"", "musicbrainz"}:
            raise ValueError("DISCOVERY_CROSS_CHECK must be empty or musicbrainz")
        return value

    @field_validator("discovery_refresh_budget")
    @classmethod
    def _whole_calls(cls, value: str) -> str:
        try:
            pairs = parse_pairs(value, "DISCOVERY_REFRESH_BUDGET")
        except ConfigurationError as error:
            raise ValueError(str(error)) from None
        for api, calls in pairs.items():
            if not calls.isdigit():
                raise ValueError(f"DISCOVERY_REFRESH_BUDGET: {api}={calls!r} is not a whole number of calls per day")
        return value

    @model_validator(mode="after")
    def _coherent(self) -> Settings:
        """Settings that contradict each other refuse to start, naming both sides."""
        for problem in contradictions(self):
            raise ValueError(problem)
        return self

    def cache_url(self) -> str:
        """DISCOVERY_CACHE_URL, or REDIS_URL's server with the next database number."""
        return self.discovery_cache_url or next_database(self.redis_url)


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


def next_database(redis_url: str) -> str:
    """redis://host:6379/3 -> redis://host:6379/4 (15 wraps to 0: Redis has 16 by default).
    A unix socket URL names its database in a parameter: it is kept as it is (set
    DISCOVERY_CACHE_URL to separate the cache)."""
    parts = urlsplit(redis_url)
    if parts.scheme not in ("redis", "rediss"):
        return redis_url
    current = parts.path.strip("/") or "0"
    number = (int(current) + 1) % 16 if current.isdigit() else 1
    return urlunsplit(parts._replace(path=f"/{number}"))


def contradictions(settings: Settings) -> list[str]:
    """What cannot work together, in words an operator can act on; empty when coherent."""
    found: list[str] = []
    soft = settings.discovery_task_soft_time_limit_s
    hard = settings.discovery_task_time_limit_s
    if soft >= hard:
        found.append(
            f"DISCOVERY_TASK_SOFT_TIME_LIMIT_S ({soft}) must be below DISCOVERY_TASK_TIME_LIMIT_S "
            f"({hard}): the soft limit is the task's chance to give its message back first"
        )
    if settings.discovery_cache_url and settings.discovery_cache_url == settings.redis_url:
        found.append(
            "DISCOVERY_CACHE_URL must not be REDIS_URL: the cache would share the broker's memory "
            "and an eviction could drop work in flight"
        )
    return found


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The environment's settings; settings that cannot work stop the process with a message
    naming each problem (no traceback: it is the operator's to fix, not a bug)."""
    try:
        return Settings()
    except ValidationError as error:
        problems = "\n".join(f"- {_problem(item)}" for item in error.errors())
        raise SystemExit(f"discovery refuses to start; fix these settings:\n{problems}") from None


def _problem(item: Any) -> str:
    where = ".".join(str(part) for part in item.get("loc", ())).upper()
    message = str(item.get("msg", "")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message
