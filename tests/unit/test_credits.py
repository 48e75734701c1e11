"""Credit extraction, hit and artist choice, and confidence, on made-up and recorded responses."""

from __future__ import annotations

import pytest

from discovery.catalog.credits import (
    PRODUCTION_ROLES,
    Credit,
    choose_genius_hit,
    choose_spotify_artist,
    confidence,
    genius_credits,
    musicbrainz_credits,
    musicbrainz_role,
    production_role,
)
from tests.fixtures_sandbox import reference_json


def artist(id_: int, name: str) -> dict:
    return {"id": id_, "name": name, "url": f"https://genius.com/artists/{id_}"}


def song(id_: int, title: str, primary: dict, pageviews: int = 0, **fields) -> dict:
    return {
        "id": id_,
        "title": title,
        "full_title": f"{title} by {primary['name']}",
        "primary_artist": primary,
        "stats": {"pageviews": pageviews},
        **fields,
    }


def relation(type_: str, name: str, mbid: str, attributes: list[str] | None = None) -> dict:
    return {
        "type": type_,
        "target-type": "artist",
        "direction": "backward",
        "attributes": attributes or [],
        "artist": {"id": mbid, "name": name, "sort-name": name},
    }


# Genius


def test_the_24k_magic_song_credits_exactly_its_producer_and_the_stereotypes():
    recorded = reference_json("genius/creditsworld__songs_2872960_24k_magic.json")

    credits = genius_credits(recorded["response"]["song"])

    assert sorted((c.name, c.role, c.source, c.genius_id) for c in credits) == [
        ("Shampoo Press & Curl", "producer", "genius", 1012903),
        ("The Stereotypes", "additional production", "genius", 51543),
        ("The Stereotypes", "assistant producer", "genius", 51543),
    ]
    assert all(c.musicbrainz_id is None for c in credits)


def test_the_pearl_cadillac_song_credits_producers_executives_and_additional_production():
    recorded = reference_json(
        "genius/listen-together__songs_4220598_pearl_cadillac.song_object.json"
    )

    credits = {(c.name, c.role) for c in genius_credits(recorded)}

    assert credits == {
        ("Jacob Sciba", "producer"),
        ("Gary Clark Jr.", "producer"),
        ("Gary Clark Jr.", "executive producer"),
        ("Scooter Weintraub", "executive producer"),
        ("Mike Elizondo", "additional production"),
    }


def test_engineers_musicians_programmers_writers_and_labels_are_not_producers():
    engineer, drummer, writer, label = (
        artist(i, n) for i, n in [(1, "Eng"), (2, "Drums"), (3, "Pen"), (4, "Label Co")]
    )
    given = song(
        10,
        "Song",
        artist(9, "Band"),
        writer_artists=[writer],
        producer_artists=[],
        custom_performances=[
            {"label": "Mixing Engineer", "artists": [engineer]},
            {"label": "Drum Programmer", "artists": [drummer]},
            {"label": "Programmer", "artists": [drummer]},
            {"label": "Guitar", "artists": [drummer]},
            {"label": "Label", "artists": [label]},
        ],
    )

    assert genius_credits(given) == []


def test_every_production_label_is_a_credit_with_the_label_as_role_and_duplicates_go():
    person = artist(5, "Kit Vale")
    given = song(
        10,
        "Song",
        artist(9, "Band"),
        producer_artists=[person, person],
        custom_performances=[{"label": "Producer", "artists": [person]}]
        + [
            {"label": role.title(), "artists": [artist(20 + i, f"P{i}")]}
            for i, role in enumerate(PRODUCTION_ROLES)
        ],
    )

    credits = genius_credits(given)

    assert [c.role for c in credits] == ["producer", *PRODUCTION_ROLES]
    assert credits[0] == Credit("Kit Vale", "producer", "genius", 5, None)


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Co-Producer", "co-producer"),
        ("Co Producer", "co-producer"),
        (" ADDITIONAL  PRODUCTION ", "additional production"),
        ("Engineer", None),
        ("Programmer", None),
    ],
)
def test_a_label_is_read_as_a_production_role_or_not(label, role):
    assert production_role(label) == role


# MusicBrainz


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("picard__recording.json", []),
        (
            "picard__recording_composer.json",
            [("Ray Minshull", "b05e5740-0b2f-4353-8ecc-a6101b9763cb")],
        ),
        (
            "picard__recording_credits.json",
            [
                ("Benny Andersson", "2f031686-3f01-4f33-a4fc-fb3944532efa"),
                ("Björn Ulvaeus", "ffb77292-9712-4d03-94aa-bdb1d4771d38"),
            ],
        ),
        (
            "picard__recording_video.json",
            [("Edward Mavskegg", "9e26b912-16c1-4dac-991e-87f7aa184fed")],
        ),
    ],
)
def test_each_recorded_musicbrainz_recording_gives_its_producer_relations(file, expected):
    recording = reference_json(f"musicbrainz/{file}")

    credits = musicbrainz_credits(recording)

    assert [(c.name, c.musicbrainz_id) for c in credits] == expected
    assert all(
        c.role == "producer" and c.source == "musicbrainz" and c.genius_id is None for c in credits
    )


def test_the_recorded_credits_recording_does_not_credit_its_engineer_arrangers_or_musicians():
    recording = reference_json("musicbrainz/picard__recording_credits.json")

    names = {c.name for c in musicbrainz_credits(recording)}

    assert "Michael B. Tretow" not in names  # engineer
    assert "Lasse Wellander" not in names  # instrument


@pytest.mark.parametrize(
    ("attributes", "role"),
    [
        ([], "producer"),
        (["co"], "co-producer"),
        (["additional"], "additional producer"),
        (["executive"], "executive producer"),
        (["assistant"], "assistant producer"),
        (["associate"], "associate producer"),
        (["co", "additional"], "additional co-producer"),
    ],
)
def test_producer_relation_attributes_become_the_role(attributes, role):
    assert musicbrainz_role(attributes) == role


def test_only_producer_relations_to_artists_count_and_each_once():
    recording = {
        "id": "r",
        "relations": [
            relation("producer", "Ana", "a", ["co"]),
            relation("producer", "Ana", "a", ["co"]),
            relation("engineer", "Ben", "b"),
            relation("mix", "Cy", "c"),
            relation("instrument", "Di", "d", ["bass"]),
            {"type": "producer", "target-type": "url", "url": {"resource": "https://x"}},
        ],
    }

    assert musicbrainz_credits(recording) == [
        Credit("Ana", "co-producer", "musicbrainz", None, "a")
    ]


# Choosing the Genius song


def test_the_original_is_chosen_over_a_remix_and_a_cover_ranked_first():
    nova, other = artist(1, "Nova"), artist(2, "Kit Vale")
    remix = song(11, "Golden Hour (Kit Vale Remix)", nova, 900)
    cover = song(12, "Golden Hour (Nova Cover)", other, 800)
    same_title_cover = song(13, "Golden Hour", other, 700)
    original = song(14, "Golden Hour", nova, 10)
    hits = [{"type": "song", "result": s} for s in (remix, cover, same_title_cover, original)]

    assert (
        choose_genius_hit(hits, "Golden Hour (feat. Kit Vale) - 2011 Remaster", "NOVA") == original
    )


def test_no_hit_is_chosen_when_only_remixes_and_covers_match():
    nova, other = artist(1, "Nova"), artist(2, "Kit Vale")
    hits = [song(11, "Golden Hour (Remix)", nova), song(13, "Golden Hour", other)]

    assert choose_genius_hit(hits, "Golden Hour", "Nova") is None


def test_the_recorded_search_gives_the_song_despite_invisible_spaces():
    hits = reference_json("genius/da395a__search_kendrick_lamar.json")["response"]["hits"]

    chosen = choose_genius_hit(hits, "m.A.A.d city", "Kendrick\u00a0Lamar")

    assert chosen is not None and chosen["id"] == 90478
    assert choose_genius_hit(hits, "m.A.A.d city", "Kendrick") is None


# Choosing the Spotify artist


def spotify_artist(id_: str, name: str, followers: int, popularity: int) -> dict:
    return {
        "id": id_,
        "name": name,
        "followers": {"href": None, "total": followers},
        "popularity": popularity,
    }


def test_the_exact_name_is_chosen_not_the_first_hit():
    items = [spotify_artist("a", "Nova Kid", 10, 90), spotify_artist("b", "Nova", 5, 40)]

    assert choose_spotify_artist(items, "nova") == (items[1], [])


def test_the_name_exactly_as_typed_wins_over_a_more_popular_namesake():
    # Given "LUMEN" is typed and Spotify also has a more popular "Lumen"
    items = [spotify_artist("a", "Lumen", 1_000_000, 80), spotify_artist("b", "LUMEN", 2_000, 60)]

    # Then the artist spelled as typed is chosen and the other is kept as an alternative
    assert choose_spotify_artist(items, "LUMEN") == (items[1], [items[0]])


def test_among_names_matching_only_after_normalisation_the_most_popular_wins():
    items = [
        spotify_artist("a", "NOVA", 100, 40),
        spotify_artist("b", "Nova", 90_000, 50),
        spotify_artist("c", "nOva", 90_000, 80),
    ]

    assert choose_spotify_artist(items, "nova") == (items[2], [items[0], items[1]])


def test_without_popularity_or_followers_the_search_order_decides():
    # Given Development Mode answers: no popularity, no followers
    items = [{"id": "a", "name": "NOVA"}, {"id": "b", "name": "Nova"}, {"id": "c", "name": "nova"}]

    assert choose_spotify_artist(items, "NoVa") == (items[0], [items[1], items[2]])
    assert choose_spotify_artist(items, "nova") == (items[2], [items[0], items[1]])


def test_no_exact_name_is_no_artist():
    assert choose_spotify_artist([spotify_artist("a", "Nova Kid", 1, 1)], "Nova") == (None, [])


# Confidence


@pytest.mark.parametrize(
    ("credit", "expected"),
    [
        (Credit("a", "producer", "genius", 1), 0.95),
        (Credit("a", "co-producer", "genius", 1), 0.90),
        (Credit("a", "additional production", "genius", 1), 0.85),
        (Credit("a", "assistant producer", "genius", 1), 0.85),
        (Credit("a", "executive producer", "genius", 1), 0.80),
        (Credit("a", "producer", "musicbrainz", None, "m"), 0.85),
        (Credit("a", "additional producer", "musicbrainz", None, "m"), 0.80),
        (Credit("a", "executive producer", "musicbrainz", None, "m"), 0.75),
    ],
)
def test_confidence_depends_on_source_and_role(credit, expected):
    assert confidence(credit) == pytest.approx(expected)
