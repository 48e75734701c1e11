-- What `discovery seed --follow` watches for one artist.

-- seed_artist --
-- The artist the seed message resolved to: its artist_discovery run sent album_discovery for it.
-- (Only for messages archived before artist_searches recorded what each one resolved to.)
SELECT a.spotify_id, a.name, a.releases_total FROM artists a
WHERE a.spotify_id = %(spotify_id)s OR (%(spotify_id)s IS NULL AND a.name = %(name)s)
ORDER BY a.followers DESC NULLS LAST LIMIT 1;

-- artist_by_id --
-- The artist a seed resolved to (artist_searches says which).
SELECT spotify_id, name, releases_total FROM artists WHERE spotify_id = %(spotify_id)s;

-- artist_progress --
-- Counts for one artist (through album_artists: a joint album counts for each of its artists),
-- and the keys its work in flight carries: its albums, its recordings not identified yet.
SELECT
    (SELECT count(*) FROM album_artists WHERE artist_spotify_id = %(id)s) AS albums,
    (SELECT count(*) FROM tracks t JOIN album_artists a ON a.album_spotify_id = t.album_spotify_id
      WHERE a.artist_spotify_id = %(id)s) AS tracks,
    (SELECT count(DISTINCT r.recording_key) FROM recordings r JOIN tracks t ON t.recording_key = r.recording_key
      JOIN album_artists a ON a.album_spotify_id = t.album_spotify_id
      WHERE a.artist_spotify_id = %(id)s AND r.identified_at IS NOT NULL) AS recordings_done,
    (SELECT count(DISTINCT r.recording_key) FROM recordings r JOIN tracks t ON t.recording_key = r.recording_key
      JOIN album_artists a ON a.album_spotify_id = t.album_spotify_id
      WHERE a.artist_spotify_id = %(id)s) AS recordings_known,
    (SELECT count(DISTINCT p.id) FROM producers p JOIN track_producers tp ON tp.producer_id = p.id
      JOIN tracks t ON t.id = tp.track_id JOIN album_artists a ON a.album_spotify_id = t.album_spotify_id
      WHERE a.artist_spotify_id = %(id)s AND p.enriched_at IS NOT NULL) AS producers_enriched,
    (SELECT count(DISTINCT p.id) FROM producers p JOIN track_producers tp ON tp.producer_id = p.id
      JOIN tracks t ON t.id = tp.track_id JOIN album_artists a ON a.album_spotify_id = t.album_spotify_id
      WHERE a.artist_spotify_id = %(id)s) AS producers_known,
    (SELECT array_agg(DISTINCT tp.producer_id::text) FROM track_producers tp
      JOIN tracks t ON t.id = tp.track_id JOIN album_artists a ON a.album_spotify_id = t.album_spotify_id
      WHERE a.artist_spotify_id = %(id)s) AS producer_ids,
    (SELECT array_agg(album_spotify_id) FROM album_artists WHERE artist_spotify_id = %(id)s) AS album_ids,
    (SELECT array_agg(DISTINCT r.recording_key) FROM recordings r JOIN tracks t ON t.recording_key = r.recording_key
      JOIN album_artists a ON a.album_spotify_id = t.album_spotify_id
      WHERE a.artist_spotify_id = %(id)s AND r.identified_at IS NULL) AS pending_recordings;
