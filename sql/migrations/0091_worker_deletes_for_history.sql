-- 0030 let the server-wide worker role delete from track_producers (a credit its source no longer
-- lists moves to ended_credits) and watched_artists (`discovery watch remove`); 0060 gave each
-- database a worker role of its own and listed its deletes anew. This database's worker gets those two.
DO $$
BEGIN
    EXECUTE format('GRANT DELETE ON track_producers, watched_artists TO %I', discovery_ensure_role('worker'));
END;
$$;
