-- What the platform's page (discovery web) reads beyond the catalog's own queries: the pieces of a
-- producer's page one screen at a time (a producer can hold thousands of credits), artists by name,
-- and an artist's releases. Everything here runs as discovery_reader.

-- search_artists --
-- Artists whose name contains the text, accents and case ignored (the producers' key function);
-- the exact name first, then the most followed.
SELECT a.spotify_id, a.name, a.followers,
       (SELECT count(*) FROM album_artists aa WHERE aa.artist_spotify_id = a.spotify_id) AS albums
FROM artists a
WHERE producer_name_key(a.name) LIKE '%%' || producer_name_key(%(query)s) || '%%'
ORDER BY producer_name_key(a.name) = producer_name_key(%(query)s) DESC, a.followers DESC NULLS LAST, a.name
LIMIT %(max_rows)s;

-- producer_totals --
-- How many credits, tracks and artists a producer has in all.
SELECT count(*) AS credits, count(DISTINCT tp.track_id) AS tracks,
       (SELECT count(DISTINCT aa.artist_spotify_id) FROM track_producers x JOIN tracks t ON t.id = x.track_id
        JOIN album_artists aa ON aa.album_spotify_id = t.album_spotify_id WHERE x.producer_id = %(producer_id)s) AS artists
FROM track_producers tp WHERE tp.producer_id = %(producer_id)s;

-- producer_socials_sourced --
-- A producer's social profiles with where each came from (a NULL handle: looked for, not found).
SELECT platform, handle, url, followers, verified, source, checked_at
FROM producer_socials WHERE producer_id = %(producer_id)s ORDER BY platform;

-- producer_artists_page --
-- The artists a producer worked with, the most shared tracks first, one page of them.
SELECT ar.spotify_id, ar.name, count(DISTINCT tp.track_id) AS tracks
FROM track_producers tp
JOIN tracks t ON t.id = tp.track_id
JOIN album_artists aa ON aa.album_spotify_id = t.album_spotify_id
JOIN artists ar ON ar.spotify_id = aa.artist_spotify_id
WHERE tp.producer_id = %(producer_id)s
GROUP BY ar.spotify_id, ar.name
ORDER BY count(DISTINCT tp.track_id) DESC, ar.name, ar.spotify_id
LIMIT %(max_rows)s OFFSET %(skip)s;

-- producer_credits_of_artists --
-- A producer's credits on these artists' releases, with what each rests on (the Genius song,
-- the MusicBrainz recording), by artist, then release (oldest first), then track.
SELECT aa.artist_spotify_id, al.spotify_id AS album_spotify_id, al.name AS album, al.release_date,
       t.spotify_id AS spotify_track_id, t.name AS track, tp.role, tp.source, tp.confidence,
       tp.genius_song_url, tp.musicbrainz_recording_id, tp.credited_as
FROM track_producers tp
JOIN tracks t ON t.id = tp.track_id
JOIN album_artists aa ON aa.album_spotify_id = t.album_spotify_id
JOIN albums al ON al.spotify_id = t.album_spotify_id
WHERE tp.producer_id = %(producer_id)s AND aa.artist_spotify_id = ANY(%(artist_ids)s)
ORDER BY aa.artist_spotify_id, al.release_date NULLS LAST, al.name, t.disc_number, t.track_number, tp.source, tp.role;

-- producer_top_collaborators --
-- The producers credited on the same tracks, the most shared first (the page shows the first few).
SELECT p.id, p.name, count(DISTINCT other.track_id) AS shared_tracks
FROM track_producers mine
JOIN track_producers other ON other.track_id = mine.track_id AND other.producer_id <> mine.producer_id
JOIN producers p ON p.id = other.producer_id
WHERE mine.producer_id = %(producer_id)s
GROUP BY p.id, p.name
ORDER BY count(DISTINCT other.track_id) DESC, p.name, p.id
LIMIT %(max_rows)s;

-- artist_by_spotify_id --
SELECT spotify_id, name, followers, genres, releases_total FROM artists WHERE spotify_id = %(spotify_id)s;

-- artist_tracks --
-- An artist's releases and tracks (a joint album's tracks are each of its artists'), each with
-- its recording's outcome as `discovery coverage` reads it, and its producers' ids and names.
SELECT al.spotify_id AS album_spotify_id, al.name AS album, al.release_date, al.album_type,
       t.spotify_id AS spotify_track_id, t.name AS track, t.disc_number, t.track_number,
       CASE WHEN r.identified_at IS NULL THEN 'not_attempted' ELSE COALESCE(r.outcome, 'unrecorded') END AS outcome,
       COALESCE(r.outcome_detail, '{}'::jsonb) AS detail,
       COALESCE((SELECT json_agg(json_build_object('id', p.id, 'name', p.name) ORDER BY p.name)
                 FROM (SELECT DISTINCT tp.producer_id FROM track_producers tp WHERE tp.track_id = t.id) c
                 JOIN producers p ON p.id = c.producer_id), '[]') AS producers
FROM album_artists aa
JOIN albums al ON al.spotify_id = aa.album_spotify_id
JOIN tracks t ON t.album_spotify_id = al.spotify_id
LEFT JOIN recordings r ON r.recording_key = t.recording_key
WHERE aa.artist_spotify_id = %(spotify_id)s
ORDER BY al.release_date NULLS LAST, al.name, al.spotify_id, t.disc_number, t.track_number, t.spotify_id;

-- recent_changes_known --
-- Whether the freshness work's recent_changes(since) exists in this database yet.
SELECT to_regprocedure('recent_changes(timestamptz)') IS NOT NULL;

-- recent_changes --
SELECT changed_at, kind, artist, track, producer, source FROM recent_changes(%(since)s)
ORDER BY changed_at DESC LIMIT %(max_rows)s;

-- reader_check --
-- Who the page reads as, and whether it may write anywhere (it must not).
SELECT current_user,
       EXISTS (SELECT 1 FROM pg_tables WHERE schemaname IN ('public', 'pgmq')
               AND (has_table_privilege(format('%%I.%%I', schemaname, tablename), 'INSERT')
                    OR has_table_privilege(format('%%I.%%I', schemaname, tablename), 'UPDATE')
                    OR has_table_privilege(format('%%I.%%I', schemaname, tablename), 'DELETE')));
