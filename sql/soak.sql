-- What the soak checks at the end, per queue. Blocks as in queries.sql. Reads only.

-- ledger --
-- Messages of one queue that were committed: archived (processed or dead-lettered), still
-- waiting, and dead-lettered (in its DLQ, or archived from it by replay or purge).
SELECT (SELECT count(*) FROM {archive_table}),
       (SELECT count(*) FROM {queue_table}),
       (SELECT count(*) FROM {dlq_table}) + (SELECT count(*) FROM {dlq_archive_table});

-- doubled_dead_letters --
-- Source messages dead-lettered more than once.
SELECT count(*) FROM (
    SELECT message->>'source_msg_id' FROM {dlq_table} GROUP BY 1 HAVING count(*) > 1
) AS doubled;

-- doubled_messages --
-- Identical messages sent more than once to one queue (a source processed twice in effect).
SELECT count(*) FROM (
    SELECT message FROM (SELECT message FROM {archive_table} UNION ALL SELECT message FROM {queue_table}) AS sent
    GROUP BY message HAVING count(*) > 1
) AS doubled;

-- duplicate_external_ids --
-- Rows sharing an external id (the unique constraints forbid it; counted, not assumed).
SELECT (SELECT count(*) FROM (SELECT spotify_id FROM artists GROUP BY 1 HAVING count(*) > 1) a)
     + (SELECT count(*) FROM (SELECT spotify_id FROM albums GROUP BY 1 HAVING count(*) > 1) b)
     + (SELECT count(*) FROM (SELECT spotify_id FROM tracks GROUP BY 1 HAVING count(*) > 1) c)
     + (SELECT count(*) FROM (SELECT genius_id FROM producers WHERE genius_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1) d)
     + (SELECT count(*) FROM (SELECT musicbrainz_id FROM producers WHERE musicbrainz_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1) e)
     + (SELECT count(*) FROM (SELECT producer_id, platform FROM producer_socials GROUP BY 1, 2 HAVING count(*) > 1) f);

-- terminate_backends --
-- Every other connection to this database, terminated (a failover as the clients see it).
SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid();
