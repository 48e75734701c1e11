-- The attempts a message has spent (message_attempts), by name; see pgmq/attempts.py.

-- throttled_reads --
-- How many reads of each of msg_ids were throttled give-backs (messages never throttled are absent).
SELECT msg_id, throttled FROM message_attempts
WHERE queue = %(queue)s AND msg_id = ANY(%(msg_ids)s::bigint[]);

-- count_throttle --
-- One more read of the message that was given back because an API was held: not an attempt.
INSERT INTO message_attempts AS counted (queue, msg_id, throttled) VALUES (%(queue)s, %(msg_id)s, 1)
ON CONFLICT (queue, msg_id) DO UPDATE SET throttled = counted.throttled + 1, updated_at = now();

-- count_failure --
-- One more failed attempt recorded by a worker.
INSERT INTO message_attempts AS counted (queue, msg_id, failures) VALUES (%(queue)s, %(msg_id)s, 1)
ON CONFLICT (queue, msg_id) DO UPDATE SET failures = counted.failures + 1, updated_at = now();

-- dead_letter_counted --
-- discovery_dead_letter, writing the attempts spent into the DLQ wrapper; NULL when not owned.
SELECT discovery_dead_letter(%(queue)s, %(msg_id)s, %(read_ct)s, %(error_type)s, %(reason)s,
                             %(attempts)s::integer) AS dlq_msg_id;

-- retrying_by_queue --
-- Messages still queued that have failed at least once (archived or dead ones are forgotten),
-- per queue, and those given back at least once while an API was held.
SELECT queue, count(*) FILTER (WHERE failures > 0), count(*) FILTER (WHERE throttled > 0)
FROM message_attempts GROUP BY queue;

-- extend_leases --
-- Fenced, never shortening: move the vt of these deliveries (msg_ids[i] read read_cts[i] times)
-- to now + vt_s; returns how many still owned their message.
SELECT discovery_extend_leases(%(queue)s, %(msg_ids)s::bigint[], %(read_cts)s::integer[], %(vt_s)s) AS extended;
