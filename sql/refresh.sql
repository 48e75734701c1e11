-- What catalog/watching.py and catalog/refresh.py read and write: watched artists, and the
-- refresh work that is due (an artist's releases listed again, a recording identified again).

-- watch --
-- Watch an artist (true when it was not watched yet).
INSERT INTO watched_artists (artist_spotify_id, reason) VALUES (%(spotify_id)s, %(reason)s)
ON CONFLICT (artist_spotify_id) DO NOTHING
RETURNING true;

-- unwatch --
DELETE FROM watched_artists WHERE artist_spotify_id = %(spotify_id)s RETURNING true;

-- watched --
-- Every watched artist with its last refresh and when the next is due.
SELECT a.name, w.artist_spotify_id, w.watched_since, w.reason, w.refreshed_at, w.refresh_queued_at,
       coalesce(w.refreshed_at, w.watched_since) + make_interval(secs => %(cadence_s)s) AS next_refresh
FROM watched_artists w JOIN artists a ON a.spotify_id = w.artist_spotify_id
ORDER BY lower(a.name), w.artist_spotify_id;

-- mark_refreshed --
-- A refresh listed the artist's releases to the end.
UPDATE watched_artists SET refreshed_at = now() WHERE artist_spotify_id = %(spotify_id)s;

-- due_artists --
-- Watched artists whose releases were last listed longer than a cadence ago (or never by a
-- refresh) and that no refresh queued since (one queued a day ago and never finished is queued
-- again); the longest waiting first.
SELECT w.artist_spotify_id FROM watched_artists w
WHERE coalesce(w.refreshed_at, w.watched_since) <= now() - make_interval(secs => %(cadence_s)s)
  AND (w.refresh_queued_at IS NULL OR w.refresh_queued_at < coalesce(w.refreshed_at, w.watched_since)
       OR w.refresh_queued_at < now() - interval '1 day')
ORDER BY coalesce(w.refreshed_at, w.watched_since), w.artist_spotify_id
LIMIT %(limit)s;

-- all_watched --
SELECT artist_spotify_id FROM watched_artists ORDER BY artist_spotify_id;

-- mark_refresh_queued --
UPDATE watched_artists SET refresh_queued_at = now() WHERE artist_spotify_id = ANY(%(spotify_ids)s);

-- due_recordings --
-- Identified recordings of watched artists (or of the artists named, when %(spotify_ids)s is not
-- NULL) whose time to be identified again has come and that no check queued since (one queued a
-- day ago and never finished is queued again); with %(regardless)s, every identified one.
SELECT r.recording_key FROM recordings r
WHERE r.identified_at IS NOT NULL
  AND (%(regardless)s OR (r.recheck_at <= now()
       AND (r.recheck_requested_at IS NULL OR r.recheck_requested_at < r.identified_at
            OR r.recheck_requested_at < now() - interval '1 day')))
  AND EXISTS (
      SELECT 1 FROM tracks t JOIN album_artists aa ON aa.album_spotify_id = t.album_spotify_id
      WHERE t.recording_key = r.recording_key
        AND (CASE WHEN %(spotify_ids)s::text[] IS NULL
                  THEN aa.artist_spotify_id IN (SELECT artist_spotify_id FROM watched_artists)
                  ELSE aa.artist_spotify_id = ANY(%(spotify_ids)s::text[]) END))
ORDER BY r.recheck_at NULLS FIRST, r.recording_key
LIMIT %(limit)s;

-- recording_messages --
-- The producer_identification message of each recording, from its first track: the artist it
-- was discovered for (the album's first discoverer) names it, as the track worker's message does.
SELECT DISTINCT ON (r.recording_key) r.recording_key, t.spotify_id, t.name, al.artist_spotify_id, ar.name, r.isrc
FROM recordings r
JOIN tracks t ON t.recording_key = r.recording_key
JOIN albums al ON al.spotify_id = t.album_spotify_id
JOIN artists ar ON ar.spotify_id = al.artist_spotify_id
WHERE r.recording_key = ANY(%(keys)s)
ORDER BY r.recording_key, t.id;

-- mark_recheck_requested --
UPDATE recordings SET recheck_requested_at = now() WHERE recording_key = ANY(%(keys)s);

-- refresh_due_counts --
-- For `discovery status`: watched artists, those due a refresh, recordings due a check, and the
-- artists and recordings refreshed today (UTC).
SELECT (SELECT count(*) FROM watched_artists),
       (SELECT count(*) FROM watched_artists w
        WHERE coalesce(w.refreshed_at, w.watched_since) <= now() - make_interval(secs => %(cadence_s)s)),
       (SELECT count(*) FROM recordings r WHERE r.recheck_at <= now()),
       (SELECT count(*) FROM watched_artists w WHERE w.refreshed_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'),
       (SELECT count(*) FROM recordings r
        WHERE r.recheck_requested_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
          AND r.identified_at > r.recheck_requested_at);
