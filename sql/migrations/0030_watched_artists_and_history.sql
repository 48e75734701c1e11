-- Data that stays true: watched artists are refreshed on a cadence, recordings are identified
-- again by age, and a credit its source no longer lists is ended (kept, with when and why), not
-- overwritten. track_producers holds the credits in force (what every reader shows); its
-- created_at is when the credit was first seen. ended_credits holds the ones that ended.

-- Artists refreshed on the cadence (DISCOVERY_REFRESH_CADENCE_S): every seeded artist unless
-- DISCOVERY_WATCH_SEEDED=false, and those `discovery watch add` names.
CREATE TABLE watched_artists (
    artist_spotify_id  text PRIMARY KEY REFERENCES artists (spotify_id) ON DELETE CASCADE,
    watched_since      timestamptz NOT NULL DEFAULT now(),
    reason             text NOT NULL,
    refresh_queued_at  timestamptz,           -- when a refresh of its releases was last queued
    refreshed_at       timestamptz            -- when its releases were last listed by a refresh
);

-- Artists seeded before watching existed are watched, as a seed is now.
INSERT INTO watched_artists (artist_spotify_id, watched_since, reason)
SELECT artist_spotify_id, min(searched_at), 'seeded (before watching existed)'
FROM artist_searches WHERE outcome = 'found' AND artist_spotify_id IS NOT NULL
GROUP BY artist_spotify_id;

-- When each recording is identified again: uncredited after 7 days, then 14, 28 ... up to 180
-- (empty_checks counts the identifications in a row that found nobody); credited after 90.
ALTER TABLE recordings
    ADD COLUMN empty_checks          integer NOT NULL DEFAULT 0,
    ADD COLUMN recheck_at            timestamptz,
    ADD COLUMN recheck_requested_at  timestamptz;

UPDATE recordings SET
    empty_checks = CASE WHEN credit_source IS NULL THEN 1 ELSE 0 END,
    recheck_at = identified_at + CASE WHEN credit_source IS NULL THEN interval '7 days' ELSE interval '90 days' END
WHERE identified_at IS NOT NULL;
CREATE INDEX recordings_recheck_idx ON recordings (recheck_at);

-- A credit its source stopped listing: the credit as it was (evidence included), when it was
-- first seen, when it ended and what ended it.
CREATE TABLE ended_credits (
    id                         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    track_id                   bigint NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
    producer_id                bigint NOT NULL REFERENCES producers (id) ON DELETE CASCADE,
    source                     text NOT NULL,
    role                       text NOT NULL,
    confidence                 numeric(4, 3) NOT NULL,
    genius_song_id             bigint,
    genius_song_url            text,
    genius_section             text,
    musicbrainz_recording_id   text,
    musicbrainz_relation_type  text,
    musicbrainz_attributes     text[],
    isrc                       text,
    credited_as                text,
    source_artist_id           text,
    first_seen_at              timestamptz NOT NULL,
    ended_at                   timestamptz NOT NULL DEFAULT now(),
    ended_because              text NOT NULL,
    ended_evidence             jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX ended_credits_track_idx ON ended_credits (track_id);
CREATE INDEX ended_credits_producer_idx ON ended_credits (producer_id);
CREATE INDEX ended_credits_ended_at_idx ON ended_credits (ended_at);

-- What changed since a time, for `discovery changes` and the web page's "changes this week".
CREATE INDEX albums_created_at_idx ON albums (created_at);
CREATE INDEX tracks_created_at_idx ON tracks (created_at);
CREATE INDEX track_producers_created_at_idx ON track_producers (created_at);
CREATE INDEX producers_created_at_idx ON producers (created_at);

-- Ending a credit moves it out of track_producers; `discovery watch remove` deletes a row.
GRANT DELETE ON track_producers, watched_artists TO discovery_worker;
