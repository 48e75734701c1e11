"""Celery takes JSON only, pinned in celeryconfig rather than left to Celery's default: a task
message that asks to be unpickled (code run in a pool) is refused."""

from __future__ import annotations

import celeryconfig


def test_celery_serializes_and_accepts_json_only():
    assert celeryconfig.task_serializer == "json"
    assert celeryconfig.accept_content == ["json"]
    assert celeryconfig.result_accept_content == ["json"]
    assert celeryconfig.event_serializer == "json"
