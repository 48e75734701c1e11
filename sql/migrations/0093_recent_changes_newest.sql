-- The newest changes for a page that shows a few (`discovery web`'s home page). recent_changes(since)
-- computes every change since `since` (at 800,000 credits stored this week it reads them all:
-- seconds a page); this reads only the newest `max_rows` rows of each kind through the created_at
-- indexes. A credit row that is not a new credit (one copied onto another track of a recording
-- that had it before `since`) is not shown, so a page may show fewer new credits than the full
-- list has among its newest; every row shown is one recent_changes(since) also lists.
CREATE INDEX IF NOT EXISTS ended_credits_ended_at_idx ON ended_credits (ended_at);

CREATE FUNCTION recent_changes(since timestamptz, max_rows integer)
RETURNS TABLE (changed_at timestamptz, kind text, artist text, track text, producer text, source text,
               album text, role text, detail text)
LANGUAGE sql STABLE AS $$
    WITH owners AS (
        SELECT aa.album_spotify_id, ar.name
        FROM album_artists aa JOIN artists ar ON ar.spotify_id = aa.artist_spotify_id
    ), albums_new AS (
        SELECT * FROM albums a WHERE a.created_at >= since ORDER BY a.created_at DESC LIMIT max_rows
    ), tracks_new AS (
        SELECT * FROM tracks t WHERE t.created_at >= since ORDER BY t.created_at DESC LIMIT max_rows
    ), credit_rows AS (
        SELECT tp.* FROM track_producers tp WHERE tp.created_at >= since ORDER BY tp.created_at DESC LIMIT max_rows
    ), credits_new AS (
        -- A credit row is a new credit when no track of its recording had it before: its first row.
        SELECT c.* FROM credit_rows c JOIN tracks t ON t.id = c.track_id
        WHERE NOT EXISTS (
            SELECT 1 FROM tracks t2 JOIN track_producers tp2 ON tp2.track_id = t2.id
            WHERE (t2.recording_key = t.recording_key OR (t.recording_key IS NULL AND t2.id = t.id))
              AND tp2.producer_id = c.producer_id AND tp2.source = c.source AND tp2.role = c.role
              AND (tp2.created_at, tp2.track_id) < (c.created_at, c.track_id))
    ), ended_new AS (
        SELECT * FROM ended_credits e WHERE e.ended_at >= since ORDER BY e.ended_at DESC LIMIT max_rows
    ), producers_new AS (
        SELECT p.*, f.track_id, f.source AS first_source
        FROM (SELECT * FROM producers p WHERE p.created_at >= since ORDER BY p.created_at DESC LIMIT max_rows) p
        JOIN LATERAL (SELECT tp.track_id, tp.source FROM track_producers tp WHERE tp.producer_id = p.id
                      ORDER BY tp.created_at, tp.track_id LIMIT 1) f ON true
    ), changes AS (
        SELECT a.created_at, 'new_release'::text AS kind, o.name AS artist, NULL::text AS track,
               NULL::text AS producer, 'spotify'::text AS source, a.name AS album, NULL::text AS role,
               a.album_type AS detail
        FROM albums_new a JOIN owners o ON o.album_spotify_id = a.spotify_id
        UNION ALL
        SELECT t.created_at, 'new_track', o.name, t.name, NULL, 'spotify', a.name, NULL, NULL
        FROM tracks_new t JOIN albums a ON a.spotify_id = t.album_spotify_id
        JOIN owners o ON o.album_spotify_id = a.spotify_id
        UNION ALL
        SELECT n.created_at, 'new_credit', o.name, t.name, p.name, n.source, a.name, n.role, NULL
        FROM credits_new n JOIN tracks t ON t.id = n.track_id JOIN albums a ON a.spotify_id = t.album_spotify_id
        JOIN owners o ON o.album_spotify_id = a.spotify_id JOIN producers p ON p.id = n.producer_id
        UNION ALL
        SELECT e.ended_at, 'ended_credit', o.name, t.name, p.name, e.source, a.name, e.role, e.ended_because
        FROM ended_new e JOIN tracks t ON t.id = e.track_id JOIN albums a ON a.spotify_id = t.album_spotify_id
        JOIN owners o ON o.album_spotify_id = a.spotify_id JOIN producers p ON p.id = e.producer_id
        UNION ALL
        SELECT p.created_at, 'new_producer', o.name, t.name, p.name, p.first_source, a.name, NULL, NULL
        FROM producers_new p JOIN tracks t ON t.id = p.track_id JOIN albums a ON a.spotify_id = t.album_spotify_id
        JOIN owners o ON o.album_spotify_id = a.spotify_id
    )
    SELECT * FROM changes c ORDER BY c.created_at DESC, c.kind, c.artist, c.track, c.producer LIMIT max_rows
$$;
