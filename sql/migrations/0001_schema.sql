-- The domain: artists -> albums -> tracks -> credits -> producers -> social profiles,
-- plus what the machinery records about itself. Every external id is unique, so every
-- write is an upsert and a message delivered twice cannot add a row.

CREATE TABLE artists (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    spotify_id    text NOT NULL UNIQUE,
    name          text NOT NULL,
    popularity    integer,
    followers     integer,
    genres        text[] NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE albums (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    spotify_id              text NOT NULL UNIQUE,
    artist_spotify_id       text NOT NULL REFERENCES artists (spotify_id),
    name                    text NOT NULL,
    album_type              text,
    album_group             text,
    release_date            text,
    release_date_precision  text,
    total_tracks            integer,
    label                   text,
    upc                     text,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX albums_artist_idx ON albums (artist_spotify_id);

CREATE TABLE tracks (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    spotify_id         text NOT NULL UNIQUE,
    album_spotify_id   text NOT NULL REFERENCES albums (spotify_id),
    name               text NOT NULL,
    isrc               text,
    disc_number        integer,
    track_number       integer,
    duration_ms        integer,
    explicit           boolean,
    artist_names       text[] NOT NULL DEFAULT '{}',
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tracks_album_idx ON tracks (album_spotify_id);
CREATE INDEX tracks_isrc_idx ON tracks (isrc);

CREATE TABLE producers (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name               text NOT NULL,
    normalized_name    text NOT NULL,
    genius_id          bigint UNIQUE,
    musicbrainz_id     text UNIQUE,
    genius_url         text,
    enriched_at        timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (genius_id IS NOT NULL OR musicbrainz_id IS NOT NULL)
);
CREATE INDEX producers_normalized_name_idx ON producers (normalized_name);

CREATE TABLE track_producers (
    track_id      bigint NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
    producer_id   bigint NOT NULL REFERENCES producers (id) ON DELETE CASCADE,
    source        text NOT NULL CHECK (source IN ('genius', 'musicbrainz')),
    role          text NOT NULL,
    confidence    numeric(4, 3) NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (track_id, producer_id, source, role)
);

CREATE TABLE producer_socials (
    producer_id    bigint NOT NULL REFERENCES producers (id) ON DELETE CASCADE,
    platform       text NOT NULL,
    handle         text,                -- NULL: looked for and not found (checked_at says when)
    url            text,
    followers      integer,
    verified       boolean,
    biography      text,
    external_url   text,
    source         text NOT NULL,
    checked_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (producer_id, platform)
);

-- One row per bridge batch (kind 'batch') and per task outcome (kind 'task').
CREATE TABLE queue_metrics (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    queue           text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('batch', 'task', 'pause')),
    outcome         text,
    read_count      integer NOT NULL DEFAULT 0,
    dispatched      integer NOT NULL DEFAULT 0,
    dead_lettered   integer NOT NULL DEFAULT 0,
    msg_id          bigint,
    duration_ms     integer NOT NULL DEFAULT 0,
    detail          text
);
CREATE INDEX queue_metrics_queue_time_idx ON queue_metrics (queue, recorded_at);

-- One row per failure: what failed, on which delivery, and why.
CREATE TABLE worker_issues (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at    timestamptz NOT NULL DEFAULT now(),
    queue         text NOT NULL,
    msg_id        bigint,
    read_ct       integer,
    error_type    text NOT NULL,
    message       text NOT NULL,
    payload       jsonb
);
CREATE INDEX worker_issues_queue_msg_idx ON worker_issues (queue, msg_id);
