"""The platform's page over a small catalog (tests/ops/catalog_rows: Nova's "First" credited to Ann
Lee by Genius, "Second" not identified yet), read through the reader role as `discovery web`
reads: what each address shows, names from the APIs as text, errors as one sentence."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import psycopg
import pytest
from starlette.testclient import TestClient

from discovery.pgmq import queues
from discovery.settings import Settings
from discovery.web.app import create_app
from tests.ops.catalog_rows import ARTIST_ID, write_catalog

pytestmark = pytest.mark.integration

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def catalog(database_url: str) -> str:
    write_catalog(database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO producer_socials (producer_id, platform, handle, url, followers, verified, source)"
            " SELECT id, 'instagram', 'annlee', 'https://www.instagram.com/annlee/', 1200, true, 'genius'"
            " FROM producers WHERE name = 'Ann Lee'"
        )
    return database_url


@pytest.fixture
def client(catalog: str, redis_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=catalog, redis_url=redis_url)), raise_server_exceptions=False) as made:
        yield made


def text_of(page: str) -> str:
    """What a person reads: the main part without tags, entities decoded, spaces collapsed."""
    main = page.split("<main>", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main))).strip()


def producer_id(database_url: str, name: str) -> int:
    with psycopg.connect(database_url) as conn:
        return int(conn.execute("SELECT id FROM producers WHERE name = %s", (name,)).fetchone()[0])  # type: ignore[index]


def test_a_search_ignores_accents_and_case_and_finds_producers_and_artists(client):
    found = client.get("/search", params={"q": "ÁNN lée"})
    assert found.status_code == 200
    assert "Ann Lee" in text_of(found.text) and '/producers/' in found.text

    artists = client.get("/search", params={"q": "NOVÁ", "partial": "1"})
    assert '<a href="/artists/' + ARTIST_ID + '">Nova</a>' in artists.text
    assert "<main>" not in artists.text, "as you type, only the results are sent"

    nothing = client.get("/search", params={"q": "zzzz"})
    assert "No producer's name contains “zzzz”" in text_of(nothing.text)


def test_a_producers_page_shows_names_socials_credits_by_release_and_the_graph(client, catalog):
    page = client.get(f"/producers/{producer_id(catalog, 'Ann Lee')}")

    assert page.status_code == 200
    seen = text_of(page.text)
    assert "Ann Lee" in seen and "Genius 5" in seen
    assert "1 credit on 1 track, with 1 artist" in seen
    assert "instagram @annlee ✓ 1,200 genius" in seen, "a social and where it came from"
    assert "Nova 1 track Debut 2020 Track Role Confidence Source Evidence First producer 0.95 genius Genius page" in seen
    assert '<a href="https://genius.com/77">Genius page</a>' in page.text
    assert re.search(r'<svg role="img" aria-label="Collaboration graph of Ann Lee".*<text[^>]*>Nova</text>', page.text, re.S)


def test_an_artists_page_shows_each_tracks_outcome_and_the_producers_share(client, catalog):
    page = client.get(f"/artists/{ARTIST_ID}")

    assert page.status_code == 200
    seen = text_of(page.text)
    assert "Nova" in seen and "1 release, 2 tracks" in seen
    assert "1 credited (1 credited by genius)" in seen and "1 held (1 not attempted)" in seen
    assert "1 First credited Ann Lee" in seen and "2 Second held" in seen
    assert "Ann Lee 1 50%" in seen


def test_names_from_the_apis_are_shown_as_text_never_as_markup(client, catalog):
    # Given a producer and an artist whose names hold markup, quotes and an ampersand
    with psycopg.connect(catalog, autocommit=True) as conn:
        conn.execute("UPDATE producers SET name = %(name)s, normalized_name = producer_name_key(%(name)s)"
                     " WHERE name = 'Ann Lee'", {"name": SCRIPT})
        conn.execute("UPDATE artists SET name = %s", ('Nova "&" <b>Co</b>',))

    pages = [client.get(f"/producers/{producer_id(catalog, SCRIPT)}"), client.get(f"/artists/{ARTIST_ID}"),
             client.get("/search", params={"q": "script"})]

    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<b>Co</b>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0].text
    assert SCRIPT in text_of(pages[0].text) and SCRIPT in text_of(pages[2].text)
    assert 'Nova "&" <b>Co</b>' in text_of(pages[1].text)


def test_errors_are_one_sentence_pages(client):
    cases = {
        "/producers/999999": (404, "There is no producer with id 999999."),
        "/producers/abc": (400, "A producer's id is a number."),
        "/producers/99999999999999999999999": (400, "A producer's id is a number."),
        "/artists/nobody": (404, "No artist with Spotify id nobody has been discovered yet."),
        "/nowhere": (404, "There is nothing at this address."),
        "/search?q=" + "x" * 201: (400, "A search can be at most 200 characters long."),
    }
    for path, (status, sentence) in cases.items():
        page = client.get(path)
        assert (page.status_code, text_of(page.text)) == (status, sentence), path
        assert "Traceback" not in page.text


def test_an_unreachable_database_is_a_one_sentence_page(redis_url):
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:1/nowhere?connect_timeout=1", redis_url=redis_url)
    with TestClient(create_app(settings, check_role=False), raise_server_exceptions=False) as client:
        page = client.get("/search", params={"q": "ann"})

    assert page.status_code == 503
    assert text_of(page.text) == "The catalog's database cannot be reached right now; try again soon."


def test_the_home_page_lists_this_weeks_changes_from_recent_changes(client, catalog):
    # Given a catalog stored just now, Then its new release and tracks are this week's changes
    seen = text_of(client.get("/").text)
    assert "Changes this week" in seen
    assert "new_release Nova" in seen and "new_track Nova First" in seen

    # And a database without the freshness work's function says nothing has been refreshed yet
    with psycopg.connect(catalog, autocommit=True) as conn:
        conn.execute("DROP FUNCTION recent_changes(timestamptz, integer)")
    assert "Changes this week Nothing has been refreshed yet." in text_of(client.get("/").text)


def test_the_seed_form_queues_a_name_or_a_spotify_url_and_refuses_nonsense_in_a_sentence(client, catalog):
    by_name = client.post("/seed", data={"artist": "Glass Season"}, follow_redirects=False)
    by_url = client.post("/seed", data={"artist": "https://open.spotify.com/artist/" + "A1" * 11 + "?si=x"},
                         follow_redirects=False)

    assert by_name.status_code == by_url.status_code == 303
    name_msg = int(by_name.headers["location"].split("/")[2].split("?")[0])
    assert by_name.headers["location"] == f"/seed/{name_msg}?name=Glass+Season"
    assert by_url.headers["location"].endswith("?spotify_id=" + "A1" * 11)
    with psycopg.connect(catalog) as conn:
        assert queues.queued(conn, "artist_discovery", name_msg)
    following = client.get(by_name.headers["location"])
    assert "Discovering Glass Season" in text_of(following.text)
    assert f'data-events="/seed/{name_msg}/events?name=Glass+Season"' in following.text

    elsewhere = client.post("/seed", data={"artist": "Glass Season"}, headers={"Origin": "https://elsewhere.example"})
    assert (elsewhere.status_code, text_of(elsewhere.text)) == (403, "Discoveries are only started from this site's own form.")

    for typed, sentence in (("   ", "Give an artist's name, Spotify id or Spotify URL."),
                            ("https://open.spotify.com/album/" + "B" * 22, "That Spotify address does not name an artist")):
        refused = client.post("/seed", data={"artist": typed})
        assert refused.status_code == 400
        assert sentence in text_of(refused.text)


def test_the_newest_changes_are_changes_the_full_list_has_newest_first(catalog):
    # Given a catalog's changes this week, When the page asks for the newest few
    with psycopg.connect(catalog) as conn:
        every = conn.execute("SELECT * FROM recent_changes(now() - interval '7 days')").fetchall()
        for few in (1, 2, 3, len(every) + 5):
            newest = conn.execute("SELECT * FROM recent_changes(now() - interval '7 days', %s)", (few,)).fetchall()

            # Then each is one the full list has, newest first, at most as many as asked
            assert len(newest) <= few and all(row in every for row in newest), few
            assert [row[0] for row in newest] == sorted((row[0] for row in newest), reverse=True)
        # and asked for more than there are, every kind of change the full list has shows
        assert {row[1] for row in newest} == {row[1] for row in every}
    assert len(every) >= 3
