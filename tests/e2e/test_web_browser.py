"""The platform's page in a real browser (Debian's chromium, driven by Playwright) over the whole
pipeline against the sandbox: a person asks for an artist with the seed form and watches it fill
in, opens the artist's page, searches a producer as they type, opens the producer's page and
follows a link back to the artist; a producer named <script>alert(1)</script> reads as text.

`discovery web` runs as a process of its own, reading as discovery_reader. With
DISCOVERY_SCREENSHOTS set to a folder, the producer's page is also saved there (docs/ has one)."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.conftest import service_missing
from tests.support.processes import wait_for

pytestmark = pytest.mark.integration

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCRIPT = "<script>alert(1)</script>"
PAGE_WAIT_MS = 90_000
# As long as Pipeline.discover waits for a discovery to finish.
DISCOVERY_WAIT_MS = 240_000


@pytest.fixture
def browser_page() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        service_missing("chromium", FileNotFoundError(CHROMIUM))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            # Waits, not timings: a page or a click may be slow beside the whole suite on two cores.
            page.set_default_timeout(PAGE_WAIT_MS)
            yield page
        finally:
            browser.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def credit_a_script_named_producer(database_url: str, artist: str) -> None:
    """As the pipeline would store a producer Genius named so, credited on one of the artist's tracks."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO producers (name, normalized_name, genius_id) VALUES (%(name)s, producer_name_key(%(name)s), 990001)",
            {"name": SCRIPT},
        )
        conn.execute(
            "INSERT INTO track_producers (track_id, producer_id, source, role, confidence)"
            " SELECT t.id, p.id, 'genius', 'producer', 0.9 FROM tracks t"
            " JOIN album_artists aa ON aa.album_spotify_id = t.album_spotify_id"
            " JOIN artists a ON a.spotify_id = aa.artist_spotify_id, producers p"
            " WHERE a.name = %s AND p.name = %s ORDER BY t.id LIMIT 1",
            (artist, SCRIPT),
        )


def test_a_person_seeds_an_artist_watches_it_fill_in_and_browses_its_producers(start_pipeline, browser_page, tmp_path):
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    pipeline = start_pipeline(None)
    port = free_port()
    web = pipeline.procs.start("web", [sys.executable, "-m", "discovery.cli", "web", "--port", str(port)])
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: answers(base + "/") or web.poll() is not None, 60, "discovery web answering")
    assert web.poll() is None, pipeline.procs.log("web")

    # The seed form: a name queued, the discovery followed live until done, then its page
    page.goto(base + "/")
    page.get_by_role("link", name="Discover an artist").click()
    page.get_by_label("Artist's name, Spotify id or Spotify URL").fill("Glass Season")
    page.get_by_role("button", name="Discover").click()
    assert page.locator("h1").inner_text() == "Discovering Glass Season"
    page.get_by_role("link", name="See Glass Season's page").wait_for(timeout=DISCOVERY_WAIT_MS)
    assert page.locator('[data-field="stage"]').inner_text() == "done"
    assert int(page.locator('[data-field="tracks"]').inner_text()) == 4
    page.get_by_role("link", name="See Glass Season's page").click()
    assert page.locator("h1").inner_text() == "Glass Season"
    assert "2 releases, 4 tracks" in page.locator("main").inner_text()
    assert page.locator(".outcomes").inner_text().count("credited") >= 1

    # Search as you type (accents and case ignored), then the producer's page
    page.goto(base + "/")
    page.get_by_label("Search producers and artists").press_sequentially("PRÍYA", delay=40)
    page.locator("#results").get_by_role("link", name="Priya Fischer").click()
    assert page.locator("h1").inner_text() == "Priya Fischer"
    credits = page.locator("section.credits").inner_text()
    assert "Glass Season" in credits and "producer" in credits
    assert page.locator("section.credits").get_by_role("link", name="Genius page").count() >= 1
    assert page.locator("section.graph svg text", has_text="Glass Season").count() == 1
    screenshots = os.environ.get("DISCOVERY_SCREENSHOTS")
    page.screenshot(path=str(tmp_path / "producer.png"), full_page=True)
    if screenshots:
        shutil.copy(tmp_path / "producer.png", Path(screenshots) / "web-producer.png")

    # ...and from there to the artist
    page.locator("section.credits h3").get_by_role("link", name="Glass Season").click()
    assert page.locator("h1").inner_text() == "Glass Season"
    assert "Priya Fischer" in page.locator("section.producers").inner_text()

    # A producer whose name is markup is shown as that text, everywhere, and runs nothing
    credit_a_script_named_producer(pipeline.database_url, "Glass Season")
    page.reload()
    assert page.locator("section.producers").get_by_role("link", name=SCRIPT).count() == 1
    page.goto(base + "/")
    page.get_by_label("Search producers and artists").press_sequentially("script", delay=40)
    page.locator("#results").get_by_role("link", name=SCRIPT).click()
    assert page.locator("h1").inner_text() == SCRIPT
    assert page.title() == f"{SCRIPT} · Discovery"
    assert dialogs == []
    assert pipeline.dead_letters() == []
