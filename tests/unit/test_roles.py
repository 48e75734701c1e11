"""One person once per track in a table, with all their roles, strongest first."""

from __future__ import annotations

from rich.console import Console

from discovery.catalog import report
from discovery.catalog.credits import PRODUCTION_ROLES
from discovery.catalog.roles import ROLE_ORDER, per_track, strongest_first


def credit(track: str, role: str, source: str = "genius") -> dict:
    return {"spotify_track_id": track, "track": track.upper(), "album": "A", "role": role, "source": source,
            "confidence": 0.9, **dict.fromkeys(report.EVIDENCE_KEYS)}


def test_every_production_role_has_a_strength():
    assert set(PRODUCTION_ROLES) == set(ROLE_ORDER)


def test_roles_read_strongest_first_and_unknown_roles_last():
    assert strongest_first(["executive producer", "co-producer", "producer", "co-producer", "drum producer"]) == [
        "producer", "co-producer", "executive producer", "drum producer"
    ]


def test_a_person_credited_as_producer_and_co_producer_on_one_song_is_one_row_with_both_roles():
    # Given two credits on one track and one on another
    credits = [credit("t1", "co-producer"), credit("t1", "producer", "musicbrainz"), credit("t2", "additional production")]

    # When they are merged per track
    rows = per_track(credits)

    # Then each track is one row, its roles strongest first, every credit still there
    assert [(r["spotify_track_id"], r["roles"], r["sources"]) for r in rows] == [
        ("t1", ["producer", "co-producer"], ["genius", "musicbrainz"]),
        ("t2", ["additional production"], ["genius"]),
    ]
    assert len(credits) == 3


def test_the_report_keeps_one_credit_per_role_and_its_table_lists_roles_strongest_first():
    found = {
        "artist": {"name": "Nova", "spotify_id": "x"}, "albums": 1, "tracks": 1,
        "producers": [{
            "name": "Zoe", "genius_id": 1, "musicbrainz_id": None,
            "credits": [credit("t1", "co-producer"), credit("t1", "producer")],
            "socials": dict.fromkeys(("instagram", "twitter", "facebook", "instagram_followers", "instagram_verified")),
        }],
    }

    console = Console(width=200, record=True)
    console.print(report.as_table(found))

    assert "producer, co-producer" in console.export_text()
    assert report.as_csv(found).count("\nNova,Zoe,") == 2
