-- One producer across their names: links from source identities, aliases, merges and splits.

-- identity_lock_shared --
-- Credit writes share this lock; merges and splits take it alone (a merge never deletes a
-- producer a concurrent credit is being written for).
SELECT pg_advisory_xact_lock_shared(hashtext('producer-identity'));

-- credit_locks --
-- A credit writer's two locks in one round trip, in this order (the inner query runs first):
-- the identity lock shared with other credit writers (identity_lock_shared), then the lock that
-- serialises producer creation and linking for one normalised name (two sources, one person).
-- Locks only: what they guard is read by the next statement, in a snapshot taken after them.
SELECT pg_advisory_xact_lock(hashtext('producer:' || %(normalized_name)s))
FROM (SELECT pg_advisory_xact_lock_shared(hashtext('producer-identity')) OFFSET 0) AS shared;

-- identity_lock --
SELECT pg_advisory_xact_lock(hashtext('producer-identity'));

-- linked_producer --
SELECT producer_id FROM producer_links WHERE source = %(source)s AND external_id = %(external_id)s;

-- producer_by_name_for_link --
-- A producer with this normalised name that no identity of this source is linked to yet, and
-- that no split keeps apart from this identity.
SELECT p.id, p.name FROM producers p
WHERE p.normalized_name = %(normalized_name)s
  AND NOT EXISTS (SELECT 1 FROM producer_links l WHERE l.producer_id = p.id AND l.source = %(source)s)
  AND NOT EXISTS (SELECT 1 FROM producer_links l JOIN producer_splits s
                  ON (s.source_a, s.id_a, s.source_b, s.id_b) IN ((l.source, l.external_id, %(source)s, %(external_id)s),
                                                                  (%(source)s, %(external_id)s, l.source, l.external_id))
                  WHERE l.producer_id = p.id)
ORDER BY p.id LIMIT 1;

-- producer_by_alias_for_link --
-- A producer one of whose other-source aliases is this name, under the same conditions.
SELECT p.id, p.name, a.alias, a.source FROM producer_aliases a JOIN producers p ON p.id = a.producer_id
WHERE a.normalized_alias = %(normalized_name)s AND a.source <> %(source)s
  AND NOT EXISTS (SELECT 1 FROM producer_links l WHERE l.producer_id = p.id AND l.source = %(source)s)
  AND NOT EXISTS (SELECT 1 FROM producer_links l JOIN producer_splits s
                  ON (s.source_a, s.id_a, s.source_b, s.id_b) IN ((l.source, l.external_id, %(source)s, %(external_id)s),
                                                                  (%(source)s, %(external_id)s, l.source, l.external_id))
                  WHERE l.producer_id = p.id)
ORDER BY p.id LIMIT 1;

-- insert_linked_producer --
INSERT INTO producers (name, normalized_name, genius_id, musicbrainz_id)
VALUES (%(name)s, %(normalized_name)s, %(genius_id)s, %(musicbrainz_id)s)
RETURNING id;

-- insert_link --
INSERT INTO producer_links (source, external_id, producer_id, name, reason, manual)
VALUES (%(source)s, %(external_id)s, %(producer_id)s, %(name)s, %(reason)s, %(manual)s)
ON CONFLICT (source, external_id) DO UPDATE SET
    producer_id = EXCLUDED.producer_id, reason = EXCLUDED.reason, manual = EXCLUDED.manual;

-- adopt_source_id --
-- The producer's own Genius / MusicBrainz id, when it has none yet. A producer that gains a
-- Genius id takes the Genius name (the source credits are read from first); one that gains
-- either id is enriched again (socials from Genius, alternate names and aliases from both).
UPDATE producers SET
    name = CASE WHEN genius_id IS NULL AND %(genius_id)s::bigint IS NOT NULL THEN %(name)s ELSE name END,
    normalized_name = CASE WHEN genius_id IS NULL AND %(genius_id)s::bigint IS NOT NULL
                           THEN %(normalized_name)s ELSE normalized_name END,
    genius_id = COALESCE(genius_id, %(genius_id)s),
    musicbrainz_id = COALESCE(musicbrainz_id, %(musicbrainz_id)s),
    enrichment_requested_at = CASE WHEN (genius_id IS NULL AND %(genius_id)s::bigint IS NOT NULL)
                                        OR (musicbrainz_id IS NULL AND %(musicbrainz_id)s::text IS NOT NULL)
                                   THEN NULL ELSE enrichment_requested_at END,
    updated_at = now()
WHERE id = %(producer_id)s;

-- record_alias --
INSERT INTO producer_aliases (producer_id, source, external_id, alias, normalized_alias)
VALUES (%(producer_id)s, %(source)s, %(external_id)s, %(alias)s, %(normalized_alias)s)
ON CONFLICT (source, external_id, normalized_alias) DO UPDATE SET producer_id = EXCLUDED.producer_id, alias = EXCLUDED.alias;

-- producer_names --
-- Every name a producer goes by, with where it comes from: (name, source, kind).
SELECT l.name, l.source, 'name' FROM producer_links l WHERE l.producer_id = %(producer_id)s
UNION
SELECT a.alias, a.source, 'alias' FROM producer_aliases a WHERE a.producer_id = %(producer_id)s;

-- producers_named --
-- Producers (other than this one) whose name or an alias is one of these normalised names.
SELECT id FROM producers WHERE normalized_name = ANY(%(names)s) AND id <> %(producer_id)s
UNION
SELECT producer_id FROM producer_aliases WHERE normalized_alias = ANY(%(names)s) AND producer_id <> %(producer_id)s;

-- producer_links_of --
SELECT source, external_id, name, reason, manual, created_at FROM producer_links
WHERE producer_id = %(producer_id)s ORDER BY created_at, source, external_id;

-- producer_aliases_of --
SELECT alias, source, external_id FROM producer_aliases WHERE producer_id = %(producer_id)s ORDER BY source, alias;

-- producer_row --
SELECT id, name, genius_id, musicbrainz_id FROM producers WHERE id = %(producer_id)s FOR UPDATE;

-- merged_into --
SELECT into_id FROM producer_merges WHERE merged_id = %(producer_id)s;

-- split_blocked --
-- True when a split keeps any identity of one producer apart from any identity of the other.
SELECT EXISTS (
    SELECT 1 FROM producer_links a JOIN producer_links b ON b.producer_id = %(other_id)s
    JOIN producer_splits s ON (s.source_a, s.id_a, s.source_b, s.id_b) IN ((a.source, a.external_id, b.source, b.external_id),
                                                                          (b.source, b.external_id, a.source, a.external_id))
    WHERE a.producer_id = %(producer_id)s);

-- move_links --
UPDATE producer_links SET producer_id = %(into_id)s,
    reason = COALESCE(%(reason)s, reason), manual = manual OR %(manual)s
WHERE producer_id = %(merged_id)s;

-- move_aliases --
UPDATE producer_aliases SET producer_id = %(into_id)s WHERE producer_id = %(merged_id)s;

-- move_credits --
-- The merged producer's credits become the survivor's (a credit both had is kept once).
INSERT INTO track_producers (track_id, producer_id, source, role, confidence, genius_song_id, genius_song_url,
    genius_section, musicbrainz_recording_id, musicbrainz_relation_type, musicbrainz_attributes, isrc,
    credited_as, source_artist_id, musicbrainz_release_id, musicbrainz_release_title, created_at)
SELECT track_id, %(into_id)s, source, role, confidence, genius_song_id, genius_song_url, genius_section,
    musicbrainz_recording_id, musicbrainz_relation_type, musicbrainz_attributes, isrc, credited_as,
    source_artist_id, musicbrainz_release_id, musicbrainz_release_title, created_at
FROM track_producers WHERE producer_id = %(merged_id)s
ON CONFLICT DO NOTHING;

-- move_ended_credits --
-- The merged producer's ended credits (catalog/history) become the survivor's history.
UPDATE ended_credits SET producer_id = %(into_id)s WHERE producer_id = %(merged_id)s;

-- move_socials --
INSERT INTO producer_socials (producer_id, platform, handle, url, followers, verified, biography, external_url, source,
    evidence, checked_at, handle_since)
SELECT %(into_id)s, platform, handle, url, followers, verified, biography, external_url, source, evidence, checked_at,
    handle_since
FROM producer_socials WHERE producer_id = %(merged_id)s
ON CONFLICT DO NOTHING;

-- move_ended_socials --
UPDATE ended_socials SET producer_id = %(into_id)s WHERE producer_id = %(merged_id)s;

-- delete_producer --
DELETE FROM producers WHERE id = %(producer_id)s;

-- record_merge --
INSERT INTO producer_merges (merged_id, into_id, reason, manual) VALUES (%(merged_id)s, %(into_id)s, %(reason)s, %(manual)s)
ON CONFLICT (merged_id) DO UPDATE SET into_id = EXCLUDED.into_id, reason = EXCLUDED.reason,
    manual = EXCLUDED.manual, merged_at = now();

-- follow_merge_chain --
UPDATE producer_merges SET into_id = %(into_id)s WHERE into_id = %(merged_id)s;

-- forget_splits_between --
-- A merge by hand overrides an earlier split of the same identities.
DELETE FROM producer_splits s USING producer_links a, producer_links b
WHERE a.producer_id = %(producer_id)s AND b.producer_id = %(other_id)s
  AND ((s.source_a, s.id_a, s.source_b, s.id_b) = (a.source, a.external_id, b.source, b.external_id)
       OR (s.source_a, s.id_a, s.source_b, s.id_b) = (b.source, b.external_id, a.source, a.external_id));

-- set_source_ids --
UPDATE producers SET genius_id = %(genius_id)s, musicbrainz_id = %(musicbrainz_id)s,
    enrichment_requested_at = CASE WHEN %(gained_genius)s THEN NULL ELSE enrichment_requested_at END,
    updated_at = now()
WHERE id = %(producer_id)s;

-- move_credits_of_identity --
-- A split: the credits one source identity gave go with it.
UPDATE track_producers SET producer_id = %(into_id)s
WHERE producer_id = %(from_id)s AND source = %(source)s AND source_artist_id = %(external_id)s;

-- move_ended_credits_of_identity --
UPDATE ended_credits SET producer_id = %(into_id)s
WHERE producer_id = %(from_id)s AND source = %(source)s AND source_artist_id = %(external_id)s;

-- move_aliases_of_identity --
UPDATE producer_aliases SET producer_id = %(into_id)s
WHERE producer_id = %(from_id)s AND source = %(source)s AND external_id = %(external_id)s;

-- record_split --
INSERT INTO producer_splits (source_a, id_a, source_b, id_b) VALUES (%(source_a)s, %(id_a)s, %(source_b)s, %(id_b)s)
ON CONFLICT DO NOTHING;

-- find_producers --
-- Producers by id, or by name / alias (normalised).
SELECT id, name FROM producers WHERE id::text = %(text)s
UNION
SELECT id, name FROM producers WHERE normalized_name = %(normalized)s
UNION
SELECT p.id, p.name FROM producer_aliases a JOIN producers p ON p.id = a.producer_id WHERE a.normalized_alias = %(normalized)s
ORDER BY 1;

-- producer_name --
SELECT name FROM producers WHERE id = %(producer_id)s;

-- enrichment_wanted --
-- A producer whose socials were asked for again (it gained a Genius id): mark it asked now.
UPDATE producers SET enrichment_requested_at = now()
WHERE id = %(producer_id)s AND enrichment_requested_at IS NULL
RETURNING name;

-- producer_credits_with_evidence --
-- A producer's credits, each with what it rests on.
SELECT t.spotify_id, t.name, a.name, tp.role, tp.source, tp.confidence::float, tp.credited_as,
       tp.genius_song_id, tp.genius_song_url, tp.genius_section, tp.musicbrainz_recording_id,
       tp.musicbrainz_relation_type, tp.musicbrainz_attributes, tp.isrc, tp.musicbrainz_release_id,
       tp.musicbrainz_release_title
FROM track_producers tp JOIN tracks t ON t.id = tp.track_id JOIN albums a ON a.spotify_id = t.album_spotify_id
WHERE tp.producer_id = %(producer_id)s
ORDER BY a.release_date NULLS LAST, a.name, t.disc_number, t.track_number, tp.source, tp.role;
