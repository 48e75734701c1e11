"""A worker type for the foundation's tests, plugged in with DISCOVERY_WORKERS.

It calls no API. Its artistName says how to behave, so a test can stage each failure:
- "slow-first:S NAME": the first delivery stops extending its lease, as a frozen or partitioned
  process would, and waits S seconds before writing (outlives a short lease);
- "slow-live:S NAME": the first delivery waits S seconds before writing, its lease extended;
- "hang-first NAME": the first delivery writes a marker file holding its pid, then waits (to be
  killed with SIGKILL by the test);
- "always-fail NAME": every delivery raises a TransientError;
- anything else: done at once.
Its effect is a plain INSERT into `test_effects` (no upsert), so a doubled effect would show,
plus one downstream album_discovery message.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from discovery.exceptions import RateLimited, TransientError
from discovery.pgmq.messages import ArtistDiscovery, SocialEnrichment
from discovery.workers.base import BaseWorker, Transaction

CREATE_EFFECTS_TABLE = "CREATE TABLE test_effects (msg_id bigint, read_ct int, name text, pid int)"


class StagedArtistWorker(BaseWorker[ArtistDiscovery, str]):
    queue = "artist_discovery"

    def fetch(self, message: ArtistDiscovery) -> str:
        name = message.artistName or ""
        first = self.delivery.read_ct == 1
        if name.startswith("slow-first:") and first:
            assert self.lease is not None
            self.lease.stop()
            time.sleep(float(name.split()[0].partition(":")[2]))
        elif name.startswith("slow-live:") and first:
            time.sleep(float(name.split()[0].partition(":")[2]))
        elif name.startswith("hang-first") and first:
            marker = Path(os.environ["TEST_MARKER_DIR"]) / f"hang-{self.delivery.msg_id}"
            marker.write_text(str(os.getpid()))
            time.sleep(120)
        elif name.startswith("always-fail"):
            raise TransientError(f"staged failure for {name!r}")
        return name

    def write(self, tx: Transaction, message: ArtistDiscovery, fetched: str) -> None:
        tx.conn.execute(
            "INSERT INTO test_effects (msg_id, read_ct, name, pid) VALUES (%s, %s, %s, %s)",
            (self.delivery.msg_id, self.delivery.read_ct, fetched, os.getpid()),
        )
        tx.send("album_discovery", {"artistId": f"id-{self.delivery.msg_id}", "offset": 0})


class ThrottledOnceSocialWorker(BaseWorker[SocialEnrichment, str]):
    """A social worker whose first delivery finds its API's window full for `producerName`'s
    seconds ("hold:1.0 Name"), as a throttled give-back; later deliveries write their effect."""

    queue = "social_enrichment"

    def fetch(self, message: SocialEnrichment) -> str:
        hold_s = float(message.producerName.split()[0].partition(":")[2] or 0)
        if self.delivery.read_ct == 1 and hold_s:
            raise RateLimited("instagram", hold_s)
        return message.producerName

    def write(self, tx: Transaction, message: SocialEnrichment, fetched: str) -> None:
        tx.conn.execute(
            "INSERT INTO test_effects (msg_id, read_ct, name, pid) VALUES (%s, %s, %s, %s)",
            (self.delivery.msg_id, self.delivery.read_ct, fetched, os.getpid()),
        )
