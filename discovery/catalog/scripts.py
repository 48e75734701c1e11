"""Two scripts in one name: Genius titles many songs "native (romanization)" or the other way round
("夜明けのパレード (Yoake no Parade)") and names many artists "Name (native)" ("BTS (방탄소년단)"),
where Spotify has one of the two.

A text ending in one bracketed part is read as two spellings when exactly one of the two sides
is written only in Latin letters and the other has letters of another script: "Song (Interlude)"
stays one spelling, as does "Song (Remix)" once the caller has set version suffixes aside.
"""

from __future__ import annotations

import re
import unicodedata

_TRAILING_BRACKET = re.compile(r"^(?P<outer>.*\S)\s*[(\[](?P<inner>[^()\[\]]+)[)\]]\s*$")


def _scripts(text: str) -> set[str]:
    """The scripts of `text`'s letters: "latin" or "other"."""
    found: set[str] = set()
    for char in unicodedata.normalize("NFKC", text):
        if char.isalpha():
            found.add("latin" if unicodedata.name(char, "").startswith("LATIN") else "other")
    return found


def two_spellings(text: str) -> tuple[str, str] | None:
    """(outer, inner) when `text` is "A (B)" with A and B in different scripts, else None."""
    match = _TRAILING_BRACKET.match(text.strip())
    if match is None:
        return None
    outer, inner = match.group("outer").strip(), match.group("inner").strip()
    scripts = (_scripts(outer), _scripts(inner))
    if {"latin"} in scripts and any("other" in found for found in scripts):
        return outer, inner
    return None


def spellings(text: str) -> list[str]:
    """The text as written, then each of its two spellings when it has two."""
    both = two_spellings(text)
    return [text] if both is None else [text, *both]
