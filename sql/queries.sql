-- Every runtime query, by name. A block starts with "-- name --", then a comment that says
-- what it does, then one statement. Callers write queries["name"]; placeholders only.

-- send --
-- Put one message on a PGMQ queue (delay_s seconds before it becomes visible); returns msg_id.
SELECT * FROM pgmq.send(%(queue)s, %(message)s::jsonb, %(delay_s)s::integer) AS msg_id;

-- read --
-- Read up to qty visible messages, hiding them for vt_s seconds (read_ct goes up by one).
SELECT msg_id, read_ct, enqueued_at, message FROM pgmq.read(%(queue)s, %(vt_s)s::integer, %(qty)s::integer);

-- archive --
-- Move a message to its queue's archive table (never deleted: the archive is the audit trail).
SELECT pgmq.archive(%(queue)s, %(msg_id)s::bigint) AS archived;

-- claim --
-- Lock the message row until commit; true when this delivery (read_ct) still owns it.
SELECT discovery_claim(%(queue)s, %(msg_id)s, %(read_ct)s) AS owned;

-- set_vt --
-- Fenced visibility change: extend a lease or give the message back for later.
SELECT discovery_set_vt(%(queue)s, %(msg_id)s, %(read_ct)s, %(vt_s)s) AS updated;

-- dead_letter --
-- Wrap the message with its reason into <queue>_dlq and archive it; NULL when not owned.
SELECT discovery_dead_letter(%(queue)s, %(msg_id)s, %(read_ct)s, %(error_type)s, %(reason)s) AS dlq_msg_id;

-- queue_depth --
-- Visible and in-flight messages, and the oldest message's age, for one queue.
SELECT queue_length, queue_visible_length, oldest_msg_age_sec FROM pgmq.metrics(%(queue)s);

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
-- Seed by name (validated in SQL); returns the msg_id.
SELECT start_artist_discovery(%(artist_name)s) AS msg_id;

-- start_artist_discovery_by_id --
-- Seed by Spotify artist id (validated in SQL); returns the msg_id.
SELECT start_artist_discovery_by_id(%(spotify_id)s) AS msg_id;

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
