"""discovery: finds the producers behind music."""

from discovery.celery import app

__all__ = ["app"]
