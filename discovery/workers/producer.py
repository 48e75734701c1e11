"""Producer identification, once per recording: Genius first (the hit whose primary artist and
normalised title match, never a remix or a cover), its `producer_artists` and production labels
in `custom_performances`; MusicBrainz by ISRC where Genius has no matching song or no production
credit. Credits go on every track that carries the recording; producers that were never enriched
(or not for a while) get a social_enrichment message."""

from __future__ import annotations

from dataclasses import dataclass, field

from discovery.catalog import store
from discovery.catalog.credits import Credit, choose_genius_hit, genius_credits, musicbrainz_credits
from discovery.catalog.names import search_title
from discovery.clients.genius import genius_client
from discovery.clients.musicbrainz import musicbrainz_client
from discovery.clients.spotify import spotify_client
from discovery.pgmq.messages import ProducerIdentification
from discovery.workers.base import BaseWorker, Transaction


@dataclass
class Identified:
    credits: list[Credit] = field(default_factory=list)
    genius_song_id: int | None = None
    source: str | None = None


class ProducerWorker(BaseWorker[ProducerIdentification, Identified]):
    queue = "producer_identification"
    apis = ("genius", "musicbrainz", "spotify")

    def fetch(self, message: ProducerIdentification) -> Identified:
        found = Identified()
        genius = genius_client(self.settings)
        artist = message.artistName
        hits = genius.search(f"{search_title(message.trackName)} {artist}".strip())
        hit = choose_genius_hit(hits, message.trackName, artist)
        if hit is not None:
            found.genius_song_id = int(hit["id"])
            found.credits = genius_credits(genius.song(found.genius_song_id))
            if found.credits:
                found.source = "genius"
                return found
        isrc = message.isrc or self._isrc_from_spotify(message.trackId)
        if isrc:
            credits: list[Credit] = []
            mb = musicbrainz_client(self.settings)
            for recording in mb.recordings_by_isrc(isrc):
                if "relations" not in recording:
                    recording = mb.recording(recording["id"])
                credits.extend(musicbrainz_credits(recording))
            found.credits = list(dict.fromkeys(credits))
            found.source = "musicbrainz" if found.credits else None
        return found

    def _isrc_from_spotify(self, track_id: str) -> str | None:
        # Development mode gives no ISRCs in batches; look one up only when MusicBrainz needs it.
        track = spotify_client(self.settings).track(track_id)
        return (track.get("external_ids") or {}).get("isrc")

    def write(self, tx: Transaction, message: ProducerIdentification, fetched: Identified) -> None:
        store.lock_recording(tx.conn, message.recordingKey)
        for credit in fetched.credits:
            producer_id = store.upsert_producer(tx.conn, credit)
            store.credit_recording(tx.conn, message.recordingKey, producer_id, credit)
            wanted = store.request_enrichment(tx.conn, producer_id, self.settings.discovery_enrichment_max_age_s)
            if wanted is not None:
                tx.send("social_enrichment", {"producerId": wanted[0], "producerName": wanted[1]})
        store.mark_recording_identified(tx.conn, message.recordingKey, fetched.genius_song_id, fetched.source)
