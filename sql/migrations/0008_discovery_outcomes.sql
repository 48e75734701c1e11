-- What each artist_discovery message came to, so that "no such artist" and "no albums or singles"
-- are results a user can read (seed --follow, report, discovery artists), not dead letters.

CREATE TABLE artist_searches (
    msg_id             bigint PRIMARY KEY,          -- the artist_discovery message
    query              text NOT NULL,               -- the name as typed, or the Spotify id asked for
    outcome            text NOT NULL CHECK (outcome IN ('found', 'not_found')),
    artist_spotify_id  text REFERENCES artists (spotify_id),
    -- Other Spotify artists with the same normalised name: [{"id", "name", "popularity"?}]
    alternatives       jsonb NOT NULL DEFAULT '[]',
    detail             text NOT NULL DEFAULT '',
    searched_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX artist_searches_artist ON artist_searches (artist_spotify_id);

-- Spotify's own count of the artist's releases in the groups asked for (first page's total):
-- 0 means "this artist has no albums or singles", NULL means not looked at yet.
ALTER TABLE artists ADD COLUMN releases_total integer;
