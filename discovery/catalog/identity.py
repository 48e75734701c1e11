"""One producer across their names.

A producer is the person behind one or more source identities (a Genius artist id, a MusicBrainz
artist id); `producer_links` says which identity is which producer, and why:
- "first credited by Genius as 'X'": the identity made the producer;
- "same name as the MusicBrainz artist 'X'": exact normalised name (`names.normalize_name`);
- "'X' is a Genius alternate name of 'Y'" / "... a MusicBrainz alias ...": the new identity's
  name is another source's alias of a known producer;
- on enrichment (Genius `alternate_names`, MusicBrainz aliases), two producers that share a name
  or an alias, and no source (two Genius artists are two people), are merged, the reason naming
  the names that matched;
- "merged by hand" / "split by hand": `discovery producers merge A B` / `split A`.
A split records that the separated identities are different people: no rule links them again.
A merge moves the links, so a second discovery (which finds producers through the links) keeps
it. Merges and splits hold an exclusive lock that every credit write shares: a merge never
removes a producer while a credit for it is being written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, LiteralString

from psycopg import Connection

from discovery.catalog.credits import Credit
from discovery.catalog.names import normalize_name
from discovery.pgmq.sql import queries

logger = logging.getLogger(__name__)
SOURCE_LABEL = {"genius": "Genius", "musicbrainz": "MusicBrainz"}
ALIAS_LABEL = {"genius": "alternate name", "musicbrainz": "alias"}


class ProducerNotFound(LookupError):
    pass


class AmbiguousProducer(LookupError):
    pass


def _q(name: str) -> LiteralString:
    return queries("identity.sql")[name]


def _row(conn: Connection, name: str, params: dict[str, Any]) -> Any:
    return conn.execute(_q(name), params).fetchone()


def identity_of(credit: Credit) -> tuple[str, str] | None:
    if credit.source == "genius" and credit.genius_id is not None:
        return "genius", str(credit.genius_id)
    if credit.source == "musicbrainz" and credit.musicbrainz_id is not None:
        return "musicbrainz", credit.musicbrainz_id
    return None


def _source_ids(source: str, external_id: str) -> dict[str, Any]:
    return {
        "genius_id": int(external_id) if source == "genius" else None,
        "musicbrainz_id": external_id if source == "musicbrainz" else None,
    }


def share_lock(conn: Connection) -> None:
    """Take the identity lock beside other credit writers (a merge waits for them, and they for it)."""
    conn.execute(_q("identity_lock_shared"))


def producer_for_credit(conn: Connection, credit: Credit) -> int:
    """The producer a credit's source identity is: linked before, or linked now by the rules."""
    normalized = normalize_name(credit.name)
    conn.execute(_q("credit_locks"), {"normalized_name": normalized})  # share_lock's, then the name's
    identity = identity_of(credit)
    if identity is None:  # the producer worker refuses such credits before writing
        raise ValueError(f"credit for {credit.name!r} names no {credit.source} artist id")
    source, external_id = identity
    keys = {"source": source, "external_id": external_id, "normalized_name": normalized}
    row = _row(conn, "linked_producer", keys)
    if row is not None:
        return int(row[0])
    other = SOURCE_LABEL["musicbrainz" if source == "genius" else "genius"]
    producer_id: int | None = None
    row = _row(conn, "producer_by_name_for_link", keys)
    if row is not None:
        producer_id, reason = int(row[0]), f"same name as the {other} artist {row[1]!r}"
    else:
        row = _row(conn, "producer_by_alias_for_link", keys)
        if row is not None:
            producer_id = int(row[0])
            reason = f"{credit.name!r} is a {SOURCE_LABEL[row[3]]} {ALIAS_LABEL[row[3]]} of {row[1]!r}"
    if producer_id is None:
        producer_id = int(
            _row(conn, "insert_linked_producer", {"name": credit.name, "normalized_name": normalized,
                                                  **_source_ids(source, external_id)})[0]
        )
        reason = f"first credited by {SOURCE_LABEL[source]} as {credit.name!r}"
    else:
        conn.execute(_q("adopt_source_id"), {"producer_id": producer_id, "name": credit.name,
                                             "normalized_name": normalized, **_source_ids(source, external_id)})
    _link(conn, source, external_id, producer_id, credit.name, reason)
    return producer_id


def _link(conn: Connection, source: str, external_id: str, producer_id: int, name: str, reason: str,
          manual: bool = False) -> None:
    conn.execute(_q("insert_link"), {"source": source, "external_id": external_id, "producer_id": producer_id,
                                     "name": name, "reason": reason, "manual": manual})


def record_aliases(conn: Connection, producer_id: int, source: str, external_id: str, aliases: list[str]) -> None:
    """The other names a source gives the producer (Genius alternate_names, MusicBrainz aliases)."""
    for alias in dict.fromkeys(a.strip() for a in aliases if a and a.strip()):
        conn.execute(_q("record_alias"), {"producer_id": producer_id, "source": source, "external_id": external_id,
                                          "alias": alias, "normalized_alias": normalize_name(alias)})


def resolve(conn: Connection, producer_id: int) -> int | None:
    """The producer an id is now (following merges), or None when it is gone."""
    seen: set[int] = set()
    current = producer_id
    while current not in seen:
        seen.add(current)
        if _row(conn, "producer_row", {"producer_id": current}) is not None:
            return current
        row = _row(conn, "merged_into", {"producer_id": current})
        if row is None:
            return None
        current = int(row[0])
    return None


@dataclass(frozen=True)
class Name:
    text: str
    source: str
    kind: str  # name | alias

    def label(self) -> str:
        kind = "name" if self.kind == "name" else ALIAS_LABEL[self.source]
        return f"{SOURCE_LABEL[self.source]} {kind} {self.text!r}"


def names_of(conn: Connection, producer_id: int) -> list[Name]:
    return [Name(*row) for row in conn.execute(_q("producer_names"), {"producer_id": producer_id})]


def _sources(conn: Connection, producer_id: int) -> set[str]:
    return {row[0] for row in conn.execute(_q("producer_links_of"), {"producer_id": producer_id})}


def matching_names(mine: list[Name], theirs: list[Name]) -> list[tuple[Name, Name]]:
    """Pairs of names, one from each side, that normalise alike (what links two identities)."""
    keyed: dict[str, list[Name]] = {}
    for name in theirs:
        keyed.setdefault(normalize_name(name.text), []).append(name)
    return [(a, b) for a in mine for b in keyed.get(normalize_name(a.text), []) if a.source != b.source]


def link_by_names(conn: Connection, producer_id: int) -> list[int]:
    """Merge into one the producers that share a name or alias with this one across sources;
    returns the ids merged away. Call with the identity lock held (`lock`)."""
    merged: list[int] = []
    current = resolve(conn, producer_id)
    if current is None:
        return merged
    mine = names_of(conn, current)
    keys = sorted({normalize_name(name.text) for name in mine})
    for (other_id,) in conn.execute(_q("producers_named"), {"names": keys, "producer_id": current}).fetchall():
        other_id = int(other_id)
        if _sources(conn, current) & _sources(conn, other_id):
            continue  # two artists of one source are two people
        if _row(conn, "split_blocked", {"producer_id": current, "other_id": other_id})[0]:
            continue
        pairs = matching_names(mine, names_of(conn, other_id))
        if not pairs:
            continue
        reason = "; ".join(f"{a.label()} = {b.label()}" for a, b in pairs)
        survivor, gone = (current, other_id) if "genius" in _sources(conn, current) or (
            "genius" not in _sources(conn, other_id) and current < other_id) else (other_id, current)
        merge(conn, survivor, gone, reason, manual=False)
        merged.append(gone)
        current = survivor
        mine = names_of(conn, current)
    return merged


def lock(conn: Connection) -> None:
    """Take the identity lock alone (merges, splits, alias linking)."""
    conn.execute(_q("identity_lock"))


def merge(conn: Connection, into_id: int, merged_id: int, reason: str, manual: bool) -> None:
    """Move everything of `merged_id` (links, aliases, credits, socials) to `into_id`; remember it."""
    if into_id == merged_id:
        raise ValueError("a producer cannot be merged into itself")
    first, second = sorted((into_id, merged_id))
    rows = {first: _row(conn, "producer_row", {"producer_id": first}),
            second: _row(conn, "producer_row", {"producer_id": second})}
    if rows[into_id] is None or rows[merged_id] is None:
        raise ProducerNotFound(f"producer {into_id if rows[into_id] is None else merged_id} does not exist")
    if manual:
        conn.execute(_q("forget_splits_between"), {"producer_id": into_id, "other_id": merged_id})
    params = {"into_id": into_id, "merged_id": merged_id, "reason": reason, "manual": manual}
    conn.execute(_q("move_links"), params)
    conn.execute(_q("move_aliases"), params)
    conn.execute(_q("move_credits"), params)
    conn.execute(_q("move_ended_credits"), params)  # their history goes with them
    conn.execute(_q("move_socials"), params)
    conn.execute(_q("move_ended_socials"), params)
    _, _, genius_id, musicbrainz_id = rows[merged_id]
    conn.execute(_q("delete_producer"), {"producer_id": merged_id})
    _, _, own_genius, own_mb = rows[into_id]
    conn.execute(_q("set_source_ids"), {
        "producer_id": into_id, "genius_id": own_genius if own_genius is not None else genius_id,
        "musicbrainz_id": own_mb if own_mb is not None else musicbrainz_id,
        "gained_genius": own_genius is None and genius_id is not None,
    })
    conn.execute(_q("record_merge"), params)
    conn.execute(_q("follow_merge_chain"), params)
    logger.info("producer %s merged into %s: %s", merged_id, into_id, reason,
                extra={"action": "producers_merged", "into_id": into_id, "merged_id": merged_id, "manual": manual})


def split(conn: Connection, producer_id: int) -> list[int]:
    """Give every identity of a producer but its first its own producer again (with the credits and
    aliases that identity brought), and remember that they are different people."""
    row = _row(conn, "producer_row", {"producer_id": producer_id})
    if row is None:
        raise ProducerNotFound(f"producer {producer_id} does not exist")
    links = conn.execute(_q("producer_links_of"), {"producer_id": producer_id}).fetchall()
    if len(links) < 2:
        return []
    kept, separated = links[0], links[1:]
    conn.execute(_q("set_source_ids"), {"producer_id": producer_id, **_source_ids(kept[0], kept[1]),
                                        "gained_genius": False})
    created: list[int] = []
    for source, external_id, name, *_ in separated:
        new_id = int(_row(conn, "insert_linked_producer", {"name": name, "normalized_name": normalize_name(name),
                                                           **_source_ids(source, external_id)})[0])
        moved = {"into_id": new_id, "from_id": producer_id, "source": source, "external_id": external_id}
        conn.execute(_q("move_credits_of_identity"), moved)
        conn.execute(_q("move_ended_credits_of_identity"), moved)
        conn.execute(_q("move_aliases_of_identity"), moved)
        _link(conn, source, external_id, new_id, name, f"split by hand from {row[1]!r}", manual=True)
        created.append(new_id)
    identities = [(link[0], link[1]) for link in links]
    for index, (source_a, id_a) in enumerate(identities):
        for source_b, id_b in identities[index + 1:]:
            conn.execute(_q("record_split"), {"source_a": source_a, "id_a": id_a, "source_b": source_b, "id_b": id_b})
    logger.info("producer %s split into %s", producer_id, [producer_id, *created],
                extra={"action": "producer_split", "producer_id": producer_id, "new_producers": created})
    return created


def find_producer(conn: Connection, text: str) -> int:
    """A producer by id, name or alias; one, or an error naming the candidates."""
    rows = conn.execute(_q("find_producers"), {"text": text.strip(), "normalized": normalize_name(text)}).fetchall()
    if not rows:
        raise ProducerNotFound(f"no producer with the id, name or alias {text!r}")
    if len(rows) > 1:
        listed = ", ".join(f"{pid} ({name})" for pid, name in rows)
        raise AmbiguousProducer(f"{text!r} names several producers: {listed}; give the id")
    return int(rows[0][0])


def producer_aliases(conn: Connection, producer_id: int) -> dict[str, Any]:
    """A producer's aliases and links, each link with why it was made."""
    return {
        "aliases": [{"alias": alias, "source": source, "external_id": ext}
                    for alias, source, ext in conn.execute(_q("producer_aliases_of"), {"producer_id": producer_id})],
        "links": [{"source": source, "external_id": ext, "name": name, "reason": reason, "manual": manual,
                   "linked_at": at.isoformat()}
                  for source, ext, name, reason, manual, at in conn.execute(_q("producer_links_of"),
                                                                             {"producer_id": producer_id})],
    }


def producer_name(conn: Connection, producer_id: int) -> str:
    row = _row(conn, "producer_name", {"producer_id": producer_id})
    if row is None:
        raise ProducerNotFound(f"producer {producer_id} does not exist")
    return str(row[0])


def enrichment_wanted(conn: Connection, producer_id: int) -> str | None:
    """The producer's name when its socials should be looked up now (and marks them asked for)."""
    row = _row(conn, "enrichment_wanted", {"producer_id": producer_id})
    return str(row[0]) if row else None


CREDIT_KEYS = ("spotify_track_id", "track", "album", "role", "source", "confidence", "credited_as",
               "genius_song_id", "genius_song_url", "genius_section", "musicbrainz_recording_id",
               "musicbrainz_relation_type", "musicbrainz_attributes", "isrc", "musicbrainz_release_id",
               "musicbrainz_release_title")


def credit_evidence(conn: Connection, producer_id: int) -> dict[tuple[str, str, str], dict[str, Any]]:
    """What each of a producer's credits rests on, by (spotify_track_id, role, source)."""
    found = {}
    for credit in conn.execute(_q("producer_credits_with_evidence"), {"producer_id": producer_id}).fetchall():
        row = dict(zip(CREDIT_KEYS, credit, strict=True))
        found[(row["spotify_track_id"], row["role"], row["source"])] = {
            key: row[key] for key in CREDIT_KEYS if key not in ("spotify_track_id", "track", "album", "role", "source", "confidence")
        }
    return found
