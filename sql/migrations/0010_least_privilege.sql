-- Least privilege: `discovery_worker` is what the pools, beat and the CLI connect as (through a
-- login role granted it; see README "Least privilege"). It reads and writes the project's tables
-- and PGMQ's queue tables, and calls the functions it uses; it owns nothing, creates nothing,
-- and cannot create or drop queues. The role that runs migrations stays the owner.

-- Roles belong to the whole server: another database (or a concurrent migration) may have
-- created it already.
DO $$
BEGIN
    CREATE ROLE discovery_worker NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END;
$$;

DO $$
BEGIN
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO discovery_worker', current_database());
END;
$$;

GRANT USAGE ON SCHEMA public, pgmq TO discovery_worker;

-- The domain (upserts only: no code deletes from it).
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO discovery_worker;
REVOKE ALL ON discovery_migrations FROM discovery_worker;
-- What the machinery records about itself, and prunes (beat's daily retention).
GRANT DELETE ON queue_metrics, worker_issues TO discovery_worker;
-- PGMQ's functions run with the caller's rights: send/read/archive touch the queue and archive
-- tables, metrics read pgmq.meta; prune deletes old archived messages.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgmq TO discovery_worker;
REVOKE INSERT, UPDATE, DELETE ON pgmq.meta FROM discovery_worker;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA pgmq TO discovery_worker;

-- Tables later migrations add (a new worker type's queue and its own tables) follow the same
-- rule without each migration having to remember it.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE ON TABLES TO discovery_worker;
ALTER DEFAULT PRIVILEGES IN SCHEMA pgmq GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO discovery_worker;
ALTER DEFAULT PRIVILEGES IN SCHEMA pgmq GRANT USAGE, SELECT ON SEQUENCES TO discovery_worker;

-- Creating or dropping queues is the owner's (migrations): not callable by the worker role.
DO $$
DECLARE
    fn regprocedure;
BEGIN
    FOR fn IN
        SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'pgmq' AND p.proname IN ('create', 'create_non_partitioned', 'create_partitioned',
              'create_unlogged', 'drop_queue', 'purge_queue', 'detach_archive', 'convert_archive_partitioned')
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', fn);
    END LOOP;
END;
$$;

-- The front door runs with its owner's rights and a fixed search_path (nothing a caller puts on
-- its own path can stand in for pgmq.send or a built-in), and only roles granted it may call it:
-- a seeding role needs nothing else.
ALTER FUNCTION start_artist_discovery(text) SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION start_artist_discovery_by_id(text) SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
REVOKE EXECUTE ON FUNCTION start_artist_discovery(text), start_artist_discovery_by_id(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION start_artist_discovery(text), start_artist_discovery_by_id(text) TO discovery_worker;
