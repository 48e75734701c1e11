-- The fast lane: a seed sent with SQL notifies the listener in beat's process
-- (runtime/listener.py), which runs the artist bridge at once instead of on the next tick.
SELECT pgmq.enable_notify_insert('artist_discovery');
