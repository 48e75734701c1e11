-- Fenced operations on a PGMQ message: each acts only if the message still exists and its
-- read_ct is the one the caller was dispatched with. A newer delivery (the vt expired and the
-- message was read again) bumps read_ct, so an older, slower delivery can no longer act.

-- Lock the message row for the rest of the transaction; true when this delivery still owns it.
CREATE FUNCTION discovery_claim(queue_name text, p_msg_id bigint, p_read_ct integer)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    current_ct integer;
BEGIN
    EXECUTE format('SELECT read_ct FROM pgmq.%I WHERE msg_id = $1 FOR UPDATE',
                   pgmq.format_table_name(queue_name, 'q'))
        INTO current_ct USING p_msg_id;
    RETURN current_ct IS NOT NULL AND current_ct = p_read_ct;
END;
$$;

-- Move the message's visibility timeout to now + vt_s: extends a lease, or gives the
-- message back for a later attempt.
CREATE FUNCTION discovery_set_vt(queue_name text, p_msg_id bigint, p_read_ct integer, vt_s double precision)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    updated bigint;
BEGIN
    EXECUTE format('UPDATE pgmq.%I SET vt = clock_timestamp() + make_interval(secs => $3)
                    WHERE msg_id = $1 AND read_ct = $2 RETURNING msg_id',
                   pgmq.format_table_name(queue_name, 'q'))
        INTO updated USING p_msg_id, p_read_ct, vt_s;
    RETURN updated IS NOT NULL;
END;
$$;

-- Send the message to <queue>_dlq wrapped with the reason, and archive it from its queue.
-- p_read_ct NULL means "whatever delivery" (the bridge dead-letters what it just read).
CREATE FUNCTION discovery_dead_letter(queue_name text, p_msg_id bigint, p_read_ct integer,
                                      error_type text, reason text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    row_message jsonb;
    row_read_ct integer;
    row_enqueued_at timestamptz;
    dlq_msg_id bigint;
BEGIN
    EXECUTE format('SELECT message, read_ct, enqueued_at FROM pgmq.%I WHERE msg_id = $1 FOR UPDATE',
                   pgmq.format_table_name(queue_name, 'q'))
        INTO row_message, row_read_ct, row_enqueued_at USING p_msg_id;
    IF row_read_ct IS NULL OR (p_read_ct IS NOT NULL AND row_read_ct <> p_read_ct) THEN
        RETURN NULL;
    END IF;
    SELECT * INTO dlq_msg_id FROM pgmq.send(queue_name || '_dlq', jsonb_build_object(
        'source_queue', queue_name,
        'source_msg_id', p_msg_id,
        'read_ct', row_read_ct,
        'enqueued_at', row_enqueued_at,
        'dead_lettered_at', clock_timestamp(),
        'error_type', error_type,
        'reason', reason,
        'message', row_message));
    PERFORM pgmq.archive(queue_name, p_msg_id);
    RETURN dlq_msg_id;
END;
$$;
