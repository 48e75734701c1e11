-- Attempts are ours to count: PGMQ's read_ct goes up on every read, and a message given back
-- because an API was held (a full rate window, an open breaker, a spent quota, a refused
-- credential) has not failed. `throttled` counts those give-backs, written in the same fenced
-- transaction as the give-back itself, so a message's attempts are read_ct - throttled: every
-- other read was a failure, or a delivery lost with its worker (which a poison message that
-- kills its worker must spend too). `failures` counts the failures a worker recorded.
CREATE TABLE message_attempts (
    queue       text        NOT NULL,
    msg_id      bigint      NOT NULL,
    throttled   integer     NOT NULL DEFAULT 0,
    failures    integer     NOT NULL DEFAULT 0,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (queue, msg_id)
);

-- discovery_dead_letter, also writing the attempts the message spent into the wrapper (what
-- `dlq list` shows) and forgetting its count.
CREATE FUNCTION discovery_dead_letter(queue_name text, p_msg_id bigint, p_read_ct integer,
                                      error_type text, reason text, attempts integer)
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
        'attempts', attempts,
        'enqueued_at', row_enqueued_at,
        'dead_lettered_at', clock_timestamp(),
        'error_type', error_type,
        'reason', reason,
        'message', row_message));
    PERFORM pgmq.archive(queue_name, p_msg_id);
    DELETE FROM message_attempts WHERE queue = queue_name AND msg_id = p_msg_id;
    RETURN dlq_msg_id;
END;
$$;

-- Extend the leases of deliveries handed to Celery and not finished (the bridge's in-flight set
-- lists them by msg_id and read_ct), fenced like discovery_set_vt and never shortening a vt: a
-- delivery waiting in the broker behind a busy pool keeps its message while its pool lives,
-- and comes back within one lease once the broker has lost it (Redis flushed with its set).
CREATE FUNCTION discovery_extend_leases(queue_name text, p_msg_ids bigint[], p_read_cts integer[],
                                        vt_s double precision)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    extended integer;
BEGIN
    EXECUTE format('UPDATE pgmq.%I AS q SET vt = clock_timestamp() + make_interval(secs => $3)
                    FROM unnest($1, $2) AS d(msg_id, read_ct)
                    WHERE q.msg_id = d.msg_id AND q.read_ct = d.read_ct
                      AND q.vt < clock_timestamp() + make_interval(secs => $3)',
                   pgmq.format_table_name(queue_name, 'q'))
        USING p_msg_ids, p_read_cts, vt_s;
    GET DIAGNOSTICS extended = ROW_COUNT;
    RETURN extended;
END;
$$;
