"""Each worker type declares the APIs it calls: its bridge pauses while one of them is held and
sizes its reads by the first one's rate window, so a client used but not declared would keep a
bridge reading messages that can only wait."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from discovery.exceptions import ConfigurationError
from discovery.settings import PIPELINE
from discovery.workers import registry


@pytest.mark.parametrize("stage", PIPELINE, ids=lambda stage: stage.queue)
def test_every_worker_type_declares_each_api_whose_client_it_calls(stage):
    worker = registry._load(stage.worker)

    assert registry.clients_used(worker) <= set(worker.apis), worker.apis
    assert registry.clients_used(worker), "a worker type of the pipeline calls at least one API"


def test_the_producer_worker_declares_spotify_for_its_isrc_lookups():
    worker = registry._load("discovery.workers.producer:ProducerWorker")

    assert "spotify" in worker.apis
    assert worker.apis[0] == "genius", "its bridge sizes reads by Genius, the API every task calls"


def test_a_worker_calling_a_client_it_does_not_declare_is_refused_at_load(tmp_path: Path, monkeypatch):
    (tmp_path / "sneaky_worker.py").write_text(
        textwrap.dedent(
            """
            from discovery.clients.genius import genius_client
            from discovery.clients.spotify import spotify_client
            from discovery.workers.base import BaseWorker

            class Sneaky(BaseWorker):
                queue = "artist_discovery"
                apis = ("spotify",)

                def fetch(self, message):
                    return genius_client(self.settings).search(message.artistName)
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with pytest.raises(ConfigurationError, match=r"sneaky_worker:Sneaky calls genius but declares"):
            registry._load("sneaky_worker:Sneaky")
    finally:
        sys.modules.pop("sneaky_worker", None)
