-- The platform's page searches artists as it searches producers (accents, case and punctuation
-- ignored, any part of the name), through a trigram index. producer_name_key (0012) is STABLE
-- because unaccent is, and an index needs an IMMUTABLE expression: artist_name_key declares the
-- same key immutable, which holds as long as the unaccent rules file is not edited (rebuild the
-- index with REINDEX if it ever is).

CREATE FUNCTION artist_name_key(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT public.producer_name_key(name) $$;

CREATE INDEX artists_name_key_trgm_idx ON artists USING gin (artist_name_key(name) gin_trgm_ops);
