-- Pools, beat and the CLI check at start that every migration has been applied (runtime/startup,
-- ops/environment): the worker role may read the ledger, never write it.
GRANT SELECT ON discovery_migrations TO discovery_worker;
-- A message's attempt count (0011) is forgotten when the message is archived or dead-lettered:
-- the worker role deletes its rows (0010's default privileges grant no DELETE in public).
GRANT DELETE ON message_attempts TO discovery_worker;
-- Merging two producers (automatically during social enrichment, or `discovery producers merge`)
-- removes the merged row, and a manual merge forgets an earlier split between the identities.
GRANT DELETE ON producers, producer_splits TO discovery_worker;
