"""A joint album discovered for one of its artists, then for the other: the second artist owns it
(report, progress, credits) without its tracks being fetched or its recordings identified again."""

from __future__ import annotations

import psycopg
import pytest

from discovery.sandbox.generator import generate_catalog
from tests.e2e.scoring import discoverable_tracks, expected_credits, found_credits, reported_tracks

pytestmark = pytest.mark.integration

# The generated catalog of test_credits_we_trust: it holds a joint album of two seed artists.
CATALOG = {"artists": 3, "albums": 3, "tracks": 8, "seed": 1, "long_album_tracks": 0}


def identified(database_url: str, album_id: str) -> dict[str, object]:
    """When each of the album's recordings was identified."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT r.recording_key, r.identified_at FROM recordings r"
            " JOIN tracks t ON t.recording_key = r.recording_key WHERE t.album_spotify_id = %s",
            (album_id,),
        ).fetchall()
    return dict(rows)


def genius_searches(pipeline) -> int:
    return pipeline.sandbox.stats()["genius"]["endpoints"]["search"]["requests"]


def track_pages(database_url: str, album_id: str) -> int:
    """track_discovery messages processed for the album."""
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT count(*) FROM pgmq.a_track_discovery WHERE message->>'albumId' = %s", (album_id,)
        ).fetchone()[0]


def test_the_second_artist_of_a_joint_album_owns_it_without_fetching_or_identifying_it_again(start_pipeline):
    catalog, truth = generate_catalog(**CATALOG)
    seeds = {artist["spotify_id"]: artist["name"] for artist in truth["artists"]}
    joint = next(album for album in catalog["spotify"]["albums"]
                 if len(seeds.keys() & {artist["id"] for artist in album["artists"]}) == 2)
    first, second = (artist["id"] for artist in joint["artists"] if artist["id"] in seeds)
    pipeline = start_pipeline(catalog)

    # Given the joint album discovered for its first artist alone
    pipeline.discover([seeds[first]])
    before = identified(pipeline.database_url, joint["id"])
    searches = genius_searches(pipeline)
    known = pipeline.counts()["recordings"]
    assert before and all(before.values()) and track_pages(pipeline.database_url, joint["id"]) == 1

    # When its second artist is discovered
    [progress] = pipeline.discover([seeds[second]])

    # Then the album's tracks were not fetched again, nor its recordings identified again
    assert track_pages(pipeline.database_url, joint["id"]) == 1
    assert identified(pipeline.database_url, joint["id"]) == before
    second_tracks = discoverable_tracks(catalog, {second})
    joint_tracks = {track["id"] for track in joint["tracks"]["items"]}
    # (one Genius search for each recording new to the database, none for the album's)
    assert genius_searches(pipeline) - searches == pipeline.counts()["recordings"] - known
    # And the second artist owns it: its report, its credits and its progress count the album
    report = pipeline.report(second)
    assert joint_tracks <= second_tracks == reported_tracks(pipeline.database_url, {second})
    albums = [album for album in catalog["spotify"]["albums"] if second in {a["id"] for a in album["artists"]}
              and album["album_type"] in ("album", "single")]
    assert report["albums"] == len(albums) == progress.albums
    assert report["tracks"] == len(second_tracks) == progress.tracks
    assert found_credits([report]) == expected_credits(truth, second_tracks)
    assert expected_credits(truth, joint_tracks) <= found_credits([report])

