"""Hostile names in every place a name goes: spreadsheet formulas stay text, rich markup and
terminal sequences stay inert, `$…$` does not crash the SVG, controls do not break GraphML or DOT,
and a newline cannot forge a text log line."""

from __future__ import annotations

import networkx as nx
import pydot
import pytest

from tests.support.hostile_outputs import csv_cells, graph_files, terminal_output, text_log_line

FORMULAS = ['=HYPERLINK("https://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("name", FORMULAS)
def test_a_name_that_starts_a_formula_is_text_in_every_csv_export(name):
    # When a report, a producer page and coverage are exported with that name everywhere
    cells = csv_cells(name)

    # Then no cell starts a formula, and the name is still there behind the guard
    named = [cell for cell in cells if name in cell]
    assert named, cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'" + name in cells


@pytest.mark.parametrize("name", [
    "DJ [/bold] Mustard",
    "[link=https://evil.example]Click[/link]",
    "[bold red]Loud",
])
def test_markup_in_a_name_is_shown_as_written_in_the_terminal_tables(name):
    # When the report, the producer page and coverage are printed to a terminal
    out = terminal_output(name)

    # Then nothing crashed, the name is shown as written, and no link was made of it
    assert name in out
    assert "evil.example" not in out.replace(name, "")
    assert "\x1b]8;" not in out.split("@")[0]  # no hyperlink escape before the Instagram cell


def test_terminal_sequences_in_a_name_never_reach_the_terminal():
    # Given a name that clears the screen, rings the bell and reverses the text
    name = "Evil\x1b[2J\x07\u202eNova"

    # When the tables are printed to a terminal
    out = terminal_output(name)

    # Then none of those sequences is written; the visible letters are
    assert "\x1b[2J" not in out and "\x07" not in out and "\u202e" not in out
    assert "Evil" in out and "Nova" in out


@pytest.mark.parametrize("name", ["$x^2$", "$\\frac{$", "a $ b $ c", "Ctrl\x01\x0b\x1f\ufffe", "Ends\\", "Say \"hi\""])
def test_math_text_and_control_characters_leave_every_graph_format_readable(name, tmp_path):
    # When the graph is written as SVG, DOT and GraphML with that name on both nodes
    files = graph_files(name, tmp_path)

    # Then each file reads back: the SVG was drawn, GraphML parses, DOT parses with both nodes
    assert files["svg"].read_text().startswith("<?xml")
    labels = {data["label"] for _, data in nx.read_graphml(files["graphml"]).nodes(data=True)}
    assert len(labels) == 1 and labels.pop().replace("\ufffd", "").strip() != ""
    [dot] = pydot.graph_from_dot_file(str(files["dot"]))
    assert len([node for node in dot.get_nodes() if node.get_name() not in ("node", "edge", "graph")]) == 2


def test_a_newline_in_a_name_cannot_forge_a_text_log_line():
    # Given a name carrying a forged log line
    name = "Nova\n2026-01-01 00:00:00 ERROR discovery: forged"

    # When it is logged in the text format, in the message and in a field
    line = text_log_line(name)

    # Then it is one line, the newline written as an escape
    assert "\n" not in line
    assert line.count("Nova\\n2026-01-01") == 2
