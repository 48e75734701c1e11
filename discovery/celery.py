"""The Celery app. `celery -A discovery worker -Q artists` finds it as discovery.app."""

from __future__ import annotations

from celery import Celery

app = Celery("discovery", include=["discovery.tasks"])
app.config_from_object("celeryconfig")
