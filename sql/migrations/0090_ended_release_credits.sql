-- An ended credit keeps the release its MusicBrainz evidence named (0040), as it keeps the rest.
ALTER TABLE ended_credits
    ADD COLUMN IF NOT EXISTS musicbrainz_release_id     text,
    ADD COLUMN IF NOT EXISTS musicbrainz_release_title  text;
