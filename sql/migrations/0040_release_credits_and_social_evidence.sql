-- Ready for the real APIs (issue 23).
-- A MusicBrainz credit read from a release (editors put a producer on the release when they do
-- not know which tracks they produced) names that release; recording-level credits leave these NULL.
ALTER TABLE track_producers
    ADD COLUMN musicbrainz_release_id     text,
    ADD COLUMN musicbrainz_release_title  text;

-- What a social profile rests on when it is not the Genius artist's own field: for a link from
-- MusicBrainz, the artist and the url relation it came from ({"musicbrainz_artist_id", "relation_type", "url"}).
ALTER TABLE producer_socials
    ADD COLUMN evidence  jsonb;
