"""A running delivery's lease: a heartbeat thread extends the message's visibility timeout.

The bridge reads with a short lease (DISCOVERY_LEASE_S, 30 s by default) so that a delivery lost
with Redis or with a killed worker is read again within about one lease. While the task is
alive, this thread moves the vt one lease ahead every third of a lease through the fenced
`set_vt` (only the delivery that owns the message can extend it), so a slow task is never
stolen. A thread rather than an extension at each API call: a task can be slow without calling
an API (a long write, a lock wait), and a dead process stops its thread with it.

The heartbeat stops before the delivery's outcome is written: a give-back sets the vt to its
own delay, which a late heartbeat must not overwrite.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from types import TracebackType

from discovery.pgmq import queues
from discovery.pgmq.db import pool
from discovery.pgmq.queues import Delivery

logger = logging.getLogger(__name__)

MIN_BEAT_S = 0.2


class Lease:
    """Context manager: while inside, the delivery's lease is kept `lease_s` ahead."""

    def __init__(
        self,
        delivery: Delivery,
        database_url: str,
        lease_s: float,
        on_extend: Callable[[], None] | None = None,
    ) -> None:
        self.delivery = delivery
        self.database_url = database_url
        self.lease_s = lease_s
        self.beat_s = max(lease_s / 3, MIN_BEAT_S)
        self.on_extend = on_extend
        self.extensions = 0
        self.lost = False  # another delivery owns the message now (or it is gone)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{delivery.msg_id}", daemon=True)

    def __enter__(self) -> Lease:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop extending (and wait for an extension under way), e.g. to act as a frozen process."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.beat_s):
            try:
                with pool(self.database_url).connection() as conn:
                    owned = queues.set_vt(conn, self.delivery, self.lease_s)
            except Exception:  # noqa: BLE001 - a missed beat is retried; the lease has slack
                logger.warning("lease extension failed", exc_info=True, extra={"action": "lease_extension_failed"})
                continue
            if not owned:
                self.lost = True
                return
            self.extensions += 1
            if self.on_extend is not None:
                try:
                    self.on_extend()
                except Exception:  # noqa: BLE001 - bookkeeping only; PGMQ holds the truth
                    logger.debug("lease bookkeeping failed", exc_info=True)
