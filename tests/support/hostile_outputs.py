"""Every place a name goes, rendered for one name: the CSV exports, the terminal tables, the graph
files and a text log line. The hostile-name tests (fixed names, and hypothesis's arbitrary ones)
render through here and check what came out."""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path
from typing import Any

import networkx as nx
from rich.console import Console

from discovery.catalog import coverage, producer_page, report
from discovery.logs import TextFormatter
from discovery.ops.drawing import write_graph


def a_credit(name: str) -> dict[str, Any]:
    return {
        "spotify_track_id": "t1", "track": name, "album": name, "role": "producer", "source": "genius",
        "confidence": 0.9, "artists": [name], "genius_song_id": 1, "credited_as": name,
    }


def a_report(name: str) -> dict[str, Any]:
    return {
        "artist": {"name": name, "spotify_id": "a1"},
        "albums": 1,
        "tracks": 1,
        "producers": [{
            "name": name, "genius_id": 7, "musicbrainz_id": None, "genius_url": None, "credits": [a_credit(name)],
            "socials": {"instagram": name, "instagram_followers": None, "twitter": name, "facebook": None},
        }],
        "alternatives": [{"id": "a2", "name": name}],
    }


def a_page(name: str) -> dict[str, Any]:
    return {
        "producer": {"name": name, "genius_id": 7, "musicbrainz_id": None,
                     "socials": {"instagram": name, "twitter": None, "facebook": None}},
        "credits": [a_credit(name)],
        "artists": [{"name": name, "spotify_id": "a1", "tracks": 1}],
        "collaborators": [{"name": name, "shared_tracks": 1}],
    }


def a_coverage(name: str) -> dict[str, Any]:
    track = {"spotify_track_id": "t1", "track": name, "album": name, "outcome": "no_genius_match",
             "reason": f"no match for {name}", "credits": {"genius": 0, "musicbrainz": 0},
             "detail": {"candidate": {"title": name, "artist": name}, "rejected_because": name},
             "cross_check": None}
    return {
        "artist": {"name": name}, "tracks_total": 1,
        "outcomes": {"credited_by_genius": 0, "credited_by_musicbrainz": 0, "no_genius_match": 1},
        "agreement": {}, "sources": {"genius": {"credits": 0, "tracks": 0}},
        "tracks": [track], "uncredited": [track],
    }


def csv_cells(name: str) -> list[str]:
    """Every cell of the report's, the producer page's and coverage's CSV."""
    cells: list[str] = []
    for text in (report.as_csv(a_report(name)), producer_page.as_csv(a_page(name)), coverage.as_csv(a_coverage(name))):
        for row in list(csv.reader(io.StringIO(text)))[1:]:
            cells.extend(row)
    return cells


def terminal_output(name: str, colour: bool = True) -> str:
    """The report's, the producer page's and coverage's tables as a terminal would get them
    (without colour: only what the names and the tables' lines put there)."""
    out = io.StringIO()
    console = Console(file=out, force_terminal=colour, color_system="truecolor" if colour else None, width=200)
    for renderable in (report.as_table(a_report(name)), producer_page.as_table(a_page(name)),
                       coverage.as_table(a_coverage(name))):
        console.print(renderable)
    return out.getvalue()


def graph_files(name: str, folder: Path) -> dict[str, Path]:
    """The collaboration graph of one artist and one producer, both named `name`, in each format."""
    graph = nx.Graph()
    graph.add_node("artist:a1", label=name, kind="artist")
    graph.add_node("producer:1", label=name, kind="producer")
    graph.add_edge("artist:a1", "producer:1", weight=1)
    written = {}
    for suffix in ("svg", "dot", "graphml"):
        path = folder / f"graph.{suffix}"
        write_graph(graph, path)
        written[suffix] = path
    return written


def text_log_line(name: str) -> str:
    """One log line in the text format, naming `name` in its message and in a field."""
    record = logging.LogRecord("discovery.test", logging.WARNING, __file__, 1, "seeded %s", (name,), None)
    record.artist = name
    return TextFormatter("%(levelname)s %(name)s: %(message)s").format(record)
