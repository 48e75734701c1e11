-- What a discovery came to, as a user reads it: the artist search, and "no albums or singles".

-- record_artist_search --
-- One artist_discovery message's result (idempotent: a second delivery writes the same row).
INSERT INTO artist_searches (msg_id, query, outcome, artist_spotify_id, alternatives, detail)
VALUES (%(msg_id)s, %(query)s, %(outcome)s, %(artist_spotify_id)s, %(alternatives)s, %(detail)s)
ON CONFLICT (msg_id) DO UPDATE SET
    query = EXCLUDED.query,
    outcome = EXCLUDED.outcome,
    artist_spotify_id = EXCLUDED.artist_spotify_id,
    alternatives = EXCLUDED.alternatives,
    detail = EXCLUDED.detail,
    searched_at = now();

-- record_releases_total --
-- Spotify's count of the artist's releases in the groups asked for (from the first page).
UPDATE artists SET releases_total = %(total)s, updated_at = now() WHERE spotify_id = %(spotify_id)s;

-- artist_search --
-- The result of one artist_discovery message, if it has one.
SELECT outcome, artist_spotify_id, alternatives, detail, query FROM artist_searches WHERE msg_id = %(msg_id)s;

-- latest_alternatives --
-- The namesakes kept when this artist was last chosen by name.
SELECT query, alternatives FROM artist_searches
WHERE artist_spotify_id = %(spotify_id)s AND alternatives <> '[]'::jsonb
ORDER BY searched_at DESC LIMIT 1;

-- latest_searches --
-- Each artist discovered (and each name not found), with its latest search.
SELECT * FROM (
    SELECT DISTINCT ON (COALESCE(artist_spotify_id, 'name:' || lower(query)))
           msg_id, query, outcome, artist_spotify_id, jsonb_array_length(alternatives) AS namesakes, searched_at
    FROM artist_searches
    ORDER BY COALESCE(artist_spotify_id, 'name:' || lower(query)), searched_at DESC
) latest ORDER BY searched_at DESC;

-- not_found_search --
-- The latest search for this name that Spotify answered with no such artist.
SELECT detail, searched_at FROM artist_searches
WHERE lower(query) = lower(%(name)s) AND outcome = 'not_found'
ORDER BY searched_at DESC LIMIT 1;
