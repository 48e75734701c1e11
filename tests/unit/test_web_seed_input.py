"""What the seed form accepts: an artist's name, or a Spotify artist id, URI or URL."""

from __future__ import annotations

import pytest

from discovery.web.live import SeedRefused, Wanted, parse

ARTIST_ID = "4Z8W4fKeB5YxbusRsdQVPb"


@pytest.mark.parametrize("typed", [
    ARTIST_ID,
    f"spotify:artist:{ARTIST_ID}",
    f"https://open.spotify.com/artist/{ARTIST_ID}",
    f"https://open.spotify.com/artist/{ARTIST_ID}?si=abc123",
    f"open.spotify.com/intl-de/artist/{ARTIST_ID}",
    f"  https://open.spotify.com/artist/{ARTIST_ID}/  ",
])
def test_a_spotify_artist_id_uri_or_url_starts_from_the_id(typed):
    assert parse(typed) == Wanted(spotify_id=ARTIST_ID)


@pytest.mark.parametrize("typed", ["Glass Season", "  Sigur Rós ", "AC/DC", "Supercalifragilisticexp"])
def test_anything_else_is_a_name(typed):
    assert parse(typed) == Wanted(name=typed.strip())


@pytest.mark.parametrize(("typed", "sentence"), [
    ("", "Give an artist's name, Spotify id or Spotify URL."),
    ("   ", "Give an artist's name, Spotify id or Spotify URL."),
    (f"https://open.spotify.com/album/{ARTIST_ID}", "That Spotify address does not name an artist"),
    ("spotify:track:123", "That Spotify address does not name an artist"),
    ("x" * 201, "An artist's name can be at most 200 characters long."),
])
def test_what_cannot_start_a_discovery_is_refused_in_one_sentence(typed, sentence):
    with pytest.raises(SeedRefused) as refused:
        parse(typed)
    assert str(refused.value).startswith(sentence)
