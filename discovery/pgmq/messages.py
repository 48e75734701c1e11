"""One validated model per queue's message. A message that fails its model is dead-lettered at
once with an error naming the bad field; it is never retried."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from discovery.exceptions import InvalidMessage

CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
# A Postgres bigint: an id past it would pass validation and fail later in Postgres.
MAX_BIGINT = 2**63 - 1
# The longest name (track, artist, producer) a message carries; a worker cuts a longer one from
# an API and records it (workers/base.bounded_name).
NAME_LIMIT = 1000


class _Message(BaseModel):
    # Unknown keys are ignored (older or newer producers of messages); known ones are strict.
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


class _Refreshable(_Message):
    # Refresh work (catalog/refresh): asks the APIs rather than the cache, within the daily
    # refresh budget (clients/budget); passed on to the messages it sends.
    refresh: bool = False


class ArtistDiscovery(_Refreshable):
    artistId: str | None = Field(default=None, min_length=1, max_length=64)
    artistName: str | None = Field(default=None, min_length=1, max_length=200)
    # Watch the artist once found (catalog/watching); unset: DISCOVERY_WATCH_SEEDED decides.
    watch: bool | None = None

    @field_validator("artistName")
    @classmethod
    def _no_controls(cls, value: str | None) -> str | None:
        # As start_artist_discovery refuses them (0061), for messages sent around it.
        if value is not None and CONTROLS.search(value):
            raise ValueError("must not contain control characters")
        return value

    @model_validator(mode="after")
    def _needs_id_or_name(self) -> ArtistDiscovery:
        if self.artistId is None and (self.artistName is None or not self.artistName.strip()):
            raise ValueError("needs artistId or a non-blank artistName")
        return self


class AlbumDiscovery(_Refreshable):
    artistId: str = Field(min_length=1, max_length=64)
    offset: int = Field(default=0, ge=0)


class TrackDiscovery(_Refreshable):
    albumId: str = Field(min_length=1, max_length=64)
    artistId: str = Field(min_length=1, max_length=64)
    albumName: str = Field(default="", max_length=NAME_LIMIT)
    offset: int = Field(default=0, ge=0)


class ProducerIdentification(_Refreshable):
    """One recording: identified once, its credits applied to every track carrying it."""

    recordingKey: str = Field(min_length=1, max_length=1200)
    trackId: str = Field(min_length=1, max_length=64)
    trackName: str = Field(min_length=1, max_length=NAME_LIMIT)
    artistId: str = Field(min_length=1, max_length=64)
    artistName: str = Field(default="", max_length=NAME_LIMIT)
    isrc: str | None = Field(default=None, min_length=1, max_length=32)
    # What the Genius page is weighed against (catalog/page_evidence); absent from older messages.
    trackArtists: list[Annotated[str, Field(max_length=NAME_LIMIT)]] = Field(default_factory=list, max_length=50)
    albumName: str = Field(default="", max_length=NAME_LIMIT)
    albumReleaseDate: str = Field(default="", max_length=10)


class SocialEnrichment(_Refreshable):
    # The producer worker also says which `identities` the producer had when asked (a producer
    # that gains one is asked again); the social worker reads the ids from the database.
    producerId: int = Field(ge=1, le=MAX_BIGINT)
    producerName: str = Field(min_length=1, max_length=NAME_LIMIT)


MODELS: dict[str, type[_Message]] = {
    "artist_discovery": ArtistDiscovery,
    "album_discovery": AlbumDiscovery,
    "track_discovery": TrackDiscovery,
    "producer_identification": ProducerIdentification,
    "social_enrichment": SocialEnrichment,
}


def describe(error: ValidationError) -> str:
    """"field 'offset': Input should be a valid integer; ..." — names every bad field."""
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "message"
        parts.append(f"field {where!r}: {item['msg']}")
    return "; ".join(parts)


def validate(queue: str, payload: Any) -> _Message:
    """The queue's model for this payload, or InvalidMessage saying which field is wrong."""
    model = MODELS[queue]
    if not isinstance(payload, dict):
        raise InvalidMessage(f"{queue} message must be a JSON object, got {type(payload).__name__}")
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        raise InvalidMessage(f"invalid {queue} message: {describe(error)}") from None
