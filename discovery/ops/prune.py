"""`discovery prune`: retention on demand (beat runs the same daily), with a dry run."""

from __future__ import annotations

import psycopg

from discovery.pgmq import retention


def run(database_url: str, older_than_s: float, *, dry_run: bool) -> retention.Pruned:
    with psycopg.connect(database_url, autocommit=True) as conn:
        return retention.prune(conn, older_than_s, dry_run=dry_run)


def describe(result: retention.Pruned) -> str:
    """One line per table with something to remove, then the total."""
    verb = "would remove" if result.dry_run else "removed"
    cutoff = "?" if result.cutoff is None else result.cutoff.isoformat(timespec="seconds")
    lines = [f"{table}: {verb} {count}" for table, count in result.removed.items() if count]
    lines.append(f"{verb} {result.total} row(s) older than {cutoff}; dead letters in the DLQs are kept")
    return "\n".join(lines)
