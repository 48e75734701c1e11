-- What catalog/history.py reads and writes: credits ended when their source stops listing them,
-- an artist's ended credits (`report --history`), and what changed (`discovery changes`).

-- end_unlisted_credits --
-- The recording's credits in force that this identification did not find again (`kept` lists
-- those it found: producer_id, source, role) move to ended_credits, each with why it ended.
WITH gone AS (
    DELETE FROM track_producers tp USING tracks t
    WHERE t.id = tp.track_id AND t.recording_key = %(recording_key)s
      AND (tp.producer_id, tp.source, tp.role) NOT IN (
          SELECT k.producer_id, k.source, k.role
          FROM jsonb_to_recordset(%(kept)s) AS k(producer_id bigint, source text, role text))
    RETURNING tp.*
)
INSERT INTO ended_credits (track_id, producer_id, source, role, confidence, genius_song_id, genius_song_url,
    genius_section, musicbrainz_recording_id, musicbrainz_relation_type, musicbrainz_attributes, isrc,
    credited_as, source_artist_id, musicbrainz_release_id, musicbrainz_release_title, first_seen_at, ended_because,
    ended_evidence)
SELECT g.track_id, g.producer_id, g.source, g.role, g.confidence, g.genius_song_id, g.genius_song_url,
    g.genius_section, g.musicbrainz_recording_id, g.musicbrainz_relation_type, g.musicbrainz_attributes, g.isrc,
    g.credited_as, g.source_artist_id, g.musicbrainz_release_id, g.musicbrainz_release_title, g.created_at,
    CASE
        WHEN g.source = 'musicbrainz' AND %(credit_source)s::text = 'genius'
            THEN 'Genius credits this recording now (MusicBrainz is read only where Genius names nobody)'
        WHEN g.source = 'genius' AND %(genius_song_id)s::bigint IS NULL
            THEN 'no Genius song matches this recording any more'
        WHEN g.source = 'genius'
            THEN 'Genius song ' || %(genius_song_id)s::bigint || ' no longer credits '
                 || coalesce(g.credited_as, p.name) || ' as ' || g.role
        ELSE 'MusicBrainz no longer credits ' || coalesce(g.credited_as, p.name) || ' as ' || g.role
             || coalesce(' on ISRC ' || g.isrc, '')
    END,
    %(evidence)s
FROM gone g JOIN producers p ON p.id = g.producer_id
RETURNING producer_id;

-- artist_ended_credits --
-- Every ended credit on the artist's tracks, newest first.
SELECT p.name, p.genius_id, p.musicbrainz_id, t.spotify_id, t.name, a.name, e.role, e.source,
       e.confidence::float, e.genius_song_id, e.genius_song_url, e.genius_section, e.musicbrainz_recording_id,
       e.musicbrainz_relation_type, e.musicbrainz_attributes, e.isrc, e.credited_as,
       e.first_seen_at, e.ended_at, e.ended_because, e.ended_evidence
FROM ended_credits e
JOIN tracks t ON t.id = e.track_id
JOIN albums a ON a.spotify_id = t.album_spotify_id
JOIN album_artists aa ON aa.album_spotify_id = a.spotify_id
JOIN producers p ON p.id = e.producer_id
WHERE aa.artist_spotify_id = %(spotify_id)s
ORDER BY e.ended_at DESC, p.name, t.disc_number, t.track_number;

-- artist_first_seen --
-- When each credit in force on the artist's tracks was first seen, by (track, producer name,
-- source, role).
SELECT t.spotify_id, p.name, tp.source, tp.role, tp.created_at
FROM track_producers tp
JOIN tracks t ON t.id = tp.track_id
JOIN album_artists aa ON aa.album_spotify_id = t.album_spotify_id
JOIN producers p ON p.id = tp.producer_id
WHERE aa.artist_spotify_id = %(spotify_id)s;

-- artist_producer_ids --
-- The producers credited (now) on the artist's tracks.
SELECT DISTINCT tp.producer_id FROM track_producers tp
JOIN tracks t ON t.id = tp.track_id
JOIN album_artists aa ON aa.album_spotify_id = t.album_spotify_id
WHERE aa.artist_spotify_id = %(spotify_id)s;

-- ended_socials --
-- The handles these producers' sources no longer list, newest first.
SELECT p.name, e.platform, e.handle, e.source, e.first_seen_at, e.ended_at, e.ended_because
FROM ended_socials e JOIN producers p ON p.id = e.producer_id
WHERE e.producer_id = ANY(%(producer_ids)s)
ORDER BY e.ended_at DESC, p.name, e.platform;

-- recent_changes --
SELECT changed_at, kind, artist, track, producer, source, album, role, detail FROM recent_changes(%(since)s);
