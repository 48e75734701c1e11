"""Log lines: one per event, with their fields; JSON when DISCOVERY_LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging

from discovery.logs import formatter


def record(**fields) -> logging.LogRecord:
    item = logging.LogRecord("discovery.workers.base", logging.INFO, __file__, 1, "%s msg %s archived",
                             ("artist_discovery", 7), None)
    item.__dict__.update(fields)
    return item


def test_json_lines_carry_the_event_fields(monkeypatch):
    monkeypatch.setenv("DISCOVERY_LOG_FORMAT", "json")
    line = formatter().format(record(action="message_archived", queue="artist_discovery", msg_id=7, artist="Lumen"))

    parsed = json.loads(line)
    assert "\n" not in line
    assert parsed["message"] == "artist_discovery msg 7 archived"
    assert (parsed["action"], parsed["queue"], parsed["msg_id"], parsed["artist"]) == (
        "message_archived", "artist_discovery", 7, "Lumen")
    assert parsed["level"] == "INFO"


def test_text_lines_end_with_the_fields_as_key_value_pairs(monkeypatch):
    monkeypatch.delenv("DISCOVERY_LOG_FORMAT", raising=False)
    line = formatter().format(record(action="message_archived", msg_id=7))

    assert line.endswith("artist_discovery msg 7 archived action=message_archived msg_id=7")
