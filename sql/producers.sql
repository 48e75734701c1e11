-- What `discovery producer`, `discovery producers` and `discovery graph` read (the SQL
-- functions live in migration 0012).

-- producer_by_name --
-- A producer whose normalised name is exactly this one; the most credited first.
SELECT p.id FROM producers p WHERE p.normalized_name = %(normalized_name)s
ORDER BY (SELECT count(*) FROM track_producers tp WHERE tp.producer_id = p.id) DESC, p.id LIMIT 1;

-- producer_by_genius_id --
SELECT id FROM producers WHERE genius_id = %(genius_id)s;

-- producer_by_musicbrainz_id --
SELECT id FROM producers WHERE musicbrainz_id = %(musicbrainz_id)s;

-- producer --
SELECT id, name, genius_id, musicbrainz_id, genius_url FROM producers WHERE id = %(producer_id)s;

-- producer_socials --
SELECT platform, handle, followers, verified FROM producer_socials WHERE producer_id = %(producer_id)s;

-- producer_credits --
SELECT * FROM producer_credits(%(producer_id)s);

-- producer_collaborations --
SELECT * FROM producer_collaborations(%(producer_id)s);

-- search_producers --
SELECT id, name, genius_id, musicbrainz_id, credits, tracks FROM search_producers(%(query)s, %(max_rows)s);

-- artist_producers --
-- One artist's producers by number of credits (then tracks, then name).
SELECT p.id, p.name, p.genius_id, p.musicbrainz_id, count(*) AS credits, count(DISTINCT tp.track_id) AS tracks
FROM track_producers tp
JOIN tracks t ON t.id = tp.track_id
JOIN album_artists aa ON aa.album_spotify_id = t.album_spotify_id
JOIN producers p ON p.id = tp.producer_id
WHERE aa.artist_spotify_id = %(spotify_id)s
GROUP BY p.id
ORDER BY count(*) DESC, count(DISTINCT tp.track_id) DESC, p.name, p.id;

-- artist_graph_credits --
-- (track, producer id, producer name) for every credit on one artist's tracks.
SELECT DISTINCT t.id, p.id, p.name
FROM track_producers tp
JOIN tracks t ON t.id = tp.track_id
JOIN album_artists aa ON aa.album_spotify_id = t.album_spotify_id
JOIN producers p ON p.id = tp.producer_id
WHERE aa.artist_spotify_id = %(spotify_id)s;
