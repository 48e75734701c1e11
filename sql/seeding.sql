-- What `discovery seed --file` reads to skip artists already discovered (ops/seed_file).

-- known_names --
-- Which of the names (lower-cased) an artist already has, or a search already found.
SELECT lower(name) FROM artists WHERE lower(name) = ANY(%(names)s::text[])
UNION
SELECT lower(query) FROM artist_searches WHERE outcome = 'found' AND lower(query) = ANY(%(names)s::text[]);

-- known_ids --
-- Which of the Spotify artist ids are already discovered.
SELECT spotify_id FROM artists WHERE spotify_id = ANY(%(ids)s::text[]);
