-- A stage made from now on (a plug-in worker type's migration: SELECT discovery_create_stage('q'))
-- has its three lane queues and their DLQs granted to this database's worker and reader roles
-- (0060, 0070): they may use only the queues granted so.
CREATE OR REPLACE FUNCTION discovery_create_stage(stage text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    suffix text;
BEGIN
    FOREACH suffix IN ARRAY ARRAY['', '_bulk', '_refresh'] LOOP
        PERFORM pgmq.create(stage || suffix);
        PERFORM pgmq.create(stage || suffix || '_dlq');
        PERFORM discovery_grant_queue(stage || suffix);
    END LOOP;
END;
$$;
REVOKE EXECUTE ON FUNCTION discovery_create_stage(text) FROM PUBLIC;
