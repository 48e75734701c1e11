"""The table view of `report`: songs per producer (capped), recordings, links, namesakes."""

from __future__ import annotations

from rich.console import Console

from discovery.catalog.report import as_table


def rendered(report: dict) -> str:
    console = Console(width=240, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(as_table(report))
    return console.export_text()


def a_report(**extra) -> dict:
    songs = ["Aster", "Birch", "Cedar", "Dune", "Ember"]
    return {
        "artist": {"name": "Nova", "spotify_id": "nova"},
        "albums": 2,
        "tracks": 6,
        "producers": [{
            "name": "Priya Fischer",
            "credits": [{"track": song, "role": "producer", "source": "genius"} for song in songs + ["Aster"]],
            "songs": songs,
            "recordings": 5,
            "genius_url": "https://genius.com/artists/Priya-fischer",
            "socials": {"instagram": "priyafischermusic", "twitter": "PriyaF", "facebook": "priya.f"},
        }],
        **extra,
    }


def test_a_producer_row_shows_three_songs_and_how_many_more_their_recordings_and_links():
    text = rendered(a_report())

    assert "Aster, Birch, Cedar +2 more" in text
    assert "Dune" not in text
    # six credits (a single repeats "Aster"), five recordings
    assert " 5 " in text and " 6 " not in text.split("tracks")[1]
    assert "@priyafischermusic" in text and "https://genius.com/artists/Priya-fischer" in text
    assert "@PriyaF" in text and "facebook.com/priya.f" in text


def test_namesakes_and_an_artist_without_releases_are_said_under_the_table():
    text = rendered(a_report(alternatives=[{"id": "x1", "name": "NOVA"}], no_albums_or_singles=True))

    assert "Other Spotify artists with this name: NOVA (x1)" in text
    assert "This artist has no albums or singles on Spotify." in text
