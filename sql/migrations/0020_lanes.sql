-- Lanes (discovery/pgmq/lanes.py): each stage's interactive lane keeps its queue (and every message
-- already in it); the bulk and refresh lanes are queues of their own, each with its DLQ.

-- A stage's queues: its three lanes and a DLQ for each (the extension path's one call).
CREATE FUNCTION discovery_create_stage(stage text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    suffix text;
BEGIN
    FOREACH suffix IN ARRAY ARRAY['', '_bulk', '_refresh'] LOOP
        PERFORM pgmq.create(stage || suffix);
        PERFORM pgmq.create(stage || suffix || '_dlq');
    END LOOP;
END;
$$;
REVOKE EXECUTE ON FUNCTION discovery_create_stage(text) FROM PUBLIC;

SELECT discovery_create_stage('artist_discovery');
SELECT discovery_create_stage('album_discovery');
SELECT discovery_create_stage('track_discovery');
SELECT discovery_create_stage('producer_identification');
SELECT discovery_create_stage('social_enrichment');

-- A seed in any lane wakes the artist bridge (runtime/listener.py): the interactive lane through
-- PGMQ's insert trigger (0015), the others by one NOTIFY on the same kind of channel per
-- transaction (Postgres folds repeats), sent by the seed functions below and `seed --file`; a
-- row trigger would cost a backfill of 100,000 artists as many updates of its throttle row.

-- The queue of a stage's lane (lanes.lane_queue); an unknown lane is refused by name.
CREATE FUNCTION discovery_lane_queue(stage text, lane text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF lane = 'interactive' THEN
        RETURN stage;
    ELSIF lane IN ('bulk', 'refresh') THEN
        RETURN stage || '_' || lane;
    END IF;
    RAISE EXCEPTION 'unknown lane %; known: interactive, bulk, refresh', coalesce(quote_literal(lane), 'NULL')
        USING ERRCODE = 'invalid_parameter_value';
END;
$$;

-- Promotion: the messages of `stage` waiting (visible, not in flight) in a lane below `lane` whose
-- field `key` is one of `vals` move up to `lane`: archived from the lower lane and sent again in
-- the caller's transaction, so the work runs once, at the higher lane. Returns how many moved.
CREATE FUNCTION discovery_promote(stage text, lane text, key text, vals text[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    lanes text[] := ARRAY['interactive', 'bulk', 'refresh'];
    target text := public.discovery_lane_queue(stage, lane);
    lower_queue text;
    found record;
    moved integer := 0;
BEGIN
    IF vals IS NULL OR cardinality(vals) = 0 THEN
        RETURN 0;
    END IF;
    FOR i IN array_position(lanes, lane) + 1 .. cardinality(lanes) LOOP
        lower_queue := public.discovery_lane_queue(stage, lanes[i]);
        FOR found IN EXECUTE format(
            'SELECT msg_id, message FROM pgmq.%I WHERE message->>$1 = ANY($2) AND vt <= clock_timestamp()
             ORDER BY msg_id FOR UPDATE SKIP LOCKED', pgmq.format_table_name(lower_queue, 'q'))
            USING key, vals
        LOOP
            PERFORM pgmq.archive(lower_queue, found.msg_id);
            PERFORM pgmq.send(target, found.message);
            moved := moved + 1;
        END LOOP;
    END LOOP;
    RETURN moved;
END;
$$;

-- The front door, now with a lane: SELECT start_artist_discovery('Name') is unchanged (interactive),
-- start_artist_discovery('Name', lane => 'bulk') backfills. The same artist waiting in a lower lane
-- moves up to the seed's lane instead of being discovered twice.
DROP FUNCTION start_artist_discovery(text);
CREATE FUNCTION start_artist_discovery(artist_name text, lane text DEFAULT 'interactive') RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    msg_id bigint;
    target text := public.discovery_lane_queue('artist_discovery', lane);
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
    IF lane <> 'interactive' THEN
        PERFORM pg_notify('pgmq.q_' || target || '.INSERT', NULL);
    END IF;
    IF public.discovery_promote('artist_discovery', lane, 'artistName', ARRAY[artist_name]) > 0 THEN
        -- Already waiting below: moved up, and that message is this seed.
        EXECUTE format('SELECT max(msg_id) FROM pgmq.%I', pgmq.format_table_name(target, 'q')) INTO msg_id;
        RETURN msg_id;
    END IF;
    SELECT * INTO msg_id FROM pgmq.send(target, jsonb_build_object('artistName', artist_name));
    RETURN msg_id;
END;
$$;

DROP FUNCTION start_artist_discovery_by_id(text);
CREATE FUNCTION start_artist_discovery_by_id(spotify_id text, lane text DEFAULT 'interactive') RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    msg_id bigint;
    target text := public.discovery_lane_queue('artist_discovery', lane);
BEGIN
    IF spotify_id IS NULL OR spotify_id !~ '^[0-9A-Za-z]{22}$' THEN
        RAISE EXCEPTION 'start_artist_discovery_by_id: spotify_id must be 22 letters and digits (a Spotify artist id), got %',
            coalesce(quote_literal(spotify_id), 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF lane <> 'interactive' THEN
        PERFORM pg_notify('pgmq.q_' || target || '.INSERT', NULL);
    END IF;
    IF public.discovery_promote('artist_discovery', lane, 'artistId', ARRAY[spotify_id]) > 0 THEN
        EXECUTE format('SELECT max(msg_id) FROM pgmq.%I', pgmq.format_table_name(target, 'q')) INTO msg_id;
        RETURN msg_id;
    END IF;
    SELECT * INTO msg_id FROM pgmq.send(target, jsonb_build_object('artistId', spotify_id));
    RETURN msg_id;
END;
$$;

REVOKE EXECUTE ON FUNCTION start_artist_discovery(text, text), start_artist_discovery_by_id(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION start_artist_discovery(text, text), start_artist_discovery_by_id(text, text)
    TO discovery_worker;
