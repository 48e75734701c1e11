"""History, not overwrite: when a recording is identified again, the credits its source no longer
lists are ended (moved to `ended_credits` with when, why and the evidence), a credit found again
keeps when it was first seen (track_producers.created_at), and a new one records when it appeared.
Readers of track_producers (report, search, producer pages, graph, exports) see only the credits in
force; `report --history` and `discovery changes` read the rest.

When a recording is identified again (`store.mark_recording_identified` schedules it): with no
credit, after RECHECK_UNCREDITED_FIRST_S, doubled for each identification in a row that found
nobody (7, 14, 28 ... days), at most RECHECK_UNCREDITED_MAX_S; with credits, RECHECK_CREDITED_S.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, LiteralString

from psycopg import Connection
from psycopg.types.json import Jsonb

from discovery.catalog import identity
from discovery.pgmq.sql import queries

DAY_S = 24 * 3600
RECHECK_UNCREDITED_FIRST_S = 7 * DAY_S
RECHECK_UNCREDITED_MAX_S = 180 * DAY_S
RECHECK_CREDITED_S = 90 * DAY_S

CHANGE_KINDS = ("new_release", "new_track", "new_credit", "ended_credit", "new_producer")
CHANGE_COLUMNS = ("changed_at", "kind", "artist", "track", "producer", "source", "album", "role", "detail")
EVIDENCE_KEYS = ("genius_song_id", "genius_song_url", "genius_section", "musicbrainz_recording_id",
                 "musicbrainz_relation_type", "musicbrainz_attributes", "isrc", "credited_as")


def _q(name: str) -> LiteralString:
    return queries("history.sql")[name]


def recheck_after_s(credited: bool, empty_checks_before: int) -> float:
    """Seconds until a recording is identified again (the rule `mark_recording_identified` applies
    in SQL), given whether this identification credited it and how many in a row found nobody."""
    if credited:
        return float(RECHECK_CREDITED_S)
    return float(min(RECHECK_UNCREDITED_FIRST_S * 2 ** min(empty_checks_before, 30), RECHECK_UNCREDITED_MAX_S))


def schedule_params() -> dict[str, float]:
    """The recheck rule's figures, as `mark_recording_identified` takes them."""
    return {
        "credited_s": float(RECHECK_CREDITED_S),
        "uncredited_first_s": float(RECHECK_UNCREDITED_FIRST_S),
        "uncredited_max_s": float(RECHECK_UNCREDITED_MAX_S),
    }


def end_unlisted_credits(
    conn: Connection,
    recording_key: str,
    kept: Iterable[tuple[int, str, str]],
    *,
    credit_source: str | None,
    genius_song_id: int | None,
    outcome: str,
    credited_now: list[str],
) -> list[int]:
    """End the recording's credits in force that are not in `kept` ((producer_id, source, role) as
    this identification found them); the producer ids whose credits ended."""
    identity.share_lock(conn)  # a merge moving these credits meanwhile would be undone
    rows = [{"producer_id": pid, "source": source, "role": role} for pid, source, role in kept]
    evidence = {
        "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "credit_source": credit_source,
        "genius_song_id": genius_song_id,
        "outcome": outcome,
        "credited_now": sorted(set(credited_now)),
    }
    found = conn.execute(
        _q("end_unlisted_credits"),
        {"recording_key": recording_key, "kept": Jsonb(rows), "credit_source": credit_source,
         "genius_song_id": genius_song_id, "evidence": Jsonb(evidence)},
    ).fetchall()
    return [int(row[0]) for row in found]


def ended_credits(conn: Connection, spotify_id: str) -> list[dict[str, Any]]:
    """Every ended credit on the artist's tracks, newest first, in the report's credit shape plus
    producer, first_seen, ended_at, ended_because and ended_evidence."""
    result = []
    for (name, genius_id, mb_id, track_id, track, album, role, source, conf, *rest) in conn.execute(
        _q("artist_ended_credits"), {"spotify_id": spotify_id}
    ):
        evidence, (first_seen, ended_at, because, ended_evidence) = rest[: len(EVIDENCE_KEYS)], rest[len(EVIDENCE_KEYS):]
        result.append({
            "producer": name, "genius_id": genius_id, "musicbrainz_id": mb_id,
            "spotify_track_id": track_id, "track": track, "album": album, "role": role, "source": source,
            "confidence": round(float(conf), 3), **dict(zip(EVIDENCE_KEYS, evidence, strict=True)),
            "first_seen": first_seen.isoformat(), "ended_at": ended_at.isoformat(),
            "ended_because": because, "ended_evidence": ended_evidence,
        })
    return result


def first_seen(conn: Connection, spotify_id: str) -> dict[tuple[str, str, str, str], str]:
    """When each credit in force on the artist's tracks was first seen, by (spotify track id,
    producer name, source, role)."""
    return {
        (str(track), str(producer), str(source), str(role)): seen.isoformat()
        for track, producer, source, role, seen in conn.execute(_q("artist_first_seen"), {"spotify_id": spotify_id})
    }


def with_history(conn: Connection, report: dict[str, Any]) -> dict[str, Any]:
    """The report (catalog/report.build) with each credit's first_seen, the artist's ended credits
    (`ended_credits`, newest first) and its producers' ended social handles (`ended_socials`)."""
    spotify_id = report["artist"]["spotify_id"]
    seen = first_seen(conn, spotify_id)
    for producer in report["producers"]:
        for credit in producer["credits"]:
            credit["first_seen"] = seen.get((credit["spotify_track_id"], producer["name"], credit["source"], credit["role"]))
    producer_ids = [int(pid) for (pid,) in conn.execute(_q("artist_producer_ids"), {"spotify_id": spotify_id})]
    return {**report, "ended_credits": ended_credits(conn, spotify_id), "ended_socials": ended_socials(conn, producer_ids)}


def ended_socials(conn: Connection, producer_ids: list[int]) -> list[dict[str, Any]]:
    """The social handles these producers' sources no longer list, newest first."""
    keys = ("producer", "platform", "handle", "source", "first_seen", "ended_at", "ended_because")
    rows: list[tuple[Any, ...]] = (
        conn.execute(_q("ended_socials"), {"producer_ids": producer_ids}).fetchall() if producer_ids else []
    )
    return [{key: value.isoformat() if isinstance(value, datetime) else value
             for key, value in zip(keys, row, strict=True)} for row in rows]


def changes(conn: Connection, since: datetime) -> list[dict[str, Any]]:
    """recent_changes(since) as dicts (CHANGE_COLUMNS), oldest first."""
    return [dict(zip(CHANGE_COLUMNS, row, strict=True)) for row in conn.execute(_q("recent_changes"), {"since": since})]
