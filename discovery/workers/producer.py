"""Producer identification, once per recording and again as it ages (catalog/history): Genius first (the hit whose primary artist and
normalised title match, never a remix or a cover), its `producer_artists` and production labels
in `custom_performances`; MusicBrainz by ISRC where Genius has no matching song or no production
credit (and, with DISCOVERY_CROSS_CHECK=musicbrainz, for Genius-credited recordings too, to
record whether the two agree); a MusicBrainz recording without producer relations of its own
lends those of its releases (the first MAX_RELEASES_ASKED), credited at the release level with
lower confidence. Credits go on every track that carries the recording, each with
its evidence; the recording gets its outcome (`catalog.outcomes`); producers that were never
enriched (or not for a while) get a social_enrichment message. Identified again, the credits the
source no longer lists are ended (kept in the history), and those found again keep their first seen."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from discovery.catalog import history, store
from discovery.catalog.credits import (
    RECORDING,
    Credit,
    genius_credits,
    musicbrainz_credits,
    musicbrainz_release_credits,
)
from discovery.catalog.cross_check import ONLY_MUSICBRAINZ, compare
from discovery.catalog.genius_match import match_genius
from discovery.catalog.identity import identity_of
from discovery.catalog.names import normalize_name, search_title
from discovery.catalog.outcomes import CREDITED_BY_MUSICBRAINZ, Looked, decide
from discovery.catalog.page_evidence import TrackContext
from discovery.clients.genius import genius_client
from discovery.clients.musicbrainz import MusicBrainz, musicbrainz_client
from discovery.clients.spotify import spotify_client
from discovery.clients.types import MusicBrainzRecording
from discovery.exceptions import BadResponse, NotFound
from discovery.pgmq.messages import ProducerIdentification
from discovery.workers.base import BaseWorker, Transaction

# Releases of a producer-less recording asked for theirs, at most (MusicBrainz allows 1 request/s).
MAX_RELEASES_ASKED = 2


@dataclass
class Identified:
    credits: list[Credit] = field(default_factory=list)
    genius_song_id: int | None = None
    source: str | None = None
    outcome: str = ""
    outcome_detail: dict[str, Any] = field(default_factory=dict)
    cross_check: str | None = None
    cross_check_detail: dict[str, Any] = field(default_factory=dict)
    capped: str | None = None  # why only some of the credits are kept


def track_context(message: ProducerIdentification) -> TrackContext:
    """What Spotify said of the track, for weighing its Genius pages."""
    return TrackContext(
        message.trackName, message.artistName, tuple(message.trackArtists),
        message.albumName or None, message.albumReleaseDate or None, message.trackId,
    )


class ProducerWorker(BaseWorker[ProducerIdentification, Identified]):
    queue = "producer_identification"
    apis = ("genius", "musicbrainz", "spotify")

    def fetch(self, message: ProducerIdentification) -> Identified:
        found = Identified()
        looked = Looked(isrc=message.isrc)
        genius = genius_client(self.settings)
        artist = message.artistName
        hits = genius.search(f"{search_title(message.trackName)} {artist}".strip())
        looked.genius = match_genius(hits, track_context(message), song_page=genius.song)
        if looked.genius.hit is not None:
            found.genius_song_id = int(looked.genius.hit["id"])
            found.credits = genius_credits(looked.genius.hit)
            looked.genius_credits = len(found.credits)
            found.source = "genius" if found.credits else None
        cross_checking = self.settings.discovery_cross_check == "musicbrainz"
        if not found.credits or cross_checking:
            looked.isrc = message.isrc or self._isrc_from_spotify(message.trackId)
            musicbrainz = self._musicbrainz(looked) if looked.isrc else []
            if found.credits:
                verdict = compare(found.credits, musicbrainz)
                if verdict is not None:
                    found.cross_check, found.cross_check_detail = verdict
            else:
                found.credits = musicbrainz
                looked.musicbrainz_credits = len(musicbrainz)
                found.source = "musicbrainz" if musicbrainz else None
        found.credits, found.capped = self._capped(found.credits)
        for credit in found.credits:
            if identity_of(credit) is None:
                raise BadResponse(f"{credit.source} credits {credit.name!r} without an artist id")
        found.outcome, found.outcome_detail = decide(looked)
        if cross_checking and found.outcome == CREDITED_BY_MUSICBRAINZ:
            found.cross_check = ONLY_MUSICBRAINZ  # Genius was asked first and named nobody
            found.cross_check_detail = {"only_musicbrainz": sorted({c.name for c in found.credits})}
        return found

    def _capped(self, credits: list[Credit]) -> tuple[list[Credit], str | None]:
        """At most DISCOVERY_MAX_CREDITS_PER_SONG credits, in upstream's order: a song crediting
        100,000 names would take one lock per name to the commit (the server's lock table is shared
        by every database on it) and send as many social_enrichment messages."""
        most = self.settings.discovery_max_credits_per_song
        if len(credits) <= most:
            return credits, None
        return credits[:most], (
            f"{len(credits)} credits; kept the first {most} (DISCOVERY_MAX_CREDITS_PER_SONG)"
        )

    def _musicbrainz(self, looked: Looked) -> list[Credit]:
        assert looked.isrc is not None
        credits: list[Credit] = []
        mb = musicbrainz_client(self.settings)
        looked.musicbrainz_asked = True
        for recording in mb.recordings_by_isrc(looked.isrc):
            if "relations" not in recording:
                recording = mb.recording(recording["id"])
            looked.musicbrainz_recordings.append(recording["id"])
            found = musicbrainz_credits(recording, looked.isrc)
            credits.extend(found or _release_credits(mb, recording, looked.isrc))
        # Another recording of the ISRC may credit the same person itself: that credit wins.
        on_recordings = {(c.name, c.role, c.musicbrainz_id) for c in credits if c.level == RECORDING}
        return [
            credit
            for credit in dict.fromkeys(credits)
            if credit.level == RECORDING or (credit.name, credit.role, credit.musicbrainz_id) not in on_recordings
        ]

    def _isrc_from_spotify(self, track_id: str) -> str | None:
        # Development mode gives no ISRCs in batches; look one up only when MusicBrainz needs it.
        track = spotify_client(self.settings).track(track_id)
        return (track.get("external_ids") or {}).get("isrc")

    def write(self, tx: Transaction, message: ProducerIdentification, fetched: Identified) -> None:
        store.lock_recording(tx.conn, message.recordingKey)
        # Each producer's name lock is held to the commit: taken in name order, two recordings
        # crediting the same producers in opposite orders cannot deadlock.
        kept: list[tuple[int, str, str]] = []
        asked_before: list[str] = []
        for credit in sorted(fetched.credits, key=lambda credit: normalize_name(credit.name)):
            producer_id = store.upsert_producer(tx.conn, credit)
            store.credit_recording(tx.conn, message.recordingKey, producer_id, credit)
            kept.append((producer_id, credit.source, credit.role))
            wanted = store.request_enrichment(tx.conn, producer_id, self.settings.discovery_enrichment_max_age_s)
            if wanted is not None:
                name = self.bounded_name(tx, f"producer {wanted['producerId']}'s name", wanted["producerName"])
                tx.send("social_enrichment", {**wanted, "producerName": name} | ({"refresh": True} if message.refresh else {}))
            else:
                asked_before.append(str(producer_id))
        # A producer whose enrichment a lower lane asked for first is looked up at this lane.
        tx.promote("social_enrichment", "producerId", asked_before)
        if fetched.capped:
            self.note(tx, "CreditsCapped", f"recording {message.recordingKey}: {fetched.capped}")
        # Identified again: what the source no longer lists is ended, kept in the history.
        history.end_unlisted_credits(
            tx.conn, message.recordingKey, kept, credit_source=fetched.source, genius_song_id=fetched.genius_song_id,
            outcome=fetched.outcome, credited_now=[credit.name for credit in fetched.credits],
        )
        store.mark_recording_identified(tx.conn, message.recordingKey, fetched.genius_song_id, fetched.source)
        store.record_outcome(
            tx.conn, message.recordingKey, fetched.outcome, fetched.outcome_detail,
            fetched.cross_check, fetched.cross_check_detail,
        )


def _release_credits(mb: MusicBrainz, recording: MusicBrainzRecording, isrc: str) -> list[Credit]:
    """The producer relations of the first of the recording's releases that has any."""
    for release in (recording.get("releases") or [])[:MAX_RELEASES_ASKED]:
        try:
            found = musicbrainz_release_credits(dict(mb.release(str(release["id"]))), dict(recording), isrc)
        except NotFound:
            continue
        if found:
            return found
    return []
