"""A producer is asked for enrichment once, and once more when it gains an identity (the new
source has aliases to read): each request a message of its own, naming the identities it has."""

from __future__ import annotations

import psycopg
import pytest

from discovery.catalog import store
from discovery.catalog.credits import Credit

pytestmark = pytest.mark.integration

MONTH_S = 30 * 24 * 3600


def credit_and_request(database_url: str, credit: Credit) -> dict | None:
    with psycopg.connect(database_url) as conn, conn.transaction():
        producer_id = store.upsert_producer(conn, credit)
        return store.request_enrichment(conn, producer_id, MONTH_S)


def test_a_producer_is_asked_for_again_only_when_it_gains_an_identity(database_url):
    genius = Credit("Ann Lee", "producer", "genius", 11)
    musicbrainz = Credit("Ann Lee", "producer", "musicbrainz", None, "mb-ann")

    first = credit_and_request(database_url, genius)
    again = credit_and_request(database_url, genius)
    gained = credit_and_request(database_url, musicbrainz)
    after = credit_and_request(database_url, musicbrainz)

    assert first is not None and first["producerName"] == "Ann Lee" and first["identities"] == ["genius"]
    assert again is None
    assert gained == {**first, "identities": ["genius", "musicbrainz"]}
    assert after is None
