"""Names from outside made inert for the place they go: a spreadsheet cell, a terminal table, a
graph file (a text log line's escaping is in discovery/logs). Artists, tracks, albums and
producers are named by Spotify, Genius, MusicBrainz and whoever seeds, so each of these places
gets its own escaping here (SECURITY.md).
"""

from __future__ import annotations

import re
from typing import Any

from rich.markup import escape as rich_escape

# C0 and C1 controls and DEL (ESC starts terminal sequences, BEL rings, CR/LF forge lines), and the
# bidirectional overrides and isolates, which reorder what a terminal shows (Trojan Source).
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A spreadsheet reads a cell starting with one of these as a formula (OWASP's CSV injection list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# Characters XML 1.0 (GraphML) cannot hold at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udfff]")


def without_controls(text: str, replacement: str = "\ufffd") -> str:
    """`text` with every control and bidirectional override replaced (tab and newlines by a
    space, so words stay apart)."""
    return _CONTROLS.sub(lambda found: " " if found.group() in "\t\n\r" else replacement, text)


def csv_cell(value: Any) -> Any:
    """A value a spreadsheet shows as text: a string that would start a formula gets a leading
    apostrophe (the usual guard, which spreadsheets hide); other values are left alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_row(values: list[Any]) -> list[Any]:
    return [csv_cell(value) for value in values]


def terminal(value: Any) -> str:
    """A value for a rich table or title: shown as written, never read as markup, and no control
    sequence reaches the terminal."""
    return rich_escape(without_controls(str(value)))


def svg_label(text: str) -> str:
    """A label matplotlib draws as written: `$` would start math text (and a bad formula raises),
    so it is escaped; controls are replaced."""
    return graph_text(text).replace("$", r"\$")


def graph_text(text: str) -> str:
    """A name for GraphML: no character XML cannot hold, no control character."""
    return without_controls(_NOT_XML.sub("\ufffd", text))


def dot_text(text: str) -> str:
    """A name for DOT: as for GraphML, and a backslash doubled (pydot quotes the string and
    escapes its quotes, not its backslashes: a name ending in one ended the string early)."""
    return graph_text(text).replace("\\", "\\\\")
