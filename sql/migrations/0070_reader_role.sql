-- Least privilege for the platform's page (`discovery web`): it connects as this database's reader
-- role (0060's scheme: `<database>_reader`, `discovery_reader` for the database `discovery`), which
-- reads the project's tables and this project's queues (the live progress of a seed reads its
-- queue) and may call the seed function, and nothing else: no INSERT, UPDATE, DELETE or TRUNCATE
-- anywhere, no sequences, no temporary tables, no other application's queue, no PGMQ function that
-- writes (they run with the caller's rights, so the missing table rights stop them).
-- start_artist_discovery runs as its owner (SECURITY DEFINER), so seeding needs only EXECUTE on it.

DO $$
DECLARE
    reader name := discovery_ensure_role('reader');
    queue text;
BEGIN
    -- discovery_ensure_role grants CONNECT and TEMPORARY; the page needs no temporary tables.
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM %I', current_database(), reader);
    EXECUTE format('GRANT USAGE ON SCHEMA public, pgmq TO %I', reader);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA public TO %I', reader);
    EXECUTE format('REVOKE ALL ON discovery_migrations FROM %I', reader);
    -- Tables later migrations add are readable without each migration having to remember it.
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO %I', reader);
    EXECUTE format('GRANT EXECUTE ON FUNCTION start_artist_discovery(text), start_artist_discovery_by_id(text) TO %I',
                   reader);
    -- This project's queues (and their DLQs and archives) only, as 0060 granted them to the worker.
    FOR queue IN
        SELECT queue_name FROM pgmq.meta
        WHERE split_part(queue_name, '_', 1) || '_' || split_part(queue_name, '_', 2) IN
              ('artist_discovery', 'album_discovery', 'track_discovery', 'producer_identification', 'social_enrichment')
    LOOP
        EXECUTE format('GRANT SELECT ON pgmq.%I, pgmq.%I TO %I', 'q_' || queue, 'a_' || queue, reader);
    END LOOP;
END;
$$;

-- A queue granted to the worker from now on (a later migration's discovery_grant_queue) is readable
-- by the reader too.
CREATE OR REPLACE FUNCTION discovery_grant_queue(queue text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    worker name := discovery_ensure_role('worker');
    reader name := discovery_ensure_role('reader');
    name_ text;
BEGIN
    FOREACH name_ IN ARRAY ARRAY[queue, queue || '_dlq'] LOOP
        IF to_regclass(format('pgmq.%I', 'q_' || name_)) IS NULL THEN
            IF name_ = queue THEN
                RAISE EXCEPTION 'discovery_grant_queue: no PGMQ queue %', quote_literal(queue);
            END IF;
            CONTINUE;
        END IF;
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON pgmq.%I, pgmq.%I TO %I',
                       'q_' || name_, 'a_' || name_, worker);
        EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE pgmq.%I TO %I', 'q_' || name_ || '_msg_id_seq', worker);
        EXECUTE format('GRANT SELECT ON pgmq.%I, pgmq.%I TO %I', 'q_' || name_, 'a_' || name_, reader);
    END LOOP;
END;
$$;
REVOKE EXECUTE ON FUNCTION discovery_grant_queue(text) FROM PUBLIC;
