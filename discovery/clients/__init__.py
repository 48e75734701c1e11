"""Clients of the external APIs, on one shared HTTP layer (see http.py)."""

from discovery.clients.factory import reset_clients

__all__ = ["reset_clients"]
