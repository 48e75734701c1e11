"""Wakes the artist bridge when a seed arrives by SQL (`SELECT start_artist_discovery(...)`).

A migration turns on PGMQ's insert notifications for artist_discovery (pgmq.enable_notify_insert,
which sends at most one NOTIFY per 250 ms per queue). A thread in beat's process (exactly one
beat runs in a deployment, and it is always up) LISTENs and runs the bridge at once, and once more
just after the throttle window so a seed that arrived inside the window is not left for the next
tick. It reconnects on its own; beat's schedule is the guarantee if it is down.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import psycopg
from celery.signals import beat_init

from discovery.pgmq import queues
from discovery.runtime import fastlane
from discovery.runtime.typed_celery import on
from discovery.settings import get_settings

logger = logging.getLogger(__name__)

NOTIFIED_QUEUES = ("artist_discovery",)
THROTTLE_S = 0.25  # pgmq.enable_notify_insert's default throttle interval
RECONNECT_S = 5.0


def channel(queue: str) -> str:
    """PGMQ's insert notification channel for a queue."""
    return queues.insert_channel(queue)


def listen(stop: threading.Event) -> None:
    """Run the bridges of NOTIFIED_QUEUES on each insert notification until `stop` is set."""
    while not stop.is_set():
        try:
            _listen_once(stop)
        except psycopg.Error as error:
            logger.warning(
                "seed listener lost Postgres (%s); again in %ss",
                error,
                RECONNECT_S,
                extra={"action": "listener_disconnected"},
            )
            stop.wait(RECONNECT_S)


def _listen_once(stop: threading.Event) -> None:
    settings = get_settings()
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        for queue in NOTIFIED_QUEUES:
            conn.execute(f'LISTEN "{channel(queue)}"')
        logger.info("seed listener started", extra={"action": "listener_started"})
        # Whatever arrived before we listened (beat starting, a reconnect) is read now.
        fastlane.nudge(NOTIFIED_QUEUES, settings)
        queue_of = {channel(queue): queue for queue in NOTIFIED_QUEUES}
        while not stop.is_set():
            woken = {queue_of[n.channel] for n in conn.notifies(timeout=1.0) if n.channel in queue_of}
            if woken:
                fastlane.nudge(woken, settings)
                time.sleep(THROTTLE_S + 0.05)
                fastlane.nudge(woken, settings)


def start() -> threading.Event:
    """Start the listener thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=listen, args=(stop,), name="seed-listener", daemon=True).start()
    return stop


def run_inside_beat() -> None:
    """Start the listener in beat's process (when the fast lane is on)."""

    @on(beat_init, weak=False)
    def _start(**_: Any) -> None:
        if get_settings().discovery_fast_lane:
            start()
