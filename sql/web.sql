-- What the platform's page (discovery web) reads beyond the catalog's own queries: the pieces of a
-- producer's page one screen at a time (a producer can hold thousands of credits), artists by name,
-- and an artist's releases. Everything here runs as discovery_reader.

-- search_artists --
-- Artists whose name contains the text, accents and case ignored (the producers' key, through the
-- trigram index of migration 0071); the exact name first, then the most followed.
SELECT a.spotify_id, a.name, a.followers,
       (SELECT count(*) FROM album_artists aa WHERE aa.artist_spotify_id = a.spotify_id) AS albums
FROM artists a
WHERE artist_name_key(a.name) LIKE '%%' || producer_name_key(%(query)s) || '%%'
ORDER BY artist_name_key(a.name) = producer_name_key(%(query)s) DESC, a.followers DESC NULLS LAST, a.name
LIMIT %(max_rows)s;

-- producer_totals --
-- How many credits and tracks a producer has in all (an index-only scan of their credits).
SELECT count(*) AS credits, count(DISTINCT track_id) AS tracks FROM track_producers WHERE producer_id = %(producer_id)s;

-- producer_socials_sourced --
-- A producer's social profiles with where each came from (a NULL handle: looked for, not found).
SELECT platform, handle, url, followers, verified, source, checked_at
FROM producer_socials WHERE producer_id = %(producer_id)s ORDER BY platform;

-- producer_artists --
-- Every artist a producer worked with and how many of their tracks, the most first: the
-- producer's tracks counted per album, then the albums' artists (a joint album counts for each).
SELECT ar.spotify_id, ar.name, ranked.tracks
FROM (
    SELECT aa.artist_spotify_id, sum(per_album.tracks)::bigint AS tracks
    FROM (
        SELECT t.album_spotify_id, count(*) AS tracks
        FROM (SELECT DISTINCT track_id FROM track_producers WHERE producer_id = %(producer_id)s) mine
        JOIN tracks t ON t.id = mine.track_id
        GROUP BY t.album_spotify_id
    ) per_album
    JOIN album_artists aa ON aa.album_spotify_id = per_album.album_spotify_id
    GROUP BY aa.artist_spotify_id
) ranked
JOIN artists ar ON ar.spotify_id = ranked.artist_spotify_id
ORDER BY ranked.tracks DESC, ar.name, ar.spotify_id;

-- producer_credits_of_artists --
-- A producer's credits on these artists' releases, with what each rests on (the Genius song,
-- the MusicBrainz recording), by release (oldest first), then track; read from the artists'
-- tracks, so a page of a producer with thousands of credits reads only that page's.
SELECT aa.artist_spotify_id, al.spotify_id AS album_spotify_id, al.name AS album, al.release_date,
       t.spotify_id AS spotify_track_id, t.name AS track, tp.role, tp.source, tp.confidence,
       tp.genius_song_url, tp.musicbrainz_recording_id, tp.credited_as
FROM album_artists aa
JOIN albums al ON al.spotify_id = aa.album_spotify_id
JOIN tracks t ON t.album_spotify_id = aa.album_spotify_id
JOIN track_producers tp ON tp.track_id = t.id AND tp.producer_id = %(producer_id)s
WHERE aa.artist_spotify_id = ANY(%(artist_ids)s)
ORDER BY aa.artist_spotify_id, al.release_date NULLS LAST, al.name, t.disc_number, t.track_number, tp.source, tp.role;

-- producer_top_collaborators --
-- The producers credited on the same tracks, the most shared first (the page shows the first few).
SELECT p.id, p.name, shared.tracks AS shared_tracks
FROM (
    SELECT other.producer_id, count(*) AS tracks
    FROM (SELECT DISTINCT o.track_id, o.producer_id
          FROM track_producers mine JOIN track_producers o ON o.track_id = mine.track_id
          WHERE mine.producer_id = %(producer_id)s AND o.producer_id <> %(producer_id)s) other
    GROUP BY other.producer_id
    ORDER BY count(*) DESC, other.producer_id
    LIMIT %(max_rows)s
) shared
JOIN producers p ON p.id = shared.producer_id
ORDER BY shared.tracks DESC, p.name, p.id;

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
-- Whether the freshness work's recent_changes(since, max_rows) exists in this database yet.
SELECT to_regprocedure('recent_changes(timestamptz, integer)') IS NOT NULL;

-- recent_changes --
SELECT changed_at, kind, artist, track, producer, source FROM recent_changes(%(since)s, %(max_rows)s);

-- reader_check --
-- Who the page reads as, and whether it may write anywhere (it must not).
SELECT current_user,
       EXISTS (SELECT 1 FROM pg_tables WHERE schemaname IN ('public', 'pgmq')
               AND (has_table_privilege(format('%%I.%%I', schemaname, tablename), 'INSERT')
                    OR has_table_privilege(format('%%I.%%I', schemaname, tablename), 'UPDATE')
                    OR has_table_privilege(format('%%I.%%I', schemaname, tablename), 'DELETE')));
