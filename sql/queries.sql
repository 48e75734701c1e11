-- Every runtime query, by name. A block starts with "-- name --", then a comment that says
-- what it does, then one statement. Callers write queries["name"]; placeholders only.

-- send --
-- Put one message on a PGMQ queue (delay_s seconds before it becomes visible); returns msg_id.
SELECT * FROM pgmq.send(%(queue)s, %(message)s::jsonb, %(delay_s)s::integer) AS msg_id;

-- send_batch --
-- Put several messages (one JSON array, unpacked here: cheaper to send than a jsonb[]) on a
-- queue in one statement; returns their msg_ids.
SELECT * FROM pgmq.send_batch(%(queue)s, ARRAY(
    SELECT item FROM jsonb_array_elements(%(messages)s::jsonb) WITH ORDINALITY AS batch(item, n) ORDER BY n
)) AS msg_id;

-- promote --
-- Move the visible messages of a stage's lower lanes whose field key is one of values up to lane.
SELECT discovery_promote(%(stage)s, %(lane)s, %(key)s, %(values)s::text[]) AS moved;

-- notify_insert --
-- Wake the listeners of a queue's insert channel (runtime/listener) as PGMQ's insert trigger would.
SELECT pg_notify(%(channel)s, NULL);

-- read --
-- Read up to qty visible messages, hiding them for vt_s seconds (read_ct goes up by one). Each
-- message as JSON text with its size in bytes, the text held back past max_bytes: the bridge
-- decodes it within bounds (pgmq/decoding) rather than letting the driver parse any JSON.
SELECT msg_id, read_ct, enqueued_at,
       CASE WHEN octet_length(text) <= %(max_bytes)s THEN text END, octet_length(text)
FROM (SELECT msg_id, read_ct, enqueued_at, message::text AS text
      FROM pgmq.read(%(queue)s, %(vt_s)s::integer, %(qty)s::integer)) AS batch;

-- holding --
-- The queue's name when {queue_table} holds a message (readable now, when only_readable), by
-- its vt index; one part of a UNION ALL over several queues (queues.holding). Not pgmq.read,
-- whose dynamic SQL the server plans on every call: this text is fixed per queue, so the driver
-- prepares it.
(SELECT {queue_name}::text WHERE EXISTS (
    SELECT 1 FROM {queue_table} WHERE NOT %(only_readable)s OR vt <= clock_timestamp()))

-- archive --
-- Move a message to its queue's archive table (never deleted: the archive is the audit trail).
SELECT pgmq.archive(%(queue)s, %(msg_id)s::bigint) AS archived;

-- finish --
-- A task's last step in its transaction, in one round trip: the message moves to its queue's
-- archive, its attempt count goes (not needed any more), and the outcome is recorded.
WITH forgotten AS (
    DELETE FROM message_attempts WHERE queue = %(queue)s AND msg_id = %(msg_id)s
), recorded AS (
    INSERT INTO queue_metrics (queue, kind, outcome, msg_id, duration_ms)
    VALUES (%(queue)s, 'task', 'archived', %(msg_id)s, %(duration_ms)s)
)
SELECT pgmq.archive(%(queue)s, %(msg_id)s::bigint) AS archived;

-- claim --
-- Lock the message row until commit; true when this delivery (read_ct) still owns it, no row
-- when the message is gone. discovery_claim's check, as a statement fixed per queue (the driver
-- prepares it; the function's dynamic SQL is planned on every call).
SELECT read_ct = %(read_ct)s AS owned FROM {queue_table} WHERE msg_id = %(msg_id)s FOR UPDATE;

-- set_vt --
-- Fenced visibility change: extend a lease or give the message back for later.
SELECT discovery_set_vt(%(queue)s, %(msg_id)s, %(read_ct)s, %(vt_s)s) AS updated;

-- dead_letter --
-- Wrap the message with its reason into <queue>_dlq and archive it; NULL when not owned.
SELECT discovery_dead_letter(%(queue)s, %(msg_id)s, %(read_ct)s, %(error_type)s, %(reason)s) AS dlq_msg_id;

-- record_issue --
-- One row per failure: which delivery, what kind of error, and why.
INSERT INTO worker_issues (queue, msg_id, read_ct, error_type, message, payload)
VALUES (%(queue)s, %(msg_id)s, %(read_ct)s, %(error_type)s, %(message)s, %(payload)s::jsonb);

-- last_issue --
-- The most recent failure recorded for a message, to give a dead-letter its reason.
SELECT error_type, message FROM worker_issues
WHERE queue = %(queue)s AND msg_id = %(msg_id)s
ORDER BY id DESC LIMIT 1;

-- record_batch --
-- One row per bridge batch.
INSERT INTO queue_metrics (queue, kind, outcome, read_count, dispatched, dead_lettered, duration_ms, detail)
VALUES (%(queue)s, 'batch', %(outcome)s, %(read_count)s, %(dispatched)s, %(dead_lettered)s, %(duration_ms)s, %(detail)s);

-- record_pause --
-- The bridge left a queue untouched because an API it depends on is paused.
INSERT INTO queue_metrics (queue, kind, outcome, detail) VALUES (%(queue)s, 'pause', 'paused', %(detail)s);

-- record_task --
-- One row per task outcome (archived, retried, dead_lettered, superseded).
INSERT INTO queue_metrics (queue, kind, outcome, msg_id, duration_ms, detail)
VALUES (%(queue)s, 'task', %(outcome)s, %(msg_id)s, %(duration_ms)s, %(detail)s);

-- start_artist_discovery --
-- Seed by name (validated in SQL) in a lane; returns the msg_id.
SELECT start_artist_discovery(%(artist_name)s, lane => %(lane)s) AS msg_id;

-- start_artist_discovery_by_id --
-- Seed by Spotify artist id (validated in SQL) in a lane; returns the msg_id.
SELECT start_artist_discovery_by_id(%(spotify_id)s, lane => %(lane)s) AS msg_id;

-- upsert_artist --
-- Insert or refresh an artist by Spotify id; returns its row id.
INSERT INTO artists (spotify_id, name, popularity, followers, genres)
VALUES (%(spotify_id)s, %(name)s, %(popularity)s, %(followers)s, %(genres)s)
ON CONFLICT (spotify_id) DO UPDATE SET
    name = EXCLUDED.name,
    popularity = COALESCE(EXCLUDED.popularity, artists.popularity),
    followers = COALESCE(EXCLUDED.followers, artists.followers),
    genres = EXCLUDED.genres,
    updated_at = now()
RETURNING id;

-- queue_metrics --
-- The size, visible part, oldest and newest message ages and messages ever sent of every PGMQ
-- queue this role may read (work queues and DLQs alike: the worker role only this project's,
-- 0060); read-only, for status and the exporter. Not pgmq.metrics_all(), which reads every queue.
WITH readable AS MATERIALIZED (
    SELECT substr(c.relname, 3) AS queue_name
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'pgmq' AND c.relname LIKE 'q\_%' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND has_table_privilege(c.oid, 'SELECT')
)
SELECT m.queue_name, m.queue_length, m.queue_visible_length, m.oldest_msg_age_sec, m.newest_msg_age_sec,
       m.total_messages
FROM readable, LATERAL pgmq.metrics(readable.queue_name) AS m;

-- ops_task_outcomes_since --
-- Task outcomes per queue over the last window_s seconds (processed and failed lately).
SELECT queue, outcome, count(*) FROM queue_metrics
WHERE kind = 'task' AND recorded_at > now() - make_interval(secs => %(window_s)s)
GROUP BY queue, outcome;

-- dead_letters --
-- The dead letters still in one DLQ ({dlq_table}, filled in by queues.dead_letters from the list
-- of queues; only msg_ids when given; only those dead-lettered more than older_than_s ago when
-- given), with the first and last failure recorded for the original message. Reads only. The
-- dead letter as JSON text with its size (no text past max_bytes) and its wrapper without the
-- original message: queues.dead_letters decodes them within bounds (pgmq/decoding).
SELECT dead.msg_id, dead.enqueued_at,
       CASE WHEN octet_length(dead.message::text) <= %(max_bytes)s THEN dead.message::text END,
       octet_length(dead.message::text), (dead.message - 'message')::text,
       issues.first_failure_at, issues.last_failure_at
FROM {dlq_table} AS dead
LEFT JOIN LATERAL (
    SELECT min(created_at) AS first_failure_at, max(created_at) AS last_failure_at
    FROM worker_issues
    WHERE worker_issues.queue = %(queue)s::text
      AND worker_issues.msg_id = CASE WHEN dead.message->>'source_msg_id' ~ '^[0-9]{{1,18}}$'
                                      THEN (dead.message->>'source_msg_id')::bigint END
) AS issues ON true
WHERE (%(msg_ids)s::bigint[] IS NULL OR dead.msg_id = ANY(%(msg_ids)s::bigint[]))
  AND (%(older_than_s)s::float8 IS NULL
       OR dead.enqueued_at < now() - make_interval(secs => %(older_than_s)s::float8))
ORDER BY dead.msg_id;

-- queued --
-- Whether message msg_id is still in {queue_table} (visible or not). Reads only.
SELECT EXISTS (SELECT 1 FROM {queue_table} WHERE msg_id = %(msg_id)s) AS queued;

-- count_waiting --
-- Messages in {queue_table} whose field `key` is one of `values`. Reads only.
SELECT count(*) FROM {queue_table} WHERE message->>%(key)s = ANY(%(values)s::text[]);

-- waiting_values --
-- Every value of field `key` (lower-cased when fold) among the messages in {queue_table}. Reads only.
SELECT DISTINCT CASE WHEN %(fold)s THEN lower(message->>%(key)s) ELSE message->>%(key)s END
FROM {queue_table} WHERE message ? %(key)s;

-- enqueued_at --
-- When message msg_id of {queue_table} was sent; NULL once it is no longer there. Reads only.
SELECT enqueued_at FROM {queue_table} WHERE msg_id = %(msg_id)s;

-- count_before --
-- Messages in {queue_table} sent before a moment (work ahead of what was sent then). Reads only.
SELECT count(*) FROM {queue_table} WHERE enqueued_at < %(before)s;

-- count_dead --
-- Dead letters in {dlq_table} whose original message's field `key` is one of `values`.
SELECT count(*) FROM {dlq_table} WHERE message->'message'->>%(key)s = ANY(%(values)s::text[]);

-- dead_reason --
-- The reason given when message source_msg_id of a queue was dead-lettered to {dlq_table}.
SELECT message->>'reason' FROM {dlq_table}
WHERE message->>'source_msg_id' = %(source_msg_id)s::text LIMIT 1;

-- count_retrying --
-- Messages in {queue_table} whose field `key` is one of `values` whose last attempt failed (an
-- issue recorded for that very read_ct; not merely in flight) and wait for the next; and when
-- the soonest is due. Reads only.
SELECT count(*), min(q.vt) FROM {queue_table} q
WHERE q.message->>%(key)s = ANY(%(values)s::text[]) AND q.read_ct > 0 AND q.vt > now()
  AND EXISTS (SELECT 1 FROM worker_issues wi
              WHERE wi.queue = %(queue)s AND wi.msg_id = q.msg_id AND wi.read_ct = q.read_ct);

-- message_retry --
-- (attempts, when the next is due) for message msg_id of {queue_table}, if its last attempt failed.
SELECT q.read_ct, q.vt FROM {queue_table} q
WHERE q.msg_id = %(msg_id)s AND q.read_ct > 0 AND q.vt > now()
  AND EXISTS (SELECT 1 FROM worker_issues wi
              WHERE wi.queue = %(queue)s AND wi.msg_id = q.msg_id AND wi.read_ct = q.read_ct);

-- oldest_visible_age --
-- Seconds the longest-waiting visible message of {queue_table} has been ready to read (since its
-- vt passed: a new message, a retry whose delay ran out, a lease that expired); NULL when none.
SELECT extract(epoch FROM now() - min(vt))::bigint FROM {queue_table} WHERE vt <= now();
