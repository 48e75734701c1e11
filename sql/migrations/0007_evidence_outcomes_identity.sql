-- Trust you can check: what each credit rests on, why a track has (or lacks) its credits, and
-- one producer across the names the sources give them.

-- Evidence per credit: the Genius song (id, URL, the section as written) or the MusicBrainz
-- recording (id, relation type and attributes, the ISRC that reached it), the name as the source
-- wrote it and the source's own artist id (so a split can hand each credit back to its person).
ALTER TABLE track_producers
    ADD COLUMN genius_song_id            bigint,
    ADD COLUMN genius_song_url           text,
    ADD COLUMN genius_section            text,
    ADD COLUMN musicbrainz_recording_id  text,
    ADD COLUMN musicbrainz_relation_type text,
    ADD COLUMN musicbrainz_attributes    text[],
    ADD COLUMN isrc                      text,
    ADD COLUMN credited_as               text,
    ADD COLUMN source_artist_id          text;

-- One outcome per recording (NULL: not attempted yet), with what it rests on; and, with
-- DISCOVERY_CROSS_CHECK=musicbrainz, whether the two sources agree.
ALTER TABLE recordings
    ADD COLUMN outcome             text,
    ADD COLUMN outcome_detail      jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN cross_check         text,
    ADD COLUMN cross_check_detail  jsonb NOT NULL DEFAULT '{}';
CREATE INDEX recordings_outcome_idx ON recordings (outcome);

-- Which source identity (a Genius artist id, a MusicBrainz artist id) is which producer, and why.
CREATE TABLE producer_links (
    source       text NOT NULL CHECK (source IN ('genius', 'musicbrainz')),
    external_id  text NOT NULL,
    producer_id  bigint NOT NULL REFERENCES producers (id) ON DELETE CASCADE,
    name         text NOT NULL,           -- the name this source gives the person
    reason       text NOT NULL,
    manual       boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, external_id)
);
CREATE INDEX producer_links_producer_idx ON producer_links (producer_id);

INSERT INTO producer_links (source, external_id, producer_id, name, reason)
SELECT 'genius', genius_id::text, id, name, 'first credited by Genius' FROM producers WHERE genius_id IS NOT NULL;
INSERT INTO producer_links (source, external_id, producer_id, name, reason)
SELECT 'musicbrainz', musicbrainz_id, id, name, 'first credited by MusicBrainz' FROM producers WHERE musicbrainz_id IS NOT NULL;

-- The other names a source gives a person: Genius alternate_names, MusicBrainz aliases.
CREATE TABLE producer_aliases (
    producer_id       bigint NOT NULL REFERENCES producers (id) ON DELETE CASCADE,
    source            text NOT NULL CHECK (source IN ('genius', 'musicbrainz')),
    external_id       text NOT NULL,
    alias             text NOT NULL,
    normalized_alias  text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, external_id, normalized_alias)
);
CREATE INDEX producer_aliases_normalized_idx ON producer_aliases (normalized_alias);
CREATE INDEX producer_aliases_producer_idx ON producer_aliases (producer_id);

-- Producers merged into another (by a rule or by hand): a message naming the old id follows it.
CREATE TABLE producer_merges (
    merged_id   bigint PRIMARY KEY,
    into_id     bigint NOT NULL,
    reason      text NOT NULL,
    manual      boolean NOT NULL DEFAULT false,
    merged_at   timestamptz NOT NULL DEFAULT now()
);

-- Source identities a person said are different people: no rule links them again.
CREATE TABLE producer_splits (
    source_a  text NOT NULL,
    id_a      text NOT NULL,
    source_b  text NOT NULL,
    id_b      text NOT NULL,
    split_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_a, id_a, source_b, id_b)
);
