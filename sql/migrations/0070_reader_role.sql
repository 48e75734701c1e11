-- Least privilege for the platform's page (`discovery web`): it connects as `discovery_reader`,
-- which reads the project's tables and PGMQ's (the live progress of a seed reads its queue) and
-- may call the seed function, and nothing else: no INSERT, UPDATE, DELETE or TRUNCATE anywhere,
-- no sequences, no temporary tables, no PGMQ function that writes (they run with the caller's
-- rights, so the missing table rights stop them). start_artist_discovery runs as its owner
-- (0010: SECURITY DEFINER), so seeding needs only EXECUTE on it.
--
-- The role's name is in one place (`reader` below), and every grant is written against it: a
-- per-database name is a one-line change.

DO $$
DECLARE
    reader CONSTANT text := 'discovery_reader';
BEGIN
    -- Roles belong to the whole server: another database may have created it already.
    BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', reader);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
    END;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), reader);
    EXECUTE format('GRANT USAGE ON SCHEMA public, pgmq TO %I', reader);
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA public, pgmq TO %I', reader);
    -- Tables later migrations add are readable without each migration having to remember it.
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public, pgmq GRANT SELECT ON TABLES TO %I', reader);
    EXECUTE format('GRANT EXECUTE ON FUNCTION start_artist_discovery(text), start_artist_discovery_by_id(text) TO %I',
                   reader);
END;
$$;
