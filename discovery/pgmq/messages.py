"""One validated model per queue's message. A message that fails its model is dead-lettered at
once with an error naming the bad field; it is never retried."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from discovery.exceptions import InvalidMessage


class _Message(BaseModel):
    # Unknown keys are ignored (older or newer producers of messages); known ones are strict.
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


class ArtistDiscovery(_Message):
    artistId: str | None = Field(default=None, min_length=1, max_length=64)
    artistName: str | None = Field(default=None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _needs_id_or_name(self) -> ArtistDiscovery:
        if self.artistId is None and (self.artistName is None or not self.artistName.strip()):
            raise ValueError("needs artistId or a non-blank artistName")
        return self


class AlbumDiscovery(_Message):
    artistId: str = Field(min_length=1, max_length=64)
    offset: int = Field(default=0, ge=0)


class TrackDiscovery(_Message):
    albumId: str = Field(min_length=1, max_length=64)
    artistId: str = Field(min_length=1, max_length=64)
    albumName: str = Field(default="", max_length=1000)
    offset: int = Field(default=0, ge=0)


class ProducerIdentification(_Message):
    """One recording: identified once, its credits applied to every track carrying it."""

    recordingKey: str = Field(min_length=1, max_length=1200)
    trackId: str = Field(min_length=1, max_length=64)
    trackName: str = Field(min_length=1, max_length=1000)
    artistId: str = Field(min_length=1, max_length=64)
    artistName: str = Field(default="", max_length=1000)
    isrc: str | None = Field(default=None, min_length=1, max_length=32)
    # What the Genius page is weighed against (catalog/page_evidence); absent from older messages.
    trackArtists: list[str] = Field(default_factory=list, max_length=50)
    albumName: str = Field(default="", max_length=1000)
    albumReleaseDate: str = Field(default="", max_length=10)


class SocialEnrichment(_Message):
    # The producer worker also says which `identities` the producer had when asked (a producer
    # that gains one is asked again); the social worker reads the ids from the database.
    producerId: int = Field(ge=1)
    producerName: str = Field(min_length=1, max_length=1000)


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
