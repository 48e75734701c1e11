-- What `discovery coverage` and the exporter read: every track's outcome and credits per source.

-- track_outcomes --
-- Each of an artist's tracks (or every track), with its recording's outcome and its credits by source.
SELECT t.spotify_id, t.name, a.name, a.artist_spotify_id,
       CASE WHEN r.identified_at IS NULL THEN 'not_attempted' ELSE COALESCE(r.outcome, 'unrecorded') END,
       COALESCE(r.outcome_detail, '{}'::jsonb), r.cross_check, COALESCE(r.cross_check_detail, '{}'::jsonb),
       (SELECT count(*) FROM track_producers tp WHERE tp.track_id = t.id AND tp.source = 'genius'),
       (SELECT count(*) FROM track_producers tp WHERE tp.track_id = t.id AND tp.source = 'musicbrainz')
FROM tracks t
JOIN albums a ON a.spotify_id = t.album_spotify_id
LEFT JOIN recordings r ON r.recording_key = t.recording_key
WHERE %(spotify_id)s::text IS NULL
   OR EXISTS (SELECT 1 FROM album_artists aa  -- a joint album's tracks are each of its artists'
              WHERE aa.album_spotify_id = t.album_spotify_id AND aa.artist_spotify_id = %(spotify_id)s)
ORDER BY a.artist_spotify_id, a.release_date NULLS LAST, a.name, t.disc_number, t.track_number, t.spotify_id;

-- outcome_totals --
-- Tracks per outcome, over every artist.
SELECT CASE WHEN r.identified_at IS NULL THEN 'not_attempted' ELSE COALESCE(r.outcome, 'unrecorded') END AS outcome,
       count(*)
FROM tracks t LEFT JOIN recordings r ON r.recording_key = t.recording_key
GROUP BY 1;

-- credit_totals --
-- Credits and credited tracks per source, over every artist.
SELECT source, count(*), count(DISTINCT track_id) FROM track_producers GROUP BY source;

-- cross_check_totals --
-- Recordings per cross-check verdict.
SELECT cross_check, count(*) FROM recordings WHERE cross_check IS NOT NULL GROUP BY cross_check;
