-- An album Spotify lists under several artists (a joint album) belongs to each of them: reports,
-- progress and counts go through this link, not albums.artist_spotify_id (the artist the album
-- was first discovered for, kept as it was). Only discovered artists are linked: an artist
-- gets its link when its own album discovery meets the album.

CREATE TABLE album_artists (
    album_spotify_id   text NOT NULL REFERENCES albums (spotify_id) ON DELETE CASCADE,
    artist_spotify_id  text NOT NULL REFERENCES artists (spotify_id) ON DELETE CASCADE,
    position           integer,  -- 1-based place in the album's Spotify `artists` list
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (album_spotify_id, artist_spotify_id)
);
CREATE INDEX album_artists_artist_idx ON album_artists (artist_spotify_id);

INSERT INTO album_artists (album_spotify_id, artist_spotify_id, position)
SELECT spotify_id, artist_spotify_id, 1 FROM albums
ON CONFLICT DO NOTHING;
