"""Search tokens: what two names share, the way the upstream search engines see it."""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Case-, accent- and space-insensitive words of `text` (NBSP and zero-width spaces count
    as nothing special)."""
    folded = unicodedata.normalize("NFKD", text.translate(_INVISIBLE)).casefold()
    plain = "".join(char for char in folded if not unicodedata.combining(char))
    return _WORD.findall(plain.replace("_", " "))
