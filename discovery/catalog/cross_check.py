"""DISCOVERY_CROSS_CHECK=musicbrainz: do Genius and MusicBrainz name the same producers?

Compared per recording by normalised producer name (roles aside: the sources word them
differently): `agree` (the same names), `disagree` (the names each alone gives are kept),
`only_genius` (MusicBrainz names no producer) or `only_musicbrainz` (Genius names none).
"""

from __future__ import annotations

from typing import Any

from discovery.catalog.credits import Credit
from discovery.catalog.names import normalize_name

AGREE = "agree"
DISAGREE = "disagree"
ONLY_GENIUS = "only_genius"
ONLY_MUSICBRAINZ = "only_musicbrainz"
VERDICTS = (AGREE, DISAGREE, ONLY_GENIUS, ONLY_MUSICBRAINZ)


def _names(credits: list[Credit]) -> dict[str, str]:
    return {normalize_name(credit.name): credit.name for credit in credits}


def compare(genius: list[Credit], musicbrainz: list[Credit]) -> tuple[str, dict[str, Any]] | None:
    """The verdict and the names behind it; None when neither source names a producer."""
    ours, theirs = _names(genius), _names(musicbrainz)
    detail = {
        "only_genius": sorted(ours[key] for key in ours.keys() - theirs.keys()),
        "only_musicbrainz": sorted(theirs[key] for key in theirs.keys() - ours.keys()),
        "both": sorted(ours[key] for key in ours.keys() & theirs.keys()),
    }
    if not ours and not theirs:
        return None
    if not theirs:
        return ONLY_GENIUS, detail
    if not ours:
        return ONLY_MUSICBRAINZ, detail
    return (AGREE if ours.keys() == theirs.keys() else DISAGREE), detail
