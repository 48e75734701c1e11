-- The newest changes for a page that shows a few (`discovery web`'s home page): recent_changes
-- from the latest time after which at least `max_rows` releases, tracks or ended credits were
-- written, not from `since` over a whole catalog's week. Each such row makes at least one change
-- row, so the newest `max_rows` changes all come after that time: the answer is the same as
-- recent_changes(since) cut to its newest `max_rows`, and reads only the recent rows (at 800,000
-- credits all stored this week, recent_changes(since) reads them all: seconds a page).
CREATE INDEX IF NOT EXISTS ended_credits_ended_at_idx ON ended_credits (ended_at);

CREATE FUNCTION recent_changes(since timestamptz, max_rows integer)
RETURNS TABLE (changed_at timestamptz, kind text, artist text, track text, producer text, source text,
               album text, role text, detail text)
LANGUAGE sql STABLE AS $$
    SELECT c.* FROM recent_changes(greatest(since, coalesce((
        SELECT s.at FROM (
            (SELECT a.created_at AS at FROM albums a ORDER BY a.created_at DESC LIMIT max_rows)
            UNION ALL (SELECT t.created_at FROM tracks t ORDER BY t.created_at DESC LIMIT max_rows)
            UNION ALL (SELECT e.ended_at FROM ended_credits e ORDER BY e.ended_at DESC LIMIT max_rows)
        ) s ORDER BY s.at DESC OFFSET greatest(max_rows, 1) - 1 LIMIT 1), since))) c
    ORDER BY c.changed_at DESC, c.kind, c.artist, c.track, c.producer
    LIMIT max_rows
$$;
