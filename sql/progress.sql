-- What `discovery seed --follow` watches for one artist.

-- seed_state --
-- The seed message: still queued (and how often read), archived, or dead-lettered.
SELECT
    EXISTS (SELECT 1 FROM pgmq.q_artist_discovery WHERE msg_id = %(msg_id)s) AS queued,
    (SELECT message->>'reason' FROM pgmq.q_artist_discovery_dlq
      WHERE (message->>'source_msg_id')::bigint = %(msg_id)s LIMIT 1) AS dead_reason;

-- seed_artist --
-- The artist the seed message resolved to: its artist_discovery run sent album_discovery for it.
SELECT a.spotify_id, a.name FROM artists a
WHERE a.spotify_id = %(spotify_id)s OR (%(spotify_id)s IS NULL AND lower(a.name) = lower(%(name)s))
ORDER BY a.followers DESC NULLS LAST LIMIT 1;

-- artist_progress --
-- Counts for one artist: done, waiting in each queue, failed.
SELECT
    (SELECT count(*) FROM albums WHERE artist_spotify_id = %(id)s) AS albums,
    (SELECT count(*) FROM tracks t JOIN albums a ON a.spotify_id = t.album_spotify_id
      WHERE a.artist_spotify_id = %(id)s) AS tracks,
    (SELECT count(DISTINCT r.recording_key) FROM recordings r JOIN tracks t ON t.recording_key = r.recording_key
      JOIN albums a ON a.spotify_id = t.album_spotify_id
      WHERE a.artist_spotify_id = %(id)s AND r.identified_at IS NOT NULL) AS recordings_done,
    (SELECT count(DISTINCT r.recording_key) FROM recordings r JOIN tracks t ON t.recording_key = r.recording_key
      JOIN albums a ON a.spotify_id = t.album_spotify_id
      WHERE a.artist_spotify_id = %(id)s) AS recordings_known,
    (SELECT count(DISTINCT p.id) FROM producers p JOIN track_producers tp ON tp.producer_id = p.id
      JOIN tracks t ON t.id = tp.track_id JOIN albums a ON a.spotify_id = t.album_spotify_id
      WHERE a.artist_spotify_id = %(id)s AND p.enriched_at IS NOT NULL) AS producers_enriched,
    (SELECT count(DISTINCT p.id) FROM producers p JOIN track_producers tp ON tp.producer_id = p.id
      JOIN tracks t ON t.id = tp.track_id JOIN albums a ON a.spotify_id = t.album_spotify_id
      WHERE a.artist_spotify_id = %(id)s) AS producers_known,
    (SELECT count(*) FROM pgmq.q_album_discovery WHERE message->>'artistId' = %(id)s) AS albums_waiting,
    (SELECT count(*) FROM pgmq.q_track_discovery WHERE message->>'artistId' = %(id)s) AS tracks_waiting,
    (SELECT count(*) FROM pgmq.q_producer_identification WHERE message->>'artistId' = %(id)s) AS producers_waiting,
    (SELECT count(*) FROM pgmq.q_social_enrichment s WHERE (s.message->>'producerId')::bigint IN (
        SELECT tp.producer_id FROM track_producers tp JOIN tracks t ON t.id = tp.track_id
        JOIN albums a ON a.spotify_id = t.album_spotify_id WHERE a.artist_spotify_id = %(id)s)) AS socials_waiting,
    (SELECT count(*) FROM pgmq.q_album_discovery_dlq WHERE message->'message'->>'artistId' = %(id)s)
  + (SELECT count(*) FROM pgmq.q_track_discovery_dlq WHERE message->'message'->>'artistId' = %(id)s)
  + (SELECT count(*) FROM pgmq.q_producer_identification_dlq WHERE message->'message'->>'artistId' = %(id)s)
    AS failed;
