-- What `discovery report` reads.

-- find_artist --
-- Artists whose name matches (case-insensitively): the one spelled exactly so first, then the one
-- a search for this name chose last, then the most followed.
SELECT spotify_id, name FROM artists a
WHERE lower(name) = lower(%(name)s) OR spotify_id = %(name)s
ORDER BY (name = %(name)s) DESC,
         EXISTS (SELECT 1 FROM artist_searches s
                 WHERE s.artist_spotify_id = a.spotify_id AND lower(s.query) = lower(%(name)s)) DESC,
         followers DESC NULLS LAST, id LIMIT 1;

-- artist_counts --
-- Albums and tracks the artist owns (a joint album counts for each of its artists).
SELECT (SELECT count(*) FROM album_artists WHERE artist_spotify_id = %(spotify_id)s),
       (SELECT count(*) FROM tracks t JOIN album_artists aa ON aa.album_spotify_id = t.album_spotify_id
        WHERE aa.artist_spotify_id = %(spotify_id)s);

-- artist_credits --
-- Every credit on the artist's tracks, by producer.
SELECT p.id, p.name, p.genius_id, p.musicbrainz_id,
       t.spotify_id, t.name, a.name, tp.role, tp.source, tp.confidence::float,
       tp.genius_song_id, tp.genius_song_url, tp.genius_section, tp.musicbrainz_recording_id,
       tp.musicbrainz_relation_type, tp.musicbrainz_attributes, tp.isrc, tp.credited_as,
       tp.musicbrainz_release_id, tp.musicbrainz_release_title
FROM track_producers tp
JOIN tracks t ON t.id = tp.track_id
JOIN albums a ON a.spotify_id = t.album_spotify_id
JOIN album_artists aa ON aa.album_spotify_id = a.spotify_id
JOIN producers p ON p.id = tp.producer_id
WHERE aa.artist_spotify_id = %(spotify_id)s
ORDER BY p.name, p.id, a.release_date NULLS LAST, a.name, t.disc_number, t.track_number, tp.source, tp.role;

-- producer_socials --
SELECT producer_id, platform, handle, followers, verified FROM producer_socials
WHERE producer_id = ANY(%(producer_ids)s);

-- producer_summaries --
-- Per producer on the artist's tracks: their Genius page, the songs (distinct titles, oldest
-- release first) and how many recordings they are credited on (a song on an album and its single
-- is one recording: one ISRC).
SELECT p.id, p.genius_url, count(DISTINCT COALESCE(t.recording_key, t.spotify_id)) AS recordings,
       array_agg(DISTINCT t.name) AS songs
FROM track_producers tp
JOIN tracks t ON t.id = tp.track_id
JOIN album_artists aa ON aa.album_spotify_id = t.album_spotify_id
JOIN producers p ON p.id = tp.producer_id
WHERE aa.artist_spotify_id = %(spotify_id)s
GROUP BY p.id, p.genius_url;
