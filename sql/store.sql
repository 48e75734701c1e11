-- The domain writes, by name. Every write is an upsert: a message delivered again adds nothing.

-- upsert_album --
-- Insert or refresh an album by Spotify id; whether it is new, and the artist it was first
-- discovered for (its tracks are fetched for that artist).
INSERT INTO albums (spotify_id, artist_spotify_id, name, album_type, album_group, release_date,
                    release_date_precision, total_tracks, label, upc)
VALUES (%(spotify_id)s, %(artist_spotify_id)s, %(name)s, %(album_type)s, %(album_group)s, %(release_date)s,
        %(release_date_precision)s, %(total_tracks)s, %(label)s, %(upc)s)
ON CONFLICT (spotify_id) DO UPDATE SET
    name = EXCLUDED.name,
    album_type = EXCLUDED.album_type,
    album_group = COALESCE(EXCLUDED.album_group, albums.album_group),
    release_date = EXCLUDED.release_date,
    release_date_precision = EXCLUDED.release_date_precision,
    total_tracks = EXCLUDED.total_tracks,
    label = COALESCE(EXCLUDED.label, albums.label),
    upc = COALESCE(EXCLUDED.upc, albums.upc),
    updated_at = now()
RETURNING (xmax = 0) AS created, artist_spotify_id;

-- ensure_artist --
-- The artist an album page was asked for, when no artist_discovery stored it first (an
-- album_discovery message sent by hand, or read before its artist's message): name only, and
-- an artist already stored is left as it is.
INSERT INTO artists (spotify_id, name) VALUES (%(spotify_id)s, %(name)s)
ON CONFLICT (spotify_id) DO NOTHING;

-- known_albums --
-- Which of these albums are stored already (a refresh fetches only the others in full).
SELECT spotify_id FROM albums WHERE spotify_id = ANY(%(spotify_ids)s);

-- link_album_artist --
-- The artist owns the album (a joint album is owned by each of its artists); true when the
-- link is new.
INSERT INTO album_artists (album_spotify_id, artist_spotify_id, position)
VALUES (%(album_spotify_id)s, %(artist_spotify_id)s, %(position)s)
ON CONFLICT (album_spotify_id, artist_spotify_id) DO NOTHING
RETURNING true;

-- lock_recording --
-- Lock a recording's row for the transaction (serialises credit writes with new tracks).
SELECT recording_key FROM recordings WHERE recording_key = %(recording_key)s FOR UPDATE;

-- mark_recording_identified --
-- Remember that (and how) a recording was identified, and when to identify it again: credited,
-- after %(credited_s)s; uncredited, after %(uncredited_first_s)s doubled for each identification in
-- a row that found nobody, at most %(uncredited_max_s)s (catalog/history.py has the defaults).
UPDATE recordings SET identified_at = now(), genius_song_id = %(genius_song_id)s, credit_source = %(credit_source)s,
    empty_checks = CASE WHEN %(credit_source)s::text IS NULL THEN empty_checks + 1 ELSE 0 END,
    recheck_at = now() + make_interval(secs => CASE WHEN %(credit_source)s::text IS NULL
        THEN least(%(uncredited_first_s)s * power(2, least(empty_checks, 30)), %(uncredited_max_s)s)
        ELSE %(credited_s)s END)
WHERE recording_key = %(recording_key)s;

-- request_recordings --
-- A page's recordings in one statement, locked in key order (two pages sharing recordings
-- cannot deadlock); one row per key, true for each that is new (so it needs identifying).
INSERT INTO recordings AS r (recording_key, isrc)
SELECT DISTINCT ON (page.recording_key) page.recording_key, page.isrc
FROM jsonb_to_recordset(%(recordings)s) AS page(recording_key text, isrc text)
ORDER BY page.recording_key, page.isrc NULLS LAST
ON CONFLICT (recording_key) DO UPDATE SET isrc = COALESCE(r.isrc, EXCLUDED.isrc)
RETURNING recording_key, (xmax = 0) AS created;

-- upsert_tracks --
-- A page of tracks in one statement, in Spotify id order; returns each row's id by Spotify id.
INSERT INTO tracks (spotify_id, album_spotify_id, name, isrc, disc_number, track_number, duration_ms,
                    explicit, artist_names, recording_key)
SELECT DISTINCT ON (page.spotify_id) page.spotify_id, %(album_spotify_id)s, page.name, page.isrc,
       page.disc_number, page.track_number, page.duration_ms, page.explicit,
       ARRAY(SELECT jsonb_array_elements_text(page.artist_names)), page.recording_key
FROM jsonb_to_recordset(%(tracks)s) AS page(spotify_id text, name text, isrc text, disc_number integer,
     track_number integer, duration_ms integer, explicit boolean, artist_names jsonb, recording_key text)
ORDER BY page.spotify_id
ON CONFLICT (spotify_id) DO UPDATE SET
    name = EXCLUDED.name,
    isrc = COALESCE(EXCLUDED.isrc, tracks.isrc),
    disc_number = EXCLUDED.disc_number,
    track_number = EXCLUDED.track_number,
    duration_ms = EXCLUDED.duration_ms,
    explicit = EXCLUDED.explicit,
    artist_names = EXCLUDED.artist_names,
    recording_key = EXCLUDED.recording_key,
    updated_at = now()
RETURNING spotify_id, id;

-- copy_recordings_credits --
-- Give each of these tracks the credits its recording already has (found on another release),
-- first seen when the recording's credit was (catalog/history: a credit is the recording's).
INSERT INTO track_producers (track_id, producer_id, source, role, confidence, genius_song_id, genius_song_url,
    genius_section, musicbrainz_recording_id, musicbrainz_relation_type, musicbrainz_attributes, isrc,
    credited_as, source_artist_id, created_at)
SELECT t.id, tp.producer_id, tp.source, tp.role, tp.confidence, tp.genius_song_id, tp.genius_song_url,
    tp.genius_section, tp.musicbrainz_recording_id, tp.musicbrainz_relation_type, tp.musicbrainz_attributes,
    tp.isrc, tp.credited_as, tp.source_artist_id, tp.created_at
FROM tracks t
JOIN tracks other ON other.recording_key = t.recording_key AND other.id <> t.id
JOIN track_producers tp ON tp.track_id = other.id
WHERE t.id = ANY(%(track_ids)s)
ON CONFLICT DO NOTHING;

-- credit_recording --
-- One credit on every track that carries the recording.
-- With its evidence (the first recording that gave it, when two give the same credit).
INSERT INTO track_producers (track_id, producer_id, source, role, confidence, genius_song_id, genius_song_url,
    genius_section, musicbrainz_recording_id, musicbrainz_relation_type, musicbrainz_attributes, isrc,
    credited_as, source_artist_id, musicbrainz_release_id, musicbrainz_release_title)
SELECT t.id, %(producer_id)s, %(source)s, %(role)s, %(confidence)s, %(genius_song_id)s, %(genius_song_url)s,
    %(genius_section)s, %(musicbrainz_recording_id)s, %(musicbrainz_relation_type)s, %(musicbrainz_attributes)s,
    %(isrc)s, %(credited_as)s, %(source_artist_id)s, %(musicbrainz_release_id)s, %(musicbrainz_release_title)s
FROM tracks t WHERE t.recording_key = %(recording_key)s
ON CONFLICT (track_id, producer_id, source, role) DO UPDATE SET
    confidence = EXCLUDED.confidence,
    genius_song_id = COALESCE(track_producers.genius_song_id, EXCLUDED.genius_song_id),
    genius_song_url = COALESCE(track_producers.genius_song_url, EXCLUDED.genius_song_url),
    genius_section = COALESCE(track_producers.genius_section, EXCLUDED.genius_section),
    musicbrainz_recording_id = COALESCE(track_producers.musicbrainz_recording_id, EXCLUDED.musicbrainz_recording_id),
    musicbrainz_relation_type = COALESCE(track_producers.musicbrainz_relation_type, EXCLUDED.musicbrainz_relation_type),
    musicbrainz_attributes = COALESCE(track_producers.musicbrainz_attributes, EXCLUDED.musicbrainz_attributes),
    isrc = COALESCE(track_producers.isrc, EXCLUDED.isrc),
    credited_as = COALESCE(track_producers.credited_as, EXCLUDED.credited_as),
    source_artist_id = COALESCE(track_producers.source_artist_id, EXCLUDED.source_artist_id),
    musicbrainz_release_id = COALESCE(track_producers.musicbrainz_release_id, EXCLUDED.musicbrainz_release_id),
    musicbrainz_release_title = COALESCE(track_producers.musicbrainz_release_title, EXCLUDED.musicbrainz_release_title);

-- request_enrichment --
-- A row when the producer needs a social_enrichment message now: never asked, asked longer ago
-- than the refresh age, or asked before it gained an identity (adopt_source_id); with the
-- identities it has now.
UPDATE producers SET enrichment_requested_at = now()
WHERE id = %(producer_id)s
  AND (enrichment_requested_at IS NULL OR enrichment_requested_at < now() - make_interval(secs => %(max_age_s)s))
RETURNING id, name, array_remove(ARRAY[CASE WHEN genius_id IS NOT NULL THEN 'genius' END,
                                       CASE WHEN musicbrainz_id IS NOT NULL THEN 'musicbrainz' END], NULL);

-- producer_for_enrichment --
SELECT id, name, genius_id, musicbrainz_id FROM producers WHERE id = %(producer_id)s;

-- record_outcome --
-- One outcome per recording (see catalog/outcomes.py), replaced when it is identified again.
UPDATE recordings SET outcome = %(outcome)s, outcome_detail = %(detail)s,
    cross_check = %(cross_check)s, cross_check_detail = %(cross_check_detail)s
WHERE recording_key = %(recording_key)s;

-- upsert_social --
-- One platform's profile for a producer; handle NULL records "looked, none found" with the time.
-- A handle found again keeps when it was first seen; one the source no longer lists is ended.
WITH previous AS (
    SELECT producer_id, platform, handle, url, followers, source, handle_since FROM producer_socials
    WHERE producer_id = %(producer_id)s AND platform = %(platform)s
), ended AS (
    INSERT INTO ended_socials (producer_id, platform, handle, url, followers, source, first_seen_at, ended_because)
    SELECT producer_id, platform, handle, url, followers, source, handle_since,
           CASE WHEN %(handle)s::text IS NULL THEN %(source)s || ' no longer lists ' || handle
                ELSE %(source)s || ' lists ' || %(handle)s::text || ' instead of ' || handle END
    FROM previous WHERE handle IS NOT NULL AND handle IS DISTINCT FROM %(handle)s::text
)
INSERT INTO producer_socials (producer_id, platform, handle, url, followers, verified, biography, external_url, source,
                              evidence, checked_at, handle_since)
VALUES (%(producer_id)s, %(platform)s, %(handle)s, %(url)s, %(followers)s, %(verified)s, %(biography)s,
        %(external_url)s, %(source)s, %(evidence)s, now(), CASE WHEN %(handle)s::text IS NULL THEN NULL ELSE now() END)
ON CONFLICT (producer_id, platform) DO UPDATE SET
    handle = EXCLUDED.handle, url = EXCLUDED.url, followers = EXCLUDED.followers, verified = EXCLUDED.verified,
    biography = EXCLUDED.biography, external_url = EXCLUDED.external_url, source = EXCLUDED.source,
    evidence = EXCLUDED.evidence, checked_at = now(),
    handle_since = CASE WHEN producer_socials.handle IS NOT DISTINCT FROM EXCLUDED.handle
                        THEN producer_socials.handle_since ELSE EXCLUDED.handle_since END;

-- mark_enriched --
UPDATE producers SET enriched_at = now(), genius_url = COALESCE(%(genius_url)s, genius_url), updated_at = now()
WHERE id = %(producer_id)s;

-- artist_name --
SELECT name FROM artists WHERE spotify_id = %(spotify_id)s;
