-- The front door refuses names no artist has: control characters (ESC starts terminal sequences,
-- BEL rings, a newline forges a log line) and names made only of invisible characters, direction
-- marks among them. Same owner's rights, fixed search_path and grants as 0010 gave it (CREATE OR
-- REPLACE keeps the owner and grants; SECURITY DEFINER and SET are restated).

CREATE OR REPLACE FUNCTION start_artist_discovery(artist_name text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    msg_id bigint;
    control text;
BEGIN
    IF artist_name IS NULL THEN
        RAISE EXCEPTION 'start_artist_discovery: artist_name must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    control := substring(artist_name FROM '[\x01-\x1f\x7f-\x9f]');
    IF control IS NOT NULL THEN
        RAISE EXCEPTION 'start_artist_discovery: artist_name must not contain control characters (U+% at character %)',
            lpad(upper(to_hex(ascii(control))), 4, '0'), position(control IN artist_name)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Blank includes no-break and zero-width spaces, direction marks, embeddings, overrides and
    -- isolates: a name must have a visible character.
    IF regexp_replace(artist_name, '[\s\u00a0\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]', '', 'g') = '' THEN
        RAISE EXCEPTION 'start_artist_discovery: artist_name must not be empty or blank (spaces, invisible characters and direction marks are not a name)'
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
