-- Least privilege per deployment (SECURITY.md). 0010 made one server-wide `discovery_worker` with
-- every right on every table of the `pgmq` schema, now and to come: it could read and delete other
-- applications' queues, set the fast lane's notify throttle to a day, and connect to every
-- database migrated on the same server. From here:
-- - each database has roles of its own, named by discovery_role_name(kind): `<database>_<kind>`
--   (`discovery_worker` for the database `discovery`), or `db_<md5 of the database name>_<kind>`
--   when that passes Postgres's 63 bytes; discovery_roles records the name a database chose;
-- - only roles granted it may connect to the database (PUBLIC may not);
-- - the worker role has rights on this project's queues only, each granted by
--   discovery_grant_queue(queue) (a later migration that creates a queue calls it), and on PGMQ's
--   notify throttle only the column its insert trigger updates.

CREATE TABLE discovery_roles (
    kind  text PRIMARY KEY,          -- worker (this migration), reader, ...
    role  name NOT NULL UNIQUE
);

CREATE FUNCTION discovery_role_name(kind text) RETURNS name
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN octet_length(current_database() || '_' || kind) <= 63
                THEN current_database() || '_' || kind
                ELSE 'db_' || md5(current_database()) || '_' || kind END::name;
$$;

-- This database's role of `kind`, made (NOLOGIN) and recorded the first time, with CONNECT here.
-- A copy of the database (CREATE DATABASE ... TEMPLATE) keeps its template's roles and grants.
CREATE FUNCTION discovery_ensure_role(kind text) RETURNS name
LANGUAGE plpgsql AS $$
DECLARE
    chosen name;
BEGIN
    SELECT r.role INTO chosen FROM discovery_roles r WHERE r.kind = discovery_ensure_role.kind;
    IF chosen IS NULL THEN
        chosen := discovery_role_name(kind);
        INSERT INTO discovery_roles (kind, role) VALUES (kind, chosen);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = chosen) THEN
        BEGIN
            EXECUTE format('CREATE ROLE %I NOLOGIN', chosen);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- a concurrent migration of a copy made it
        END;
    END IF;
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), chosen);
    RETURN chosen;
END;
$$;

-- The worker role may use `queue` and, when it exists, `<queue>_dlq`: their queue and archive
-- tables and the queue's msg_id sequence. Nothing else of PGMQ's is granted to it.
CREATE FUNCTION discovery_grant_queue(queue text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    worker name := discovery_ensure_role('worker');
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
    END LOOP;
END;
$$;

REVOKE EXECUTE ON FUNCTION discovery_ensure_role(text), discovery_grant_queue(text) FROM PUBLIC;

DO $$
DECLARE
    worker name := discovery_ensure_role('worker');
    queue text;
BEGIN
    -- The server-wide role of 0010 keeps nothing here, unless it is this database's own.
    IF worker <> 'discovery_worker' AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'discovery_worker') THEN
        REVOKE ALL ON ALL TABLES IN SCHEMA public, pgmq FROM discovery_worker;
        REVOKE ALL ON ALL SEQUENCES IN SCHEMA public, pgmq FROM discovery_worker;
        REVOKE ALL ON FUNCTION start_artist_discovery(text), start_artist_discovery_by_id(text) FROM discovery_worker;
        REVOKE ALL ON SCHEMA public, pgmq FROM discovery_worker;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM discovery_worker;
        ALTER DEFAULT PRIVILEGES IN SCHEMA pgmq REVOKE ALL ON TABLES FROM discovery_worker;
        ALTER DEFAULT PRIVILEGES IN SCHEMA pgmq REVOKE ALL ON SEQUENCES FROM discovery_worker;
        EXECUTE format('REVOKE ALL ON DATABASE %I FROM discovery_worker', current_database());
    END IF;

    EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT USAGE ON SCHEMA public, pgmq TO %I', worker);

    -- The domain and the machinery's own tables, as 0010 and 0017 granted them.
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO %I', worker);
    EXECUTE format('REVOKE ALL ON discovery_migrations, discovery_roles FROM %I', worker);
    EXECUTE format('GRANT SELECT ON discovery_migrations, discovery_roles TO %I', worker);
    EXECUTE format('GRANT DELETE ON queue_metrics, worker_issues, message_attempts, producers, producer_splits TO %I',
                   worker);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE ON TABLES TO %I', worker);
    EXECUTE format('GRANT EXECUTE ON FUNCTION start_artist_discovery(text), start_artist_discovery_by_id(text) TO %I',
                   worker);

    -- PGMQ: nothing by default; this project's queues one by one.
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA pgmq FROM %I', worker);
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA pgmq FROM %I', worker);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA pgmq REVOKE ALL ON TABLES FROM %I', worker);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA pgmq REVOKE ALL ON SEQUENCES FROM %I', worker);
    -- Every queue named after one of the five stages: the stage's own and its DLQ, and any lane
    -- (`<stage>_bulk`, ...) an earlier-numbered migration of a parallel branch made. Queues made
    -- after this migration are granted by the migration that makes them.
    FOR queue IN
        SELECT queue_name FROM pgmq.meta
        WHERE queue_name NOT LIKE '%\_dlq'
          AND split_part(queue_name, '_', 1) || '_' || split_part(queue_name, '_', 2) IN
              ('artist_discovery', 'album_discovery', 'track_discovery', 'producer_identification', 'social_enrichment')
    LOOP
        PERFORM discovery_grant_queue(queue);
    END LOOP;
    -- The fast lane's insert trigger (0015) runs as whoever sends: it reads the throttle and
    -- stamps last_notified_at. Setting the throttle itself is the owner's.
    EXECUTE format('GRANT SELECT, UPDATE (last_notified_at) ON pgmq.notify_insert_throttle TO %I', worker);
END;
$$;
