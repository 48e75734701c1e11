-- What changed since a time: new releases and tracks, credits first seen, credits ended and new
-- producers, one row per change and per artist owning the album (a joint album's change is each
-- of its artists'). `discovery changes` and the web page read this function.
-- A credit is one per recording (an album track and its single are one): it is new when no track
-- of its recording had it before `since`, and its row names the first track that had it.

CREATE FUNCTION recent_changes(since timestamptz)
RETURNS TABLE (changed_at timestamptz, kind text, artist text, track text, producer text, source text,
               album text, role text, detail text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF since IS NULL THEN
        RAISE EXCEPTION 'recent_changes: since must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    RETURN QUERY
    WITH owners AS (
        SELECT aa.album_spotify_id, ar.name
        FROM album_artists aa JOIN artists ar ON ar.spotify_id = aa.artist_spotify_id
    ), touched AS (
        -- Recordings with a credit row written since: the only ones that can hold a new credit
        -- (a track without a recording key is a recording of its own).
        SELECT DISTINCT t.recording_key, t.spotify_id
        FROM track_producers tp JOIN tracks t ON t.id = tp.track_id
        WHERE tp.created_at >= since
    ), touched_tracks AS (
        SELECT t.id, t.recording_key AS rec FROM tracks t
        WHERE t.recording_key IN (SELECT recording_key FROM touched)
        UNION
        SELECT t.id, t.spotify_id FROM tracks t
        WHERE t.recording_key IS NULL AND t.spotify_id IN (SELECT spotify_id FROM touched WHERE recording_key IS NULL)
    ), new_credits AS (
        SELECT min(tp.created_at) AS first_seen, tp.producer_id, tp.source, tp.role,
               (array_agg(tp.track_id ORDER BY tp.created_at, tp.track_id))[1] AS track_id
        FROM touched_tracks tt JOIN track_producers tp ON tp.track_id = tt.id
        GROUP BY tt.rec, tp.producer_id, tp.source, tp.role
        HAVING min(tp.created_at) >= since
    ), ended AS (
        SELECT e.ended_at, e.producer_id, e.source, e.role, min(e.ended_because) AS why,
               min(e.track_id) AS track_id
        FROM ended_credits e JOIN tracks t ON t.id = e.track_id
        WHERE e.ended_at >= since
        GROUP BY coalesce(t.recording_key, t.spotify_id), e.ended_at, e.producer_id, e.source, e.role
    ), new_producers AS (
        SELECT p.id FROM producers p WHERE p.created_at >= since
    ), first_credits AS (
        -- Where each new producer was first credited (a credit in force, or one ended since).
        SELECT DISTINCT ON (c.producer_id) c.producer_id, c.track_id, c.source
        FROM (SELECT tp.producer_id, tp.track_id, tp.source, tp.created_at AS seen FROM track_producers tp
              WHERE tp.producer_id IN (SELECT id FROM new_producers)
              UNION ALL
              SELECT e.producer_id, e.track_id, e.source, e.first_seen_at FROM ended_credits e
              WHERE e.producer_id IN (SELECT id FROM new_producers)) c
        ORDER BY c.producer_id, c.seen, c.track_id
    )
    SELECT a.created_at, 'new_release'::text, o.name, NULL::text, NULL::text, 'spotify'::text, a.name,
           NULL::text, a.album_type
    FROM albums a JOIN owners o ON o.album_spotify_id = a.spotify_id
    WHERE a.created_at >= since
    UNION ALL
    SELECT t.created_at, 'new_track', o.name, t.name, NULL, 'spotify', a.name, NULL, NULL
    FROM tracks t JOIN albums a ON a.spotify_id = t.album_spotify_id JOIN owners o ON o.album_spotify_id = a.spotify_id
    WHERE t.created_at >= since
    UNION ALL
    SELECT n.first_seen, 'new_credit', o.name, t.name, p.name, n.source, a.name, n.role, NULL
    FROM new_credits n JOIN tracks t ON t.id = n.track_id JOIN albums a ON a.spotify_id = t.album_spotify_id
    JOIN owners o ON o.album_spotify_id = a.spotify_id JOIN producers p ON p.id = n.producer_id
    UNION ALL
    SELECT e.ended_at, 'ended_credit', o.name, t.name, p.name, e.source, a.name, e.role, e.why
    FROM ended e JOIN tracks t ON t.id = e.track_id JOIN albums a ON a.spotify_id = t.album_spotify_id
    JOIN owners o ON o.album_spotify_id = a.spotify_id JOIN producers p ON p.id = e.producer_id
    UNION ALL
    SELECT p.created_at, 'new_producer', o.name, t.name, p.name, f.source, a.name, NULL, NULL
    FROM producers p JOIN first_credits f ON f.producer_id = p.id JOIN tracks t ON t.id = f.track_id
    JOIN albums a ON a.spotify_id = t.album_spotify_id JOIN owners o ON o.album_spotify_id = a.spotify_id
    ORDER BY 1, 2, 3, 4, 5;
END;
$$;
