-- Starting from a producer: find them by name, list their credits across every artist, and the
-- producers credited with them. The `discovery producer`/`producers` commands call these too.
-- Input is validated as start_artist_discovery validates a name (NULL, blank, too long) and a
-- producer id must name a producer.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- Partial-name search over the stored normalised names, and a producer's credits by producer.
CREATE INDEX producers_normalized_name_trgm_idx ON producers USING gin (normalized_name gin_trgm_ops);
CREATE INDEX track_producers_producer_idx ON track_producers (producer_id, track_id);

-- The same key as discovery.catalog.names.normalize_name: NFKC, zero-width characters and soft
-- hyphens dropped, case and Latin accents folded, "&" read as "and", apostrophes and full
-- stops dropped, any other run of punctuation, symbols or spaces one space.
CREATE FUNCTION producer_name_key(name text) RETURNS text
LANGUAGE sql STABLE STRICT AS $$
    SELECT btrim(regexp_replace(
        translate(
            replace(lower(unaccent(regexp_replace(normalize(name, NFKC), '[\u200b\u200c\u200d\u2060\ufeff\u00ad]', '', 'g'))),
                    '&', ' and '),
            '''’‘ʼ`´.', ''),
        '[^[:alnum:]]+', ' ', 'g'))
$$;

CREATE FUNCTION search_producers(query text, max_rows integer DEFAULT 50)
RETURNS TABLE (id bigint, name text, genius_id bigint, musicbrainz_id text, credits bigint, tracks bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    wanted text;
BEGIN
    IF query IS NULL THEN
        RAISE EXCEPTION 'search_producers: query must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF char_length(query) > 200 THEN
        RAISE EXCEPTION 'search_producers: query is % characters long; at most 200 are allowed', char_length(query)
            USING ERRCODE = 'string_data_right_truncation';
    END IF;
    wanted := producer_name_key(query);
    IF wanted = '' THEN
        RAISE EXCEPTION 'search_producers: query must not be empty or blank (it needs a letter or a digit)'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF max_rows IS NULL OR max_rows < 1 THEN
        RAISE EXCEPTION 'search_producers: max_rows must be at least 1, got %', coalesce(max_rows::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Exact names first, then names starting with the query, then the closest; credits are
    -- counted only for the rows returned.
    RETURN QUERY
    SELECT found.id, found.name, found.genius_id, found.musicbrainz_id,
           (SELECT count(*) FROM track_producers tp WHERE tp.producer_id = found.id),
           (SELECT count(DISTINCT tp.track_id) FROM track_producers tp WHERE tp.producer_id = found.id)
    FROM (
        SELECT p.id, p.name, p.genius_id, p.musicbrainz_id, p.normalized_name
        FROM producers p
        WHERE p.normalized_name LIKE '%' || wanted || '%'
        ORDER BY p.normalized_name = wanted DESC, p.normalized_name LIKE wanted || '%' DESC,
                 similarity(p.normalized_name, wanted) DESC, p.normalized_name, p.id
        LIMIT max_rows
    ) found
    ORDER BY found.normalized_name = wanted DESC, found.normalized_name LIKE wanted || '%' DESC,
             similarity(found.normalized_name, wanted) DESC, found.normalized_name, found.id;
END;
$$;

CREATE FUNCTION _known_producer(fn text, producer bigint) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF producer IS NULL THEN
        RAISE EXCEPTION '%: producer_id must not be NULL', fn USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM producers WHERE producers.id = producer) THEN
        RAISE EXCEPTION '%: no producer has id %', fn, producer USING ERRCODE = 'invalid_parameter_value';
    END IF;
END;
$$;

-- One row per credit (producer, track, source, role), with the artists owning the track's album.
CREATE FUNCTION producer_credits(producer_id bigint)
RETURNS TABLE (artists text[], artist_spotify_ids text[], album text, album_spotify_id text,
               spotify_track_id text, track text, role text, source text, confidence double precision)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM _known_producer('producer_credits', producer_id);
    RETURN QUERY
    WITH credited AS (
        SELECT t.id AS track_id, t.spotify_id, t.name, t.album_spotify_id, t.disc_number, t.track_number,
               tp.role, tp.source, tp.confidence
        FROM track_producers tp JOIN tracks t ON t.id = tp.track_id
        WHERE tp.producer_id = producer_credits.producer_id
    ), owners AS (
        -- Each album's artists once, not once per credit.
        SELECT aa.album_spotify_id,
               array_agg(ar.name ORDER BY aa.position NULLS LAST, ar.name) AS names,
               array_agg(ar.spotify_id ORDER BY aa.position NULLS LAST, ar.name) AS ids
        FROM album_artists aa JOIN artists ar ON ar.spotify_id = aa.artist_spotify_id
        WHERE aa.album_spotify_id IN (SELECT DISTINCT c.album_spotify_id FROM credited c)
        GROUP BY aa.album_spotify_id
    )
    SELECT coalesce(o.names, '{}'), coalesce(o.ids, '{}'), a.name, a.spotify_id, c.spotify_id, c.name,
           c.role, c.source, c.confidence::double precision
    FROM credited c
    JOIN albums a ON a.spotify_id = c.album_spotify_id
    LEFT JOIN owners o ON o.album_spotify_id = c.album_spotify_id
    ORDER BY coalesce(o.names, '{}'), a.release_date NULLS LAST, a.name, c.disc_number, c.track_number,
             c.source, c.role;
END;
$$;

-- The other producers credited on the producer's tracks, with how many tracks they share.
CREATE FUNCTION producer_collaborations(producer_id bigint)
RETURNS TABLE (collaborator_id bigint, name text, genius_id bigint, musicbrainz_id text, shared_tracks bigint)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM _known_producer('producer_collaborations', producer_id);
    RETURN QUERY
    SELECT p.id, p.name, p.genius_id, p.musicbrainz_id, count(DISTINCT other.track_id)
    FROM track_producers mine
    JOIN track_producers other ON other.track_id = mine.track_id AND other.producer_id <> mine.producer_id
    JOIN producers p ON p.id = other.producer_id
    WHERE mine.producer_id = producer_collaborations.producer_id
    GROUP BY p.id
    ORDER BY count(DISTINCT other.track_id) DESC, p.name, p.id;
END;
$$;
