-- Pools, beat and the CLI check at start that every migration has been applied (runtime/startup,
-- ops/environment): the worker role may read the ledger, never write it.
GRANT SELECT ON discovery_migrations TO discovery_worker;
