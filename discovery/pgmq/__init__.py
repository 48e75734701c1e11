"""The queue plumbing: PGMQ (queues is its only caller), our delivery records, message shapes, the
connection pool, the SQL loader and migrations."""
