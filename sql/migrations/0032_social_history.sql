-- Social handles follow the credits' rule: a handle found again keeps when it was first seen
-- (handle_since; before this migration, when it was last checked), and one its source no longer
-- lists (another handle, or none) is ended into ended_socials with when and why.
ALTER TABLE producer_socials ADD COLUMN handle_since timestamptz;
UPDATE producer_socials SET handle_since = checked_at WHERE handle IS NOT NULL;

CREATE TABLE ended_socials (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    producer_id    bigint NOT NULL REFERENCES producers (id) ON DELETE CASCADE,
    platform       text NOT NULL,
    handle         text NOT NULL,
    url            text,
    followers      integer,
    source         text NOT NULL,
    first_seen_at  timestamptz,
    ended_at       timestamptz NOT NULL DEFAULT now(),
    ended_because  text NOT NULL
);
CREATE INDEX ended_socials_producer_idx ON ended_socials (producer_id);
