-- The five work queues and a dead-letter queue for each. pgmq.create is idempotent.
SELECT pgmq.create('artist_discovery');
SELECT pgmq.create('album_discovery');
SELECT pgmq.create('track_discovery');
SELECT pgmq.create('producer_identification');
SELECT pgmq.create('social_enrichment');
SELECT pgmq.create('artist_discovery_dlq');
SELECT pgmq.create('album_discovery_dlq');
SELECT pgmq.create('track_discovery_dlq');
SELECT pgmq.create('producer_identification_dlq');
SELECT pgmq.create('social_enrichment_dlq');
