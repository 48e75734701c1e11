-- A recording (one ISRC) can appear on several releases (a single and its album): it is
-- identified once and its credits apply to every track that carries it. Tracks without an ISRC
-- (Spotify's development mode gives none without a call per track) are keyed by artist,
-- normalised title and duration in seconds.

CREATE TABLE recordings (
    recording_key   text PRIMARY KEY,
    isrc            text,
    requested_at    timestamptz NOT NULL DEFAULT now(),
    identified_at   timestamptz,
    genius_song_id  bigint,
    credit_source   text
);

ALTER TABLE tracks ADD COLUMN recording_key text;
CREATE INDEX tracks_recording_key_idx ON tracks (recording_key);

-- When a social_enrichment message was last sent for a producer, so a producer credited on
-- many tracks is enriched once per refresh period, not once per credit.
ALTER TABLE producers ADD COLUMN enrichment_requested_at timestamptz;
