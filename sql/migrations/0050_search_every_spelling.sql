-- `discovery producers --search` finds a producer by any of their names: the name shown, the
-- name each source gives them (producer_links: "Rory O'Brien" on MusicBrainz, "Rory O’Brien" on
-- Genius) and their aliases (Genius alternate names, MusicBrainz aliases). Each producer once,
-- ranked by its closest name; the output is as before.

CREATE INDEX producer_aliases_normalized_trgm_idx ON producer_aliases USING gin (normalized_alias gin_trgm_ops);

CREATE OR REPLACE FUNCTION search_producers(query text, max_rows integer DEFAULT 50)
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
    WITH keys AS (
        SELECT p.id AS producer_id, p.normalized_name AS key FROM producers p
        WHERE p.normalized_name LIKE '%' || wanted || '%'
        UNION ALL
        SELECT l.producer_id, producer_name_key(l.name) FROM producer_links l
        WHERE producer_name_key(l.name) LIKE '%' || wanted || '%'
        UNION ALL
        SELECT a.producer_id, a.normalized_alias FROM producer_aliases a
        WHERE a.normalized_alias LIKE '%' || wanted || '%'
    ), best AS (
        SELECT DISTINCT ON (k.producer_id) k.producer_id, k.key FROM keys k
        ORDER BY k.producer_id, k.key = wanted DESC, k.key LIKE wanted || '%' DESC, similarity(k.key, wanted) DESC, k.key
    ), found AS (
        SELECT p.id, p.name, p.genius_id, p.musicbrainz_id, p.normalized_name AS nname, best.key
        FROM best JOIN producers p ON p.id = best.producer_id
        ORDER BY best.key = wanted DESC, best.key LIKE wanted || '%' DESC,
                 similarity(best.key, wanted) DESC, p.normalized_name, p.id
        LIMIT max_rows
    )
    SELECT found.id, found.name, found.genius_id, found.musicbrainz_id,
           (SELECT count(*) FROM track_producers tp WHERE tp.producer_id = found.id),
           (SELECT count(DISTINCT tp.track_id) FROM track_producers tp WHERE tp.producer_id = found.id)
    FROM found
    ORDER BY found.key = wanted DESC, found.key LIKE wanted || '%' DESC,
             similarity(found.key, wanted) DESC, found.nname, found.id;
END;
$$;
