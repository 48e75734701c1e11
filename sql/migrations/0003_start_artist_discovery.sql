-- The front door: SELECT start_artist_discovery('Artist Name') returns the msg_id it sent.

CREATE FUNCTION start_artist_discovery(artist_name text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    msg_id bigint;
BEGIN
    IF artist_name IS NULL THEN
        RAISE EXCEPTION 'start_artist_discovery: artist_name must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- Blank includes no-break and zero-width spaces: a name must have a visible character.
    IF regexp_replace(artist_name, '[\s\u00a0\u200b\u200c\u200d\u2060\ufeff]', '', 'g') = '' THEN
        RAISE EXCEPTION 'start_artist_discovery: artist_name must not be empty or blank'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF char_length(artist_name) > 200 THEN
        RAISE EXCEPTION 'start_artist_discovery: artist_name is % characters long; at most 200 are allowed',
            char_length(artist_name)
            USING ERRCODE = 'string_data_right_truncation';
    END IF;
    SELECT * INTO msg_id FROM pgmq.send('artist_discovery', jsonb_build_object('artistName', artist_name));
    RETURN msg_id;
END;
$$;

CREATE FUNCTION start_artist_discovery_by_id(spotify_id text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    msg_id bigint;
BEGIN
    IF spotify_id IS NULL OR spotify_id !~ '^[0-9A-Za-z]{22}$' THEN
        RAISE EXCEPTION 'start_artist_discovery_by_id: spotify_id must be 22 letters and digits (a Spotify artist id), got %',
            coalesce(quote_literal(spotify_id), 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO msg_id FROM pgmq.send('artist_discovery', jsonb_build_object('artistId', spotify_id));
    RETURN msg_id;
END;
$$;
