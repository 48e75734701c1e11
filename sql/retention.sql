-- Retention: rollups into totals, and pruning what is old. Blocks as in queries.sql.

-- lock_rollup --
-- One rollup or prune at a time in the whole deployment (held until the transaction ends).
SELECT pg_advisory_xact_lock(7135146222);

-- watermark --
-- Everything recorded at or before this moment is already counted in the totals.
SELECT rolled_up_to FROM rollup_watermark;

-- rollup_until --
-- Roll up to this moment: rows are stamped when their transaction began, so one still open
-- (a slow task) commits rows older than now; lag_s leaves it time to commit.
SELECT now() - make_interval(secs => %(lag_s)s);

-- retention_cutoff --
-- Rows and archived messages recorded before this moment are old enough to prune.
SELECT now() - make_interval(secs => %(older_than_s)s);

-- rollup_metrics --
-- Add the queue_metrics rows recorded in (since, until] to queue_metric_totals.
INSERT INTO queue_metric_totals AS t (queue, kind, outcome, events, read_count, dispatched, dead_lettered, duration_ms)
SELECT queue, kind, coalesce(outcome, ''), count(*), sum(read_count), sum(dispatched), sum(dead_lettered), sum(duration_ms)
FROM queue_metrics
WHERE recorded_at > %(since)s AND recorded_at <= %(until)s
GROUP BY queue, kind, coalesce(outcome, '')
ON CONFLICT (queue, kind, outcome) DO UPDATE SET
    events = t.events + EXCLUDED.events,
    read_count = t.read_count + EXCLUDED.read_count,
    dispatched = t.dispatched + EXCLUDED.dispatched,
    dead_lettered = t.dead_lettered + EXCLUDED.dead_lettered,
    duration_ms = t.duration_ms + EXCLUDED.duration_ms;

-- rollup_issues --
-- Add the worker_issues rows recorded in (since, until] to worker_issue_totals.
INSERT INTO worker_issue_totals AS t (queue, error_type, issues)
SELECT queue, error_type, count(*)
FROM worker_issues
WHERE created_at > %(since)s AND created_at <= %(until)s
GROUP BY queue, error_type
ON CONFLICT (queue, error_type) DO UPDATE SET issues = t.issues + EXCLUDED.issues;

-- move_watermark --
-- The totals now count everything up to `until`.
UPDATE rollup_watermark SET rolled_up_to = %(until)s;

-- count_old_metrics --
-- queue_metrics rows prune would remove: older than the cutoff and already rolled up.
SELECT count(*) FROM queue_metrics WHERE recorded_at < %(cutoff)s AND recorded_at <= %(watermark)s;

-- prune_metrics --
-- Remove queue_metrics rows older than the cutoff that the totals already count.
DELETE FROM queue_metrics WHERE recorded_at < %(cutoff)s AND recorded_at <= %(watermark)s;

-- count_old_issues --
-- worker_issues rows prune would remove (those of a message still in {dlq_table} stay).
SELECT count(*) FROM worker_issues AS issue
WHERE issue.queue = %(queue)s AND issue.created_at < %(cutoff)s AND issue.created_at <= %(watermark)s
  AND NOT EXISTS (SELECT 1 FROM {dlq_table} AS dead
                  WHERE dead.message->>'source_msg_id' = issue.msg_id::text);

-- prune_issues --
-- Remove old, rolled-up worker_issues rows of one queue, except those of a message still in
-- {dlq_table}: `dlq list` shows its first and last failure.
DELETE FROM worker_issues AS issue
WHERE issue.queue = %(queue)s AND issue.created_at < %(cutoff)s AND issue.created_at <= %(watermark)s
  AND NOT EXISTS (SELECT 1 FROM {dlq_table} AS dead
                  WHERE dead.message->>'source_msg_id' = issue.msg_id::text);

-- count_old_archive --
-- Archived messages of one queue (or DLQ) older than the cutoff, in {archive_table}.
SELECT count(*) FROM {archive_table} WHERE archived_at < %(cutoff)s;

-- prune_archive --
-- Remove archived messages older than the cutoff from {archive_table} (a DLQ's own messages,
-- in pgmq.q_<queue>_dlq, are never touched: only `dlq purge` moves them).
DELETE FROM {archive_table} WHERE archived_at < %(cutoff)s;

-- metric_totals_since --
-- Exporter: per queue, kind and outcome, the raw rows recorded after the watermark.
SELECT queue, kind, coalesce(outcome, ''), count(*), sum(read_count), sum(dispatched), sum(dead_lettered), sum(duration_ms)
FROM queue_metrics WHERE recorded_at > %(watermark)s
GROUP BY queue, kind, coalesce(outcome, '');

-- metric_totals --
-- Exporter: per queue, kind and outcome, everything rolled up so far.
SELECT queue, kind, outcome, events, read_count, dispatched, dead_lettered, duration_ms FROM queue_metric_totals;

-- issue_totals_since --
-- Exporter: per queue and error type, the raw issues recorded after the watermark.
SELECT queue, error_type, count(*) FROM worker_issues WHERE created_at > %(watermark)s GROUP BY queue, error_type;

-- issue_totals --
-- Exporter: per queue and error type, everything rolled up so far.
SELECT queue, error_type, issues FROM worker_issue_totals;
