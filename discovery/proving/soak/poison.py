"""The soak's poison messages: sent straight with pgmq.send (past every front door), each with
the words its dead letter's reason must contain. A well-formed seed naming no Spotify artist is
not poison but a recorded outcome ("not found", issue 13): those must end as that outcome, in no
DLQ."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MEGABYTE = "x" * (1024 * 1024)
SQL_LOOKING = "Robert'); DROP TABLE artists; --"
UNICODE = "Ünïcødé 名前 🎵 \u200b\u00a0end"


@dataclass(frozen=True)
class Poison:
    queue: str
    message: Any
    reason_says: str  # what its dead letter's reason must name
    not_found: bool = False  # ends as a recorded "not found" artist search, not a dead letter


POISONS: tuple[Poison, ...] = (
    Poison("artist_discovery", {"artistName": 42}, "field 'artistName'"),
    Poison("artist_discovery", {}, "needs artistId or a non-blank artistName"),
    Poison("artist_discovery", "just a string", "must be a JSON object"),
    Poison("artist_discovery", [1, 2, 3], "must be a JSON object"),
    Poison("artist_discovery", {"artistName": MEGABYTE}, "field 'artistName'"),
    Poison("artist_discovery", {"artistName": SQL_LOOKING}, "", not_found=True),
    Poison("artist_discovery", {"artistName": UNICODE}, "", not_found=True),
    Poison("artist_discovery", {"artistId": "0" * 22}, "", not_found=True),
    Poison("album_discovery", {"artistId": "a" * 22, "offset": "zero"}, "field 'offset'"),
    Poison("album_discovery", {"artistId": 123}, "field 'artistId'"),
    Poison("album_discovery", {"artistId": "nosuchartist" + "0" * 10, "offset": 0}, "nosuchartist"),
    Poison("track_discovery", {"albumId": "a"}, "field 'artistId'"),
    Poison("track_discovery", {"albumId": "nosuchalbum" + "0" * 11, "artistId": "x"}, "nosuchalbum"),
    Poison("track_discovery", {"albumId": SQL_LOOKING, "artistId": "x", "offset": -1}, "field 'offset'"),
    Poison("producer_identification", {"trackId": 5}, "field 'recordingKey'"),
    Poison(
        "producer_identification",
        {"recordingKey": MEGABYTE, "trackId": "t", "trackName": "n", "artistId": "a"},
        "field 'recordingKey'",
    ),
    Poison("social_enrichment", {"producerId": -1, "producerName": "x"}, "field 'producerId'"),
    Poison("social_enrichment", {"producerId": "1", "producerName": "x"}, "field 'producerId'"),
    Poison("social_enrichment", {"producerId": 987654321, "producerName": UNICODE}, "producer 987654321"),
    Poison("social_enrichment", None, "must be a JSON object"),
)
